"""The bounded layer cache of learner builds: the images of graded builds kept for reuse.

A rebuild of a Dockerfile whose first steps did not change reuses those steps' layers, as it does
on a learner's own machine; only the changed steps and the ones after them run again.

Why sharing layers between learners is safe: the classic builder reuses a step only when its
parent image and its instruction are identical, and for `COPY`/`ADD` the files' content hashes
too. A layer reused is therefore the one the same instruction produced from the same inputs; a
learner cannot read another's files through the cache (a hit needs the files already) nor slip
layers into another's build (the other would have to write the same instruction after the same
parent). What remains is a timing signal that someone built the very same step before, and a
`RUN` whose output is not deterministic being reused: the grader checks the resulting image, not
how the steps ran, so neither changes a verdict. Set the byte budget to 0 to turn caching off.

How it is kept: after a job is graded, the last image of every stage its build made is tagged
`quayside-buildcache:<job id>-<stage>` (the job's own tag and label go with the job as before,
but the sandbox's cleanup leaves images with such a tag alone). Entries are evicted least
recently used first until both bounds hold: a number of entries, and the bytes of the layers the
entries added on top of their base images (shared layers counted once per entry, which errs on
the small side). An entry is used when it is made, and again whenever a build reuses one of its
layers; use is remembered per worker process, and an entry this process has not seen used counts
from its creation. Evicting an entry untags it, and the engine then deletes its layers unless
another entry or a running build still uses them.
"""

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import docker

from graders.sandbox.build import BUILT_IMAGE_REPOSITORY

logger = logging.getLogger(__name__)

CACHE_REPOSITORY = "quayside-buildcache"
MIB = 1024 * 1024
GIB = 1024 * MIB
# The course's images add 1-150 MB each to their base: 2 GiB holds a busy day's rebuilds.
DEFAULT_MAX_BYTES = 2 * GIB
DEFAULT_MAX_ENTRIES = 200


@dataclass(frozen=True)
class CacheEntry:
    tag: str
    image_id: str
    created: int  # Unix seconds
    own_bytes: int  # bytes of the layers above the entry's tagged base image
    last_used: float  # Unix seconds: the later of its creation and its last reuse seen here


def is_cache_entry(repo_tags: Iterable[str] | None) -> bool:
    """True if an image with these tags belongs to the build cache (cleanup leaves it alone)."""
    return any(tag.startswith(f"{CACHE_REPOSITORY}:") for tag in repo_tags or ())


