import shutil
import subprocess
import time

import docker
import pytest

from graders.sandbox.build import (
    BuildLimits,
    BuildOutcome,
    BuildStatus,
    build_image,
)
from graders.sandbox.buildleftovers import CANCEL_GRACE_SECONDS, build_container_ids
from graders.sandbox.cgroups import BUILD_CGROUP_NAME, CGROUP_V1_ROOT
from graders.sandbox.images import DEFAULT_CATALOG
from graders.sandbox.labels import JOB_LABEL
from graders.sandbox.run import run_command
from graders.sandbox.scope import job_scope
from tests.graders.sandbox.conftest import images_from_steps_mentioning

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

ALLOWED = DEFAULT_CATALOG.references()
# Short enough to keep the suite quick, long enough for a trivial busybox build (~0.5 s).
TEST_DEADLINE_SECONDS = 6.0
STEP_SECONDS = 1


def build(
    client: docker.DockerClient,
    job_id: str,
    dockerfile: str,
    *,
    limits: BuildLimits | None = None,
    **files: bytes,
) -> BuildOutcome:
    return build_image(
        client,
        job_id=job_id,
        files={"Dockerfile": dockerfile.encode(), **files},
        allowed_bases=ALLOWED,
        limits=limits or BuildLimits(wall_clock_seconds=TEST_DEADLINE_SECONDS),
    )


def build_containers_of(client: docker.DockerClient, job_id: str) -> list[str]:
    """Containers (running or not) created under the job's build cgroup: the build steps.

    Other jobs' containers come and go meanwhile; the sandbox's own lookup skips the ones
    removed between listing and inspecting."""
    return build_container_ids(client, f"/{BUILD_CGROUP_NAME}/{job_id}")


def assert_build_left_nothing(client: docker.DockerClient, job_id: str) -> None:
    assert build_containers_of(client, job_id) == []
    assert not list(CGROUP_V1_ROOT.glob(f"*/{BUILD_CGROUP_NAME}/{job_id}"))


