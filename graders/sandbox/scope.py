"""Cleanup of everything a grading job creates: per job (`job_scope`) and periodically (`janitor`).

Only objects labelled `org.quayside.job` are ever touched; base images and other people's
containers carry no such label. A job's image handed over to the build cache (tagged
`quayside-buildcache:...`) loses its job tag here but stays: the cache evicts it.
"""

import contextlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docker
from docker.models.networks import Network

from graders.sandbox.buildcache import is_cache_entry
from graders.sandbox.buildleftovers import (
    leftover_tags,
    remove_containers,
    remove_leftover_tags,
    stray_build_container_ids,
)
from graders.sandbox.cgroups import (
    BUILD_CGROUP_NAME,
    CGROUP_V1_ROOT,
    PIDS_HIERARCHY,
    RUN_CGROUP_NAME,
    remove_job_cgroups,
    stale_job_ids,
)
from graders.sandbox.labels import (
    JOB_LABEL,
    DockerFilters,
    checked_job_id,
    job_filter,
    job_labels,
)
from graders.sandbox.listing import images_present

logger = logging.getLogger(__name__)

NETWORK_PREFIX = "quayside-"
_NANOSECONDS = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True)
class CleanupReport:
    containers: int = 0
    networks: int = 0
    images: int = 0
    cgroups: int = 0
    errors: tuple[str, ...] = ()


def job_network_name(job_id: str) -> str:
    return f"{NETWORK_PREFIX}{checked_job_id(job_id)}"


def job_network(client: docker.DockerClient, job_id: str) -> Network:
    """The job's private network, created on first use: `internal=True` means no route out,
    only traffic between the job's own containers (which find each other by name)."""
    name = job_network_name(job_id)
    existing = client.networks.list(names=[name], filters=job_filter(job_id))
    if existing:
        return existing[0]
    return client.networks.create(
        name, driver="bridge", internal=True, labels=job_labels(job_id), check_duplicate=True
    )


@dataclass(frozen=True)
class JobScope:
    """Handle given to code running inside `job_scope`."""

    client: docker.DockerClient
    job_id: str

    def network(self) -> Network:
        return job_network(self.client, self.job_id)


@contextlib.contextmanager
def job_scope(client: docker.DockerClient, job_id: str) -> Iterator[JobScope]:
    """Run a grading job; whatever happens, remove its containers, networks, images, cgroups.

    Cleanup problems are logged, not raised, so they never hide the job's own exception; the
    janitor sweeps anything left.
    """
    checked_job_id(job_id)
    try:
        yield JobScope(client=client, job_id=job_id)
    finally:
        report = remove_job_resources(client, job_id)
        if report.errors:
            logger.error("cleanup of job %s incomplete: %s", job_id, "; ".join(report.errors))


def remove_job_resources(client: docker.DockerClient, job_id: str) -> CleanupReport:
    """Remove every container, network and image labelled with `job_id`, and its cgroups."""
    filters = job_filter(job_id)
    errors: list[str] = []
    containers = _remove_containers(client, filters, None, errors)
    networks = _remove_networks(client, filters, None, errors)
    images = _remove_images(client, filters, None, errors)
    left = remove_job_cgroups(job_id)
    errors += [f"cgroup {path} busy" for path in left]
    return CleanupReport(containers, networks, images, 0, tuple(errors))


