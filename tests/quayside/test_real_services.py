"""The suite runs against real PostgreSQL and Redis in CI; there these tests fail, never skip."""

import os
import uuid

import pytest
from django.db import connection
from kombu import Connection, Exchange, Queue


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]

    assert int(version.split(".")[0]) >= 13


@pytest.mark.redis
def test_a_message_round_trips_through_redis():
    url = os.environ["REDIS_URL"]
    name = f"quayside-test-{uuid.uuid4().hex}"
    queue = Queue(name, Exchange("quayside-test"), routing_key=name, auto_delete=True)

    with Connection(url, connect_timeout=3) as broker:
        broker.ensure_connection(max_retries=1)
        with broker.Producer() as producer:
            producer.publish(
                {"hello": "redis"},
                exchange=queue.exchange,
                routing_key=queue.name,
                declare=[queue],
            )
        message = queue(broker.channel()).get(no_ack=True)

    assert message is not None
    assert message.payload == {"hello": "redis"}