def test_a_trivial_build_succeeds_with_a_labelled_image(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    with job_scope(docker_client, job_id):
        # when
        outcome = build(
            docker_client,
            job_id,
            'FROM busybox:1.35\nCOPY greeting.txt /\nCMD ["cat", "/greeting.txt"]\n',
            **{"greeting.txt": b"hello"},
        )

        # then
        assert (outcome.status, outcome.reason) == (BuildStatus.OK, "built")
        assert outcome.image_id is not None
        image = docker_client.images.get(outcome.image_id)
        assert image.labels[JOB_LABEL] == job_id
        assert outcome.size_bytes == image.attrs["Size"]
        assert "Successfully built" in outcome.log_excerpt
        assert run_command(docker_client, outcome.image_id, [], job_id=job_id).stdout == "hello"
    assert_build_left_nothing(docker_client, job_id)


def test_dockerignored_files_are_not_sent(docker_client: docker.DockerClient, job_id: str) -> None:
    with job_scope(docker_client, job_id):
        outcome = build(
            docker_client,
            job_id,
            "FROM busybox:1.35\nCOPY . /app\nRUN test -f /app/keep && test ! -e /app/secret.env\n",
            **{".dockerignore": b"*.env\n", "keep": b"", "secret.env": b"TOKEN=1"},
        )

        assert outcome.status is BuildStatus.OK, outcome.log_excerpt


@pytest.mark.parametrize(
    ("dockerfile", "reason"),
    [
        ("FROM busybox:1.35\nADD https://example.com/x.tgz /x\n", "remote source"),
        ("FROM busybox:1.35\nARG U=http://example.com/x\nADD ${U} /x\n", "remote source"),
        ("FROM busybox:1.35\nADD \\\n  http://example.com/x /x\n", "remote source"),
        ("FROM alpine:3.20\nRUN true\n", "base image 'alpine:3.20' is not allowed"),
        ("FROM busybox:latest\n", "base image 'busybox:latest' is not allowed"),
        ("FROM busybox:1.35\nCOPY --from=nginx:1 /etc /x\n", "--from=nginx:1"),
    ],
)
def test_it_rejects_what_the_daemon_would_fetch_before_building(
    docker_client: docker.DockerClient, job_id: str, dockerfile: str, reason: str
) -> None:
    # when
    outcome = build(docker_client, job_id, dockerfile)

    # then
    assert outcome.status is BuildStatus.REJECTED
    assert reason in outcome.reason
    assert outcome.log_excerpt == ""  # nothing reached the daemon
    assert_build_left_nothing(docker_client, job_id)


def test_it_rejects_an_oversized_context(docker_client: docker.DockerClient, job_id: str) -> None:
    outcome = build(
        docker_client,
        job_id,
        "FROM busybox:1.35\n",
        limits=BuildLimits(max_context_bytes=1000),
        **{"big.bin": b"x" * 2000},
    )

    assert outcome.status is BuildStatus.REJECTED
    assert "limit 1000" in outcome.reason


def test_a_fork_bomb_fails_clearly_and_the_host_keeps_working(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # when
    with job_scope(docker_client, job_id):
        outcome = build(docker_client, job_id, "FROM busybox:1.35\nRUN f(){ f|f& }; f; sleep 60\n")

    # then
    assert outcome.status is BuildStatus.FAILED
    assert "limit of 256 processes" in outcome.reason
    assert outcome.seconds < TEST_DEADLINE_SECONDS  # stopped on the first signs, not the deadline
    assert "forks refused" in outcome.reason  # how much of the bomb's output arrived varies
    assert_build_left_nothing(docker_client, job_id)
    assert subprocess.run(["true"], check=False).returncode == 0
    assert run_command(docker_client, "busybox:1.35", ["true"], job_id=job_id).exit_code == 0


def test_a_fork_bomb_is_named_even_when_the_watch_never_sampled_it(
    docker_client: docker.DockerClient, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a machine so loaded that the watch does not look before the step has ended (its
    # containers' fork counters gone with them), and a step that fails after hitting the limit
    monkeypatch.setattr("graders.sandbox.build.POLL_SECONDS", 120.0)
    dockerfile = "FROM busybox:1.35\nRUN for i in $(seq 1 300); do sleep 2 & done; wait; exit 3\n"

    # when
    with job_scope(docker_client, job_id):
        outcome = build(docker_client, job_id, dockerfile)

    # then: the process-limit verdict, not the shell's exit code
    assert outcome.status is BuildStatus.FAILED
    assert "limit of 256 processes" in outcome.reason
    assert "non-zero code" not in outcome.reason
    assert_build_left_nothing(docker_client, job_id)


# Tiny next to what the RUN tries to write (50 GB); other work on the machine moves free space
# a little meanwhile.
FREE_SPACE_SLACK_BYTES = 512 * 1024 * 1024
DISK_LIMIT_BYTES = 64 * 1024 * 1024


@pytest.mark.parametrize(
    "write",
    [
        "dd if=/dev/zero of=/big bs=1M count=50000",
        "truncate -s 50G /sparse && sleep 30",
        "head -c 40000000 /dev/urandom > /a && head -c 40000000 /dev/urandom > /b && sleep 30",
    ],
    ids=["50-gb-dd", "50-gb-sparse-file", "two-files-past-the-limit"],
)
def test_a_build_writing_far_past_the_disk_limit_stops_at_it(
    docker_client: docker.DockerClient, job_id: str, write: str
) -> None:
    # given
    data_root = docker_client.info()["DockerRootDir"]
    free_before = shutil.disk_usage(data_root).free
    limits = BuildLimits(wall_clock_seconds=60, max_disk_bytes=DISK_LIMIT_BYTES)

    # when
    with job_scope(docker_client, job_id):
        outcome = build(docker_client, job_id, f"FROM busybox:1.35\nRUN {write}\n", limits=limits)

    # then: stopped at the limit with a clear verdict, and the disk is as it was
    assert outcome.status is BuildStatus.FAILED
    assert f"disk limit of {DISK_LIMIT_BYTES} bytes" in outcome.reason
    assert outcome.seconds < 30
    assert_build_left_nothing(docker_client, job_id)
    assert abs(shutil.disk_usage(data_root).free - free_before) < FREE_SPACE_SLACK_BYTES


def test_a_build_under_the_disk_limit_is_not_stopped(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    limits = BuildLimits(wall_clock_seconds=30, max_disk_bytes=DISK_LIMIT_BYTES)

    with job_scope(docker_client, job_id):
        outcome = build(
            docker_client,
            job_id,
            "FROM busybox:1.35\nRUN head -c 8000000 /dev/urandom > /a\n",
            limits=limits,
        )

    assert outcome.status is BuildStatus.OK, outcome.reason


def test_an_endless_loop_is_cut_at_the_deadline_and_its_container_removed(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # when
    with job_scope(docker_client, job_id):
        outcome = build(docker_client, job_id, "FROM busybox:1.35\nRUN while :; do :; done\n")

    # then
    assert outcome.status is BuildStatus.TIMEOUT
    assert f"within {TEST_DEADLINE_SECONDS:g} s" in outcome.reason
    assert TEST_DEADLINE_SECONDS <= outcome.seconds < TEST_DEADLINE_SECONDS + CANCEL_GRACE_SECONDS
    assert_build_left_nothing(docker_client, job_id)
    spinning = subprocess.run(["pgrep", "-f", "while :; do :; done"], check=False)
    assert spinning.returncode == 1  # no such process left on the host


def test_a_log_flood_is_capped(docker_client: docker.DockerClient, job_id: str) -> None:
    # given
    cap = 4096
    limits = BuildLimits(wall_clock_seconds=TEST_DEADLINE_SECONDS, log_cap_bytes=cap)

    # when
    with job_scope(docker_client, job_id):
        outcome = build(
            docker_client,
            job_id,
            "FROM busybox:1.35\nRUN yes 'flooding the log' | head -c 5000000\n",
            limits=limits,
        )

    # then
    assert outcome.status is BuildStatus.OK
    assert outcome.log_truncated
    assert "bytes of log omitted" in outcome.log_excerpt
    assert len(outcome.log_excerpt.encode()) < cap + 100  # cap plus the omission notice
    assert outcome.log_excerpt.startswith("Step 1/")
    assert "Successfully tagged" in outcome.log_excerpt  # the end survives


def test_a_memory_hog_in_run_fails(docker_client: docker.DockerClient, job_id: str) -> None:
    # given
    limits = BuildLimits(wall_clock_seconds=30, memory_bytes=64 * 1024 * 1024)

    # when
    with job_scope(docker_client, job_id):
        outcome = build(
            docker_client,
            job_id,
            'FROM python:3.11-slim-bookworm\nRUN python3 -c "b = bytearray(256 * 2**20)"\n',
            limits=limits,
        )

    # then
    assert outcome.status is BuildStatus.FAILED
    assert "non-zero code: 137" in outcome.reason
    assert "memory limit" in outcome.reason
    assert_build_left_nothing(docker_client, job_id)


def test_a_failed_build_leaves_no_step_images(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # when: its steps name the job, so the test finds its images among other jobs' builds
    outcome = build(
        docker_client,
        job_id,
        f"FROM busybox:1.35\nRUN echo {job_id} > /a\nRUN false # {job_id}\n",
    )

    # then
    assert outcome.status is BuildStatus.FAILED
    assert "returned a non-zero code: 1" in outcome.reason
    assert images_from_steps_mentioning(docker_client, job_id) == set()


def test_the_deadline_covers_the_whole_build(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # given: a build whose every step is quick but which is long in total
    steps = "".join(f"RUN sleep {STEP_SECONDS} # {job_id} {n}\n" for n in range(10))
    started = time.monotonic()

    # when
    with job_scope(docker_client, job_id):
        outcome = build(
            docker_client,
            job_id,
            f"FROM busybox:1.35\n{steps}",
            limits=BuildLimits(wall_clock_seconds=3),
        )

    # then
    assert outcome.status is BuildStatus.TIMEOUT
    assert time.monotonic() - started < 3 + CANCEL_GRACE_SECONDS
    assert_build_left_nothing(docker_client, job_id)
    time.sleep(STEP_SECONDS * 2)  # a build that went on would commit another step by now
    assert images_from_steps_mentioning(docker_client, job_id) == set()
