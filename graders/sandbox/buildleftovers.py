"""Find and remove what a classic build leaves behind when it fails or is cancelled.

Build-step containers and the images steps commit carry no label of ours (the build's `labels`
apply to the final image only). They are recognised instead by the cgroup parent each build gets
(`/quayside-build/<job id>`) and by the container and image ids the build log names.
"""

import logging
import time
from typing import Any

import docker

from graders.sandbox.buildstream import BuildProgress
from graders.sandbox.cgroups import BUILD_CGROUP_NAME

logger = logging.getLogger(__name__)

# After the connection is dropped the daemon cancels within ~3 s (measured); allow some slack.
CANCEL_GRACE_SECONDS = 10.0
# A cancelled build can still create (not run) one more step container a moment after the stream
# ends; look again after this pause before declaring the build clean.
SETTLE_SECONDS = 1.0
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
    client: docker.DockerClient, progress: BuildProgress, *, since: float
) -> None:
    """Delete the images steps of a failed or cancelled build committed.

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
    for image_id in sorted(ours, key=lambda i: recent[i]["Created"], reverse=True):
        try:
            client.images.remove(image_id, noprune=True)
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as error:
            logger.warning("cannot remove build step image %s: %s", image_id, error)


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