def janitor(
    client: docker.DockerClient,
    older_than: timedelta,
    *,
    cgroup_root: Path = CGROUP_V1_ROOT,
    job_prefix: str = "",
) -> CleanupReport:
    """Remove labelled leftovers created more than `older_than` ago (crashed workers, bugs).

    `older_than` must exceed the longest job, or the janitor removes a running job's objects.
    `job_prefix` limits it to jobs whose id starts with it (a test sweeps only its own jobs:
    other jobs run on the same engine at the same time).
    """
    cutoff = datetime.now(UTC) - older_than
    filters: DockerFilters = {"label": JOB_LABEL}
    ours = _JobSelector(job_prefix)
    errors: list[str] = []
    containers = _remove_containers(client, filters, cutoff, errors, ours)
    # Build-step containers carry no label; a crash mid-build leaves them under our cgroup parent.
    stray = stray_build_container_ids(
        client, created_before=cutoff.timestamp(), job_prefix=job_prefix
    )
    containers += remove_containers(client, stray)
    networks = _remove_networks(client, filters, cutoff, errors, ours)
    images = _remove_images(client, filters, cutoff, errors, ours)
    # Image trees a failed build left to delete in the background: the build is over, so they
    # are garbage at once, whatever their age.
    images += remove_leftover_tags(client, leftover_tags(client, job_prefix=job_prefix))
    cgroups = 0
    for job_id in sorted(i for i in stale_job_ids(root=cgroup_root) if i.startswith(job_prefix)):
        job_dirs = [
            cgroup_root / PIDS_HIERARCHY / parent / job_id
            for parent in (BUILD_CGROUP_NAME, RUN_CGROUP_NAME)
        ]
        # A job cgroup is recreated per build; its age is that of the directory.
        if any(job_dir.exists() and _mtime(job_dir) > cutoff for job_dir in job_dirs):
            continue
        if not remove_job_cgroups(job_id, root=cgroup_root):
            cgroups += 1
    return CleanupReport(containers, networks, images, cgroups, tuple(errors))


@dataclass(frozen=True)
class _JobSelector:
    """Objects of jobs whose id starts with `prefix` (every job's when it is empty)."""

    prefix: str

    def __call__(self, labels: dict[str, str] | None) -> bool:
        return (labels or {}).get(JOB_LABEL, "").startswith(self.prefix)


def _every_job(labels: dict[str, str] | None) -> bool:
    return True


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _created(value: object) -> datetime:
    """Docker's creation times: RFC 3339 with nanoseconds (objects) or Unix seconds."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    # Python parses at most microseconds: drop the extra fraction digits.
    text = _NANOSECONDS.sub(r"\1", str(value).replace("Z", "+00:00"))
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _is_old(attrs: dict[str, object], cutoff: datetime | None) -> bool:
    return cutoff is None or _created(attrs.get("Created", 0)) < cutoff


def _remove_containers(
    client: docker.DockerClient,
    filters: DockerFilters,
    cutoff: datetime | None,
    errors: list[str],
    ours: Callable[[dict[str, str] | None], bool] = _every_job,
) -> int:
    removed = 0
    for container in client.containers.list(all=True, filters=filters, ignore_removed=True):
        if not _is_old(container.attrs, cutoff) or not ours(container.labels):
            continue
        try:
            container.remove(force=True, v=True)
            removed += 1
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as error:
            errors.append(f"container {container.short_id}: {error}")
    return removed


def _remove_networks(
    client: docker.DockerClient,
    filters: DockerFilters,
    cutoff: datetime | None,
    errors: list[str],
    ours: Callable[[dict[str, str] | None], bool] = _every_job,
) -> int:
    removed = 0
    for network in client.networks.list(filters=filters):
        if not _is_old(network.attrs, cutoff) or not ours(network.attrs.get("Labels")):
            continue
        try:
            network.remove()
            removed += 1
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as error:
            errors.append(f"network {network.name}: {error}")
    return removed


def _remove_images(
    client: docker.DockerClient,
    filters: DockerFilters,
    cutoff: datetime | None,
    errors: list[str],
    ours: Callable[[dict[str, str] | None], bool] = _every_job,
) -> int:
    removed = 0
    for image in images_present(client, filters=filters):
        if not _is_old(image.attrs, cutoff) or not ours(image.labels):
            continue
        if is_cache_entry(image.tags):
            _untag_job(client, image.tags, errors)
            continue
        try:
            client.images.remove(str(image.id), force=True, noprune=False)
            removed += 1
        except docker.errors.ImageNotFound:
            continue
        except docker.errors.APIError as error:
            errors.append(f"image {image.short_id}: {error}")
    return removed


def _untag_job(client: docker.DockerClient, tags: list[str], errors: list[str]) -> None:
    for tag in tags:
        if is_cache_entry([tag]):
            continue
        try:
            client.images.remove(tag, noprune=True)
        except docker.errors.ImageNotFound:
            continue
        except docker.errors.APIError as error:
            errors.append(f"image tag {tag}: {error}")
