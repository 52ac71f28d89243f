"""Hostile submissions end with a clear verdict inside the task's time budget, and leave no
container, network or job-labelled image behind (the `job_id` fixture asserts that)."""

import io
import tarfile
import zipfile
from dataclasses import replace

import docker
import pytest

from graders.data import GradeResult, GradingLimits, SubmissionKind, TaskSpec, Verdict
from graders.pipeline import grade_submission
from graders.sandbox.prescreen import MAX_DOCKERFILE_INSTRUCTIONS
from graders.tasks import TaskDefinition
from tests.graders.pipeline.submissions import raw_submission, submission, zip_bytes

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

# Tight limits keep the suite quick; every hostile case must still end well inside the budget.
HOSTILE_LIMITS = GradingLimits(
    build_seconds=15, run_seconds=10, healthy_within_seconds=6, log_cap_bytes=16 * 1024
)
BUDGET_SECONDS = 60.0
BUSYBOX_APP = 'FROM busybox:1.35\nUSER 65534\nCMD ["sh", "-c", "{command}"]\n'


@pytest.fixture
def hardened(tasks: dict[str, TaskDefinition]) -> TaskSpec:
    spec = tasks["hardened-container"].spec
    return replace(spec, limits=HOSTILE_LIMITS, time_budget_seconds=BUDGET_SECONDS)


@pytest.fixture
def production(tasks: dict[str, TaskDefinition]) -> TaskSpec:
    spec = tasks["production-dockerfile"].spec
    return replace(spec, time_budget_seconds=BUDGET_SECONDS)


def grade_dockerfile(
    client: docker.DockerClient, task: TaskSpec, dockerfile: str, job_id: str
) -> GradeResult:
    files = {"Dockerfile": dockerfile.encode()}
    result = grade_submission(
        task, submission(SubmissionKind.DOCKERFILE, files), client=client, job_id=job_id
    )
    assert result.timings["total"] < BUDGET_SECONDS, result.timings
    assert len(result.log_excerpt.encode()) <= HOSTILE_LIMITS.log_cap_bytes + 200
    return result


def check(result: GradeResult, check_id: str) -> str:
    return next(outcome.message for outcome in result.checks if outcome.check_id == check_id)


def test_a_fork_bomb_in_run_fails_the_build(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str
) -> None:
    dockerfile = "FROM busybox:1.35\nRUN f(){ f|f& }; f; sleep 60\n"

    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    assert result.verdict == Verdict.FAILED
    assert "processes" in check(result, "build-succeeds")


@pytest.mark.parametrize(
    "bomb",
    ["f(){ f|f& }; f; sleep 60", "for i in $(seq 1 300); do sleep 5 & done; exit 2"],
    ids=["keeps-running", "exits-for-want-of-a-process"],
)
def test_a_fork_bomb_in_cmd_fails_the_runtime_checks(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str, bomb: str
) -> None:
    dockerfile = BUSYBOX_APP.format(command=bomb)

    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    assert result.verdict == Verdict.FAILED
    assert "never passed" in check(result, "healthcheck-healthy") or "no HEALTHCHECK" in check(
        result, "healthcheck-healthy"
    )
    assert not next(c for c in result.checks if c.check_id == "http-responds").passed
    assert "limit of 128 processes" in check(result, "http-responds")


def test_a_memory_hog_in_run_is_killed(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str
) -> None:
    dockerfile = (
        "FROM python:3.11-slim-bookworm\n"
        'RUN python3 -c "import time; x = bytearray(2 * 1024 ** 3); time.sleep(5)"\n'
    )

    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    assert result.verdict == Verdict.FAILED
    assert "memory" in check(result, "build-succeeds")


def test_a_memory_hog_in_cmd_is_killed(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str
) -> None:
    dockerfile = (
        "FROM python:3.11-slim-bookworm\nUSER 10001\n"
        'CMD ["python3", "-c", "import time; x = bytearray(2 * 1024 ** 3); time.sleep(60)"]\n'
    )

    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    assert result.verdict == Verdict.FAILED
    assert "out of memory" in check(result, "http-responds")


def test_an_endless_loop_in_run_hits_the_build_deadline(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str
) -> None:
    dockerfile = "FROM busybox:1.35\nRUN while true; do :; done\n"

    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    assert result.verdict == Verdict.FAILED
    assert "did not finish within 15 s" in check(result, "build-succeeds")


