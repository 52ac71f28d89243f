"""Find and remove what a classic build leaves behind when it fails or is cancelled.

Build-step containers and the images steps commit carry no label of ours (the build's `labels`
apply to the final image only). They are recognised instead by the cgroup parent each build gets
(`/quayside-build/<job id>`) and by the container and image ids the build log names.
"""

import logging
import threading
import time
from typing import Any

import docker
import requests

from graders.sandbox.buildstream import BuildProgress
from graders.sandbox.cgroups import BUILD_CGROUP_NAME

logger = logging.getLogger(__name__)

# After the connection is dropped the daemon cancels within ~3 s (measured); allow some slack.
CANCEL_GRACE_SECONDS = 10.0
# A cancelled build can still create (not run) one more step container a moment after the stream
# ends; look again after this pause before declaring the build clean.
SETTLE_SECONDS = 1.0
# After a failed or cancelled build, how long its verdict waits for the step images to go; the
# rest is deleted in the background (and by the janitor, should the worker die meanwhile).
CLEANUP_WAIT_SECONDS = 5.0
# Leaves of a job's image trees still to delete are tagged `quayside-leftover:<job id>-<n>`.
LEFTOVER_REPOSITORY = "quayside-leftover"
# The engine's answer when a removal is already under way.
CONFLICT = 409
# Creation times are whole seconds on the daemon's clock (the same host's).
CLOCK_SLACK_SECONDS = 2


def build_container_ids(
    client: docker.DockerClient, cgroup_parent: str, *, since: float | None = None
) -> list[str]:
    """Containers created under `cgroup_parent` (all of a build's steps), created after `since`."""
    found: list[str] = []
    for summary in client.api.containers(all=True):
        if since is not None and summary["Created"] < since - CLOCK_SLACK_SECONDS:
            continue
        if _cgroup_parent(client, summary["Id"]) == cgroup_parent:
            found.append(summary["Id"])
    return found


def stray_build_container_ids(
    client: docker.DockerClient, *, created_before: float, job_prefix: str = ""
) -> list[str]:
    """Build-step containers of jobs whose id starts with `job_prefix` (of any job by default),
    created before `created_before` (for the janitor)."""
    prefix = f"/{BUILD_CGROUP_NAME}/{job_prefix}"
    return [
        summary["Id"]
        for summary in client.api.containers(all=True)
        if summary["Created"] < created_before
        and _cgroup_parent(client, summary["Id"]).startswith(prefix)
    ]


def _cgroup_parent(client: docker.DockerClient, container_id: str) -> str:
    try:
        details = client.api.inspect_container(container_id)
    except docker.errors.NotFound:
        return ""
    return str((details.get("HostConfig") or {}).get("CgroupParent") or "")


def remove_containers(client: docker.DockerClient, container_ids: list[str]) -> int:
    removed = 0
    for container_id in container_ids:
        try:
            client.api.remove_container(container_id, force=True, v=True)
            removed += 1
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as error:
            if error.status_code == CONFLICT:
                continue  # the daemon is removing it already (the build's own `rm`)
            logger.warning("cannot remove build container %s: %s", container_id[:12], error)
    return removed


def remove_build_containers(
    client: docker.DockerClient, cgroup_parent: str, *, since: float, settle: bool
) -> None:
    """Remove the build's step containers until none are left (bounded by the cancel grace).

    `settle`: the build was cancelled, so look once more after a pause for a late step container.
    """
    deadline = time.monotonic() + CANCEL_GRACE_SECONDS
    quiet_rounds_needed = 2 if settle else 1
    quiet_rounds = 0
    while time.monotonic() < deadline:
        found = build_container_ids(client, cgroup_parent, since=since)
        if found:
            quiet_rounds = 0
            remove_containers(client, found)
        else:
            quiet_rounds += 1
            if quiet_rounds >= quiet_rounds_needed:
                return
        time.sleep(SETTLE_SECONDS)
    logger.error("build containers under %s still present after cancel", cgroup_parent)