class LearnerBuildCache:
    """Thread-safe; one per worker process. `max_bytes == 0` means no caching at all."""

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        scope: str = "",
    ) -> None:
        """`scope`: only entries of jobs whose id starts with it are this cache's to list,
        count and evict (all entries of the engine by default; a test keeps to its own)."""
        if max_bytes < 0 or max_entries < 0:
            raise ValueError("build cache bounds cannot be negative")
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.scope = scope
        self._layers: dict[str, _OwnLayers] = {}  # by image id; images never change
        self._last_used: dict[str, float] = {}  # by tag
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0 and self.max_entries > 0

    def retain(
        self,
        client: docker.DockerClient,
        *,
        job_id: str,
        image_ids: Iterable[str],
        reused: Iterable[str] = (),
    ) -> list[str]:
        """Keep the images a graded build made (its stages' last images); returns the new tags.

        `reused`: ids of every image the build's steps named (`BuildOutcome.step_image_ids`); the
        entries holding any of them count as used now. Base images (named by a stage with no
        steps of its own) are kept anyway and skipped. Evicts afterwards so the bounds hold.
        """
        if not self.enabled:
            return []
        tags: list[str] = []
        with self._lock:
            for number, image_id in enumerate(dict.fromkeys(image_ids)):
                try:
                    attrs = client.api.inspect_image(image_id)
                except docker.errors.ImageNotFound:
                    continue
                if not _built_by_jobs(attrs.get("RepoTags")):
                    continue
                tag = f"{job_id}-{number}"
                client.api.tag(image_id, CACHE_REPOSITORY, tag=tag)
                tags.append(f"{CACHE_REPOSITORY}:{tag}")
                # Creation times are whole seconds: without this a new entry could rank below
                # one whose reuse was marked a moment ago.
                self._last_used[tags[-1]] = time.time()
            listed = _listed(client, self.scope)
            self._mark_used(client, listed, {image_id[:12] for image_id in reused})
            self._evict(client, self._ranked(client, listed))
        return tags

    def entries(self, client: docker.DockerClient) -> list[CacheEntry]:
        """The cache's entries, least recently used first."""
        return self._ranked(client, _listed(client, self.scope))

    def evict(self, client: docker.DockerClient) -> list[str]:
        """Remove the oldest entries until the bounds hold; returns the tags removed."""
        with self._lock:
            return self._evict(client, self.entries(client))

    def clear(self, client: docker.DockerClient, *, job_prefix: str = "") -> list[str]:
        """Remove every entry of jobs whose id starts with the scope and `job_prefix` (all of
        the scope's by default), and so every layer only those entries kept."""
        prefix = f"{CACHE_REPOSITORY}:{self.scope}{job_prefix}"
        with self._lock:
            return [
                entry.tag
                for entry in self.entries(client)
                if entry.tag.startswith(prefix) and _untag(client, entry.tag)
            ]

    def _ranked(self, client: docker.DockerClient, listed: list["_Listed"]) -> list[CacheEntry]:
        ranked = []
        for tag, image_id, created in listed:
            layers = self._layers_of(client, image_id)
            if layers is None:
                continue  # evicted meanwhile by another worker on this engine
            ranked.append(
                CacheEntry(
                    tag=tag,
                    image_id=image_id,
                    created=created,
                    own_bytes=layers.size,
                    last_used=max(float(created), self._last_used.get(tag, 0.0)),
                )
            )
        return sorted(ranked, key=lambda entry: (entry.last_used, entry.tag))

    def _evict(self, client: docker.DockerClient, entries: list[CacheEntry]) -> list[str]:
        max_entries = self.max_entries if self.enabled else 0
        max_bytes = self.max_bytes if self.enabled else 0
        total = sum(entry.own_bytes for entry in entries)
        removed: list[str] = []
        for index, entry in enumerate(entries):
            if len(entries) - index <= max_entries and total <= max_bytes:
                break
            if _untag(client, entry.tag):
                removed.append(entry.tag)
                self._last_used.pop(entry.tag, None)
            total -= entry.own_bytes
        if removed:
            logger.info("build cache: evicted %d entries, %d bytes kept", len(removed), total)
        return removed

    def _mark_used(
        self, client: docker.DockerClient, listed: list["_Listed"], reused: set[str]
    ) -> None:
        now = time.time()
        for tag, image_id, _ in listed:
            layers = self._layers_of(client, image_id) if reused else None
            if layers is not None and layers.short_ids & reused:
                self._last_used[tag] = now

    def _layers_of(self, client: docker.DockerClient, image_id: str) -> "_OwnLayers | None":
        """The image's own layers; None when it is gone (other workers share the engine, and
        evict entries between this worker's listing and its look at one)."""
        known = self._layers.get(image_id)
        if known is None:
            try:
                known = _layers_above_base(client.api.history(image_id))
            except docker.errors.ImageNotFound:
                return None
            self._layers[image_id] = known
        return known


@dataclass(frozen=True)
class _OwnLayers:
    """The layers an image added above its base: their total size and short image ids."""

    size: int
    short_ids: frozenset[str]


# (tag, image id, creation time in Unix seconds) of one entry, as the engine lists it.
type _Listed = tuple[str, str, int]


def _listed(client: docker.DockerClient, scope: str) -> list[_Listed]:
    prefix = f"{CACHE_REPOSITORY}:{scope}"
    return [
        (tag, str(summary["Id"]), int(summary["Created"]))
        for summary in client.api.images(name=CACHE_REPOSITORY)
        for tag in summary.get("RepoTags") or []
        if tag.startswith(prefix)
    ]


def _built_by_jobs(repo_tags: Iterable[str] | None) -> bool:
    """Untagged, or tagged only by grading jobs and the cache: not a base or task image."""
    return all(
        tag.startswith(f"{BUILT_IMAGE_REPOSITORY}:") or is_cache_entry([tag])
        for tag in repo_tags or ()
        if tag != "<none>:<none>"
    )


def _layers_above_base(history: list[dict[str, Any]]) -> _OwnLayers:
    """The layers newest first, down to the first one another kind of image (the base) has."""
    total = 0
    short_ids: set[str] = set()
    for index, layer in enumerate(history):
        if index > 0 and not _built_by_jobs(layer.get("Tags")):
            break
        total += int(layer.get("Size") or 0)
        short_ids.add(str(layer.get("Id") or "").removeprefix("sha256:")[:12])
    return _OwnLayers(size=total, short_ids=frozenset(short_ids - {"<missing>"[:12], ""}))


def _untag(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.remove(tag, noprune=False)
    except docker.errors.ImageNotFound:
        return False
    except docker.errors.APIError as error:
        logger.warning("build cache entry %s not removed: %s", tag, error)
        return False
    return True
