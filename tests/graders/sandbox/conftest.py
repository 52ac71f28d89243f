"""Fixtures for the sandbox's integration tests: a real Docker engine, the base images, a job id.

They are marked `docker`: without an engine they skip on a laptop but FAIL in CI (`CI=true`,
tests/service_guard.py), for they are the proof that the sandbox holds.
"""

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from graders.sandbox.buildcache import is_cache_entry
from graders.sandbox.images import (
    DEFAULT_CACHE_DIR,
    DEFAULT_CATALOG,
    ImageAction,
    ImageOutcome,
    ensure_base_images,
)
from graders.sandbox.labels import JOB_LABEL
from graders.sandbox.listing import images_present
from graders.sandbox.scope import remove_job_resources


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """The machine's engine; tests using it are marked `docker` (tests/service_guard.py)."""
    client = docker.from_env()
    yield client
    client.close()


@pytest.fixture(scope="session")
def image_cache_dir() -> Path:
    return DEFAULT_CACHE_DIR


@pytest.fixture(scope="session")
def base_images(docker_client: docker.DockerClient, image_cache_dir: Path) -> list[ImageOutcome]:
    """The allowed base images, made once per session (a cold run bootstraps Debian, ~1 min)."""
    outcomes = ensure_base_images(docker_client, DEFAULT_CATALOG, cache_dir=image_cache_dir)
    failed = [o for o in outcomes if o.action is ImageAction.FAILED]
    assert not failed, failed
    return outcomes


def labelled_leftovers(job_id: str) -> dict[str, list[str]]:
    """What `docker ps -a` / `network ls` / `images` still list with the job's label."""
    docker_cli = shutil.which("docker")
    assert docker_cli is not None
    selector = f"label={JOB_LABEL}={job_id}"
    commands = {
        "containers": [docker_cli, "ps", "-a", "-q", "--filter", selector],
        "networks": [docker_cli, "network", "ls", "-q", "--filter", selector],
        "images": [docker_cli, "images", "-a", "-q", "--filter", selector],
    }
    return {
        kind: subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
        for kind, command in commands.items()
    }


def leftovers_of_jobs_starting_with(
    client: docker.DockerClient, prefix: str, *, build_cache_aside: bool = False
) -> dict[str, list[str]]:
    """What is still labelled with a job id starting with `prefix` (when a test cannot know the
    whole id); `build_cache_aside` leaves out images handed over to the build cache. Other jobs'
    objects vanish while this lists them (they grade at the same time): those are skipped."""

    def ours(labels: dict[str, str] | None) -> bool:
        return (labels or {}).get(JOB_LABEL, "").startswith(prefix)

    selector = {"label": JOB_LABEL}
    return {
        "containers": [
            c.short_id
            for c in client.containers.list(all=True, filters=selector, ignore_removed=True)
            if ours(c.labels)
        ],
        "networks": [
            n.name or "" for n in client.networks.list(filters=selector) if ours(n.attrs["Labels"])
        ],
        "images": [
            i.short_id
            for i in images_present(client, filters=selector)
            if ours(i.labels) and not (build_cache_aside and is_cache_entry(i.tags))
        ],
    }


def images_from_steps_mentioning(client: docker.DockerClient, marker: str) -> set[str]:
    """Images (intermediate ones included) committed by a build step whose command mentions
    `marker`: how a test finds the images its own build made without looking at any other
    job's, since other gradings build on the same engine at the same time."""
    found: set[str] = set()
    for summary in client.api.images(all=True):
        try:
            attrs = client.api.inspect_image(summary["Id"])
        except docker.errors.NotFound:
            continue  # removed meanwhile, by its own job
        config = attrs.get("ContainerConfig") or attrs.get("Config") or {}
        if marker in " ".join(config.get("Cmd") or []):
            found.add(str(summary["Id"]))
    return found


@pytest.fixture
def job_id(docker_client: docker.DockerClient) -> Iterator[str]:
    """A fresh job id; after the test nothing labelled with it may be left in the engine."""
    job = f"test-{uuid.uuid4().hex[:12]}"
    yield job
    leftovers = labelled_leftovers(job)
    remove_job_resources(docker_client, job)  # keep the engine clean even when the check fails
    assert leftovers == {"containers": [], "networks": [], "images": []}
