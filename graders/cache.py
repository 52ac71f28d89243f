"""A bounded cache of images the grader builds from a task's own files, evicted LRU by size.

What is cached, and why only this: images built from *task-provided* files (the single-stage
baseline the multi-stage task compares against, the API and database images of the networking
task) are trusted and identical for every submission of a task version, so they are built once
and kept, keyed by a hash of their content and of the base images' ids. Learner builds are NOT
cached: the sandbox builds them with `nocache`, because the classic builder's cache key for a
`RUN` step is only its text and parent, so a shared cache would let one learner's build feed
layers into another's, and a failed build's layers must all be ours to delete. (With BuildKit's
`--cache-from` restricted to trusted images this could change; the classic builder has no
such restriction worth relying on.)

Bounded: after every use the cache's images are summed (their full `Size`, base layers
included, which over-counts and so errs on the small side) and the least recently used ones
are removed until the total fits `max_bytes`. An image in use by a running job cannot be
removed; it is skipped and retried next time.
"""

import hashlib
import io
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import docker
from docker.models.images import Image

from graders.errors import InfrastructureError
from graders.sandbox.context import ContextRejectedError, build_context
from graders.sandbox.listing import images_present
from graders.sandbox.prescreen import SCRATCH, instructions

logger = logging.getLogger(__name__)

GIB = 1024 * 1024 * 1024
CACHE_LABEL = "org.quayside.cache"
CACHE_NAME_LABEL = "org.quayside.cache.name"
CACHE_REPOSITORY = "quayside-cache"
# The tasks' baselines are ~130 MB each; 2 GiB keeps every task warm with room to spare.
DEFAULT_MAX_BYTES = 2 * GIB
# Task images are small and built offline; minutes would mean a broken task, not a slow one.
TRUSTED_BUILD_SECONDS = 300
TRUSTED_CONTEXT_BYTES = 50 * 1024 * 1024
KEY_VERSION = "1"


@dataclass(frozen=True)
class CachedImage:
    key: str
    image_id: str
    size_bytes: int
    built: bool


class TaskImageCache:
    """Thread-safe; one per worker process (`DEFAULT_CACHE`). LRU order is kept in memory, and
    images this process has not used yet are ordered by their creation time."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._last_used: dict[str, float] = {}
        self._lock = threading.Lock()

    def ensure(
        self,
        client: docker.DockerClient,
        *,
        name: str,
        files: Mapping[str, bytes],
        dockerfile: str = "Dockerfile",
    ) -> CachedImage:
        """The image for these files, built (no network, no cache) if not present yet.

        Raises InfrastructureError if a task's own image does not build: that is a fault in
        the task, never the learner's.
        """
        key = content_key(client, files, dockerfile)
        with self._lock:
            found = images_present(client, filters={"label": f"{CACHE_LABEL}={key}"})
            built = not found
            image_id = _build(client, name, key, files, dockerfile) if built else str(found[0].id)
            self._last_used[key] = time.time()
            self.evict(client, keep=key)
        size = int(client.images.get(image_id).attrs["Size"])
        return CachedImage(key=key, image_id=image_id, size_bytes=size, built=built)

    def evict(self, client: docker.DockerClient, *, keep: str | None = None) -> list[str]:
        """Remove least recently used cache images until the total fits; returns their keys."""
        images = images_present(client, filters={"label": CACHE_LABEL})
        total = sum(int(image.attrs["Size"]) for image in images)
        removed: list[str] = []

        def last_used(image: Image) -> float:
            key = image.labels.get(CACHE_LABEL, "")
            return self._last_used.get(key, _created_seconds(image.attrs))

        for image in sorted(images, key=last_used):
            if total <= self.max_bytes:
                break
            key = image.labels.get(CACHE_LABEL, "")
            if key == keep:
                continue
            try:
                client.images.remove(str(image.id), force=False)
            except docker.errors.APIError as error:
                logger.info("cache image %s kept (in use?): %s", image.short_id, error)
                continue
            total -= int(image.attrs["Size"])
            self._last_used.pop(key, None)
            removed.append(key)
        return removed


def _created_seconds(attrs: Mapping[str, object]) -> float:
    created = str(attrs.get("Created", ""))
    try:
        return datetime.fromisoformat(created[:26].rstrip("Z")).timestamp()
    except ValueError:
        return 0.0


def content_key(client: docker.DockerClient, files: Mapping[str, bytes], dockerfile: str) -> str:
    """A hash of the files, the Dockerfile's name and the ids of the base images it names."""
    digest = hashlib.sha256(f"quayside-cache-v{KEY_VERSION}\0{dockerfile}\0".encode())
    for path in sorted(files):
        digest.update(f"{path}\0{len(files[path])}\0".encode())
        digest.update(files[path])
    text = files.get(dockerfile, b"").decode("utf-8", "replace")
    for base in _base_images(text):
        try:
            digest.update(str(client.images.get(base).id).encode())
        except docker.errors.ImageNotFound as error:
            raise InfrastructureError(
                f"base image {base} is missing; run `python -m graders.sandbox.images`"
            ) from error
    return digest.hexdigest()


def _base_images(text: str) -> list[str]:
    stages: list[str] = []
    bases: list[str] = []
    for instruction in instructions(text):
        if instruction.keyword != "FROM":
            continue
        words = [word for word in instruction.arguments.split() if not word.startswith("--")]
        if not words:
            continue
        if words[0].lower() not in stages and words[0] != SCRATCH:
            bases.append(words[0])
        if len(words) >= 3 and words[1].lower() == "as":
            stages.append(words[2].lower())
    return bases


def _build(
    client: docker.DockerClient,
    name: str,
    key: str,
    files: Mapping[str, bytes],
    dockerfile: str,
) -> str:
    try:
        context = build_context(files, dockerfile=dockerfile, max_bytes=TRUSTED_CONTEXT_BYTES)
    except ContextRejectedError as error:
        raise InfrastructureError(f"task image {name}: {error}") from error
    tag = f"{CACHE_REPOSITORY}:{key[:32]}"
    stream = client.api.build(
        fileobj=io.BytesIO(context.tar),
        custom_context=True,
        dockerfile=dockerfile,
        tag=tag,
        labels={CACHE_LABEL: key, CACHE_NAME_LABEL: name},
        pull=False,
        nocache=True,
        rm=True,
        forcerm=True,
        network_mode="none",
        decode=True,
        timeout=TRUSTED_BUILD_SECONDS,
    )
    for message in stream:
        if isinstance(message, dict) and message.get("error"):
            raise InfrastructureError(f"task image {name} failed to build: {message['error']}")
    try:
        return str(client.images.get(tag).id)
    except docker.errors.ImageNotFound as error:
        raise InfrastructureError(
            f"task image {name} built without an image: {json.dumps(name)}"
        ) from error


DEFAULT_CACHE = TaskImageCache()