def test_an_endless_loop_in_cmd_is_stopped_and_removed(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str
) -> None:
    dockerfile = BUSYBOX_APP.format(command="while true; do :; done")

    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    assert result.verdict == Verdict.FAILED
    assert "got no answer" in check(result, "http-responds")


# Room for the "... N bytes of log omitted ..." notices the cap inserts.
LOG_NOTICE_SLACK = 512


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM busybox:1.35\nRUN yes 'flood flood flood' | head -c 50000000\n",
        BUSYBOX_APP.format(command="yes 'flood flood flood'"),
    ],
    ids=["in-run", "in-cmd"],
)
def test_a_log_flood_is_capped(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str, dockerfile: str
) -> None:
    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    # then the learner gets a verdict and a log no longer than the cap (plus its notice),
    # however much the flood wrote before it was stopped
    assert result.verdict == Verdict.FAILED
    assert len(result.log_excerpt.encode()) <= hardened.limits.log_cap_bytes + LOG_NOTICE_SLACK
    assert "flood flood flood" in result.log_excerpt


def test_a_remote_add_is_rejected_before_building(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str
) -> None:
    dockerfile = "FROM busybox:1.35\nADD https://example.com/payload.sh /payload.sh\n"

    result = grade_dockerfile(docker_client, hardened, dockerfile, job_id)

    assert result.verdict == Verdict.REJECTED
    assert "line 2" in result.reason
    assert "remote source" in result.reason
    assert "build" not in result.timings


def test_a_base_image_off_the_list_is_rejected_before_building(
    docker_client: docker.DockerClient, hardened: TaskSpec, job_id: str
) -> None:
    result = grade_dockerfile(docker_client, hardened, 'FROM alpine:3.18\nCMD ["sh"]\n', job_id)

    assert result.verdict == Verdict.REJECTED
    assert "'alpine:3.18' is not allowed" in result.reason
    assert result.checks == ()


def test_a_dockerfile_of_thousands_of_instructions_is_refused_at_once(
    docker_client: docker.DockerClient, production: TaskSpec, job_id: str
) -> None:
    # given: the held-out case, 20,000 ENV lines in the project archive
    dockerfile = "FROM python:3.11-slim-bookworm\n" + "".join(
        f"ENV V{n}={n}\n" for n in range(20_000)
    )
    archive = zip_bytes({"Dockerfile": dockerfile.encode()})

    # when
    result = grade_submission(
        production,
        raw_submission(SubmissionKind.ARCHIVE, "project.zip", archive),
        client=docker_client,
        job_id=job_id,
    )

    # then: a verdict in seconds, nothing built
    assert result.verdict == Verdict.REJECTED
    assert f"more than {MAX_DOCKERFILE_INSTRUCTIONS} instructions" in result.reason
    assert "build" not in result.timings
    assert result.timings["total"] < 5


def _tar_gz(*members: tarfile.TarInfo) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        dockerfile = b"FROM busybox:1.35\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        archive.addfile(info, io.BytesIO(dockerfile))
        for member in members:
            archive.addfile(member, io.BytesIO(b"x" * member.size))
    return buffer.getvalue()


def _member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    info.size = 1 if kind == tarfile.REGTYPE else 0
    return info


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Dockerfile", "FROM busybox:1.35\n")
        archive.writestr("zeros.bin", bytes(15 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("file_name", "content", "expected"),
    [
        ("evil.tgz", _tar_gz(_member("../escape.sh")), "`..`"),
        ("evil.tgz", _tar_gz(_member("/etc/cron.d/evil")), "absolute path"),
        ("evil.tgz", _tar_gz(_member("conf", tarfile.SYMTYPE, "/etc/shadow")), "outside"),
        ("big.zip", zip_bytes({"Dockerfile": b"FROM busybox:1.35\n"}) + bytes(6 << 20), "larger"),
        ("bomb.zip", _zip_bomb(), "zip bomb"),
    ],
    ids=["dot-dot", "absolute", "symlink-out", "oversized", "zip-bomb"],
)
def test_an_unsafe_archive_is_rejected_before_building(
    docker_client: docker.DockerClient,
    production: TaskSpec,
    job_id: str,
    file_name: str,
    content: bytes,
    expected: str,
) -> None:
    result = grade_submission(
        production,
        raw_submission(SubmissionKind.ARCHIVE, file_name, content),
        client=docker_client,
        job_id=job_id,
    )

    assert result.verdict == Verdict.REJECTED
    assert expected in result.reason
    assert result.score == 0
