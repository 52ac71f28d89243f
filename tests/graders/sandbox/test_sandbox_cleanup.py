"""Every verdict inside the task's time budget: a Dockerfile past the instruction limit is refused
before anything is built, and the cleanup after a cancelled build is bounded and off the verdict's
path (the janitor finishes it)."""

import time
from datetime import timedelta

import docker
import pytest

from graders.sandbox import buildleftovers
from graders.sandbox.build import BuildLimits, BuildStatus, build_image
from graders.sandbox.buildleftovers import CANCEL_GRACE_SECONDS, leftover_tags
from graders.sandbox.images import DEFAULT_CATALOG
from graders.sandbox.prescreen import MAX_DOCKERFILE_INSTRUCTIONS
from graders.sandbox.scope import janitor, job_scope
from tests.graders.sandbox.conftest import images_from_steps_mentioning

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

ALLOWED = DEFAULT_CATALOG.references()
# The held-out case: 20,000 ENV lines had no verdict after 7 minutes.
HUGE_DOCKERFILE = "FROM busybox:1.35\n" + "".join(f"ENV V{n}={n}\n" for n in range(20_000))
# Refusing it reads the text, nothing more.
REFUSAL_SECONDS = 2.0


def test_a_dockerfile_past_the_instruction_limit_is_refused_before_building(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    started = time.monotonic()

    outcome = build_image(
        docker_client,
        job_id=job_id,
        files={"Dockerfile": HUGE_DOCKERFILE.encode()},
        allowed_bases=ALLOWED,
    )

    assert outcome.status is BuildStatus.REJECTED
    assert f"more than {MAX_DOCKERFILE_INSTRUCTIONS} instructions" in outcome.reason
    assert f"line {MAX_DOCKERFILE_INSTRUCTIONS + 1}:" in outcome.reason
    assert time.monotonic() - started < REFUSAL_SECONDS
    assert outcome.log_excerpt == ""  # nothing reached the daemon


def test_a_cancelled_build_returns_at_once_and_the_janitor_finishes_its_cleanup(
    docker_client: docker.DockerClient, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a build that commits many steps before it is cut off, and a worker that dies before
    # its background cleanup runs (the cleanup never starts here)
    steps = "".join(f"ENV STEP{n}={job_id}\n" for n in range(40))
    dockerfile = f"FROM busybox:1.35\n{steps}RUN sleep 60 # {job_id}\n"
    monkeypatch.setattr(buildleftovers, "remove_leftover_tags", lambda client, tags: 0)
    deadline = 20.0
    started = time.monotonic()

    # when
    with job_scope(docker_client, job_id):
        outcome = build_image(
            docker_client,
            job_id=job_id,
            files={"Dockerfile": dockerfile.encode()},
            allowed_bases=ALLOWED,
            limits=BuildLimits(wall_clock_seconds=deadline),
        )
    verdict_after = time.monotonic() - started

    # then: the verdict came at the deadline, not after deleting every step image
    assert outcome.status is BuildStatus.TIMEOUT
    assert verdict_after < deadline + CANCEL_GRACE_SECONDS + buildleftovers.CLEANUP_WAIT_SECONDS
    marked = leftover_tags(docker_client, job_prefix=job_id)
    assert marked  # the step images wait for the janitor, marked with the job
    assert images_from_steps_mentioning(docker_client, job_id)

    # when: the janitor runs (on this job's leftovers only: other jobs share the engine)
    monkeypatch.undo()
    report = janitor(docker_client, timedelta(hours=1), job_prefix=job_id)

    # then
    assert report.images >= len(marked)
    assert leftover_tags(docker_client, job_prefix=job_id) == []
    assert images_from_steps_mentioning(docker_client, job_id) == set()