def remove_build_images(
    client: docker.DockerClient,
    progress: BuildProgress,
    *,
    since: float,
    job_id: str,
    wait_seconds: float | None = None,
) -> bool:
    """Delete the images steps of a failed or cancelled build committed; True if all are gone
    within `wait_seconds` (CLEANUP_WAIT_SECONDS), else the rest go on in the background.

    Ours are the untagged images created since the build started that the log names, or that were
    committed from a container the log names (a step cut off by cancel commits unannounced), plus
    their children. Tagged images (base images, build cache entries) are never touched, and layers
    a build took from the cache were made before it started. Should a concurrent build have made
    one moments earlier, the engine refuses to delete it while it has children or a step container
    (removal is never forced), so another job's layers are safe.
    """
    recent = {
        summary["Id"]: summary
        for summary in client.api.images(all=True)
        if summary["Created"] >= since - CLOCK_SLACK_SECONDS and not _tagged(summary)
    }
    ours = {image_id for image_id in recent if _committed_by_build(client, image_id, progress)}
    while children := {i for i, s in recent.items() if s["ParentId"] in ours} - ours:
        ours |= children
    return remove_image_trees(
        client,
        {image_id: str(recent[image_id]["ParentId"]) for image_id in ours},
        job_id=job_id,
        wait_seconds=CLEANUP_WAIT_SECONDS if wait_seconds is None else wait_seconds,
    )


def remove_image_trees(
    client: docker.DockerClient,
    parents: dict[str, str],
    *,
    job_id: str,
    wait_seconds: float,
) -> bool:
    """Delete untagged images (id -> parent id) of one job, bounded in time for the caller.

    A cancelled build of many instructions leaves as many images, and deleting them one request
    at a time took minutes. Instead each leaf is tagged `quayside-leftover:<job>-<n>` (so the
    janitor can finish should this process die) and then deleted with its untagged ancestors in
    one engine call, from a background thread: the caller waits at most `wait_seconds` and its
    verdict never waits for the rest. True if everything was deleted in that time.
    """
    leaves = sorted(set(parents) - set(parents.values()))
    tags: list[str] = []
    for number, leaf in enumerate(leaves):
        tag = f"{job_id}-{number}"
        try:
            client.api.tag(leaf, LEFTOVER_REPOSITORY, tag=tag)
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as error:
            logger.warning("cannot mark leftover image %s: %s", leaf, error)
            continue
        tags.append(f"{LEFTOVER_REPOSITORY}:{tag}")
    if not tags:
        return True
    remover = threading.Thread(
        target=remove_leftover_tags, args=(client, tags), name="quayside-leftovers", daemon=True
    )
    remover.start()
    remover.join(wait_seconds)
    if remover.is_alive():
        logger.info(
            "job %s: %d leftover image trees still being deleted in the background",
            job_id,
            len(tags),
        )
        return False
    return True


def leftover_tags(client: docker.DockerClient, *, job_prefix: str = "") -> list[str]:
    """Leftover marks of jobs whose id starts with `job_prefix` (all of them by default)."""
    prefix = f"{LEFTOVER_REPOSITORY}:{job_prefix}"
    return [
        tag
        for summary in client.api.images(name=LEFTOVER_REPOSITORY)
        for tag in summary.get("RepoTags") or []
        if tag.startswith(prefix)
    ]


def remove_leftover_tags(client: docker.DockerClient, tags: list[str]) -> int:
    """Delete each marked leaf with its untagged ancestors; returns how many marks went."""
    removed = 0
    for tag in tags:
        try:
            client.images.remove(tag, noprune=False)
            removed += 1
        except docker.errors.ImageNotFound:
            continue
        except (docker.errors.APIError, requests.RequestException) as error:
            logger.warning("leftover image %s not removed yet: %s", tag, error)
    return removed


def _tagged(summary: dict[str, Any]) -> bool:
    return any(tag != "<none>:<none>" for tag in summary.get("RepoTags") or [])


def _committed_by_build(
    client: docker.DockerClient, image_id: str, progress: BuildProgress
) -> bool:
    if image_id.removeprefix("sha256:")[:12] in progress.step_images:
        return True
    try:
        container = str(client.api.inspect_image(image_id).get("Container") or "")
    except docker.errors.NotFound:
        return False
    return container[:12] in progress.step_containers
