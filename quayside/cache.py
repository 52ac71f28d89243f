"""Django's Redis cache, with one Redis client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` object for every operation, and building one
costs about as much CPU as the GET it serves (its response callbacks are set up each time). A
`redis.Redis` object is thread-safe and holds no connection of its own (the pool does), so one
per pool serves every operation of a process.
"""

from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        # The pool Django picks (the first server for writes, a replica for reads): not in stubs.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
