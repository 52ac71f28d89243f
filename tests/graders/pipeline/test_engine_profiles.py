"""The optional engine profiles on engines the tests start themselves: gVisor (`runsc`) for the
check containers, and a user-namespace-remapped engine (`userns-remap`).

gVisor is tested where the host lets it run its containers on a network; where it cannot, the
worker must say so plainly before it grades anything (this is checked either way). Needs root
and the `runsc` package (scripts/ensure-docker installs both): the `engines` and `gvisor` markers
skip on a laptop without them and FAIL in CI. An engine that does not start fails the test.
"""

import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graders.data import SubmissionKind, Verdict
from graders.pipeline import grade_submission
from graders.sandbox.run import run_command
from graders.sandbox.runtime import DEFAULT_RUNTIME, runtime_problem, select_check_runtime
from graders.tasks import TaskDefinition
from practicals import grader_adapter
from tests.graders.pipeline.submissions import submission
from tests.private_services import PrivateEngine, ServiceStartError

pytestmark = [pytest.mark.docker, pytest.mark.engines, pytest.mark.timeout(300)]

GVISOR = "runsc"


@pytest.fixture(scope="module")
def engines_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="qs-prof-", dir="/tmp"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def started(engine: PrivateEngine) -> PrivateEngine:
    try:
        engine.start()
        engine.ensure_base_images()
    except ServiceStartError as error:
        engine.remove()
        pytest.fail(f"a private Docker engine did not start: {error}", pytrace=False)
    return engine


@pytest.fixture(scope="module")
def gvisor_engine(engines_root: Path) -> Iterator[PrivateEngine]:
    # Only the test marked `gvisor` asks for this engine: the service guard has found runsc.
    runsc = shutil.which(GVISOR)
    assert runsc is not None
    config = engines_root / "gvisor.json"
    # ptrace: the platform that needs nothing of the host (no KVM in a VM).
    runtimes = {GVISOR: {"path": runsc, "runtimeArgs": ["--platform=ptrace"]}}
    config.write_text(json.dumps({"runtimes": runtimes}))
    engine = started(
        PrivateEngine(
            root=engines_root / "gvisor", name="gvisor", extra_args=["--config-file", str(config)]
        )
    )
    yield engine
    engine.remove()


@pytest.fixture(scope="module")
def userns_engine(engines_root: Path) -> Iterator[PrivateEngine]:
    engine = started(
        PrivateEngine(
            root=engines_root / "userns", name="userns", extra_args=["--userns-remap=default"]
        )
    )
    yield engine
    engine.remove()


@pytest.fixture
def default_runtime_after() -> Iterator[None]:
    yield
    select_check_runtime(DEFAULT_RUNTIME)


def grade_reference(engine: PrivateEngine, task: TaskDefinition) -> Any:
    client = engine.client()
    try:
        return grade_submission(
            task.spec,
            submission(SubmissionKind.DOCKERFILE, dict(task.reference_files)),
            client=client,
            job_id=f"test-{uuid.uuid4().hex[:12]}",
        )
    finally:
        client.close()


@pytest.mark.gvisor
def test_gvisor_runs_the_checks_or_the_worker_says_plainly_why_it_cannot(
    gvisor_engine: PrivateEngine,
    tasks: dict[str, TaskDefinition],
    settings: Any,
    default_runtime_after: None,
) -> None:
    # given: a worker configured for gVisor on an engine that has it registered
    settings.DOCKER_HOST = gvisor_engine.url
    settings.GRADING_CHECK_RUNTIME = GVISOR
    client = gvisor_engine.client()

    # when
    problem = runtime_problem(client, GVISOR)
    refusal = grader_adapter.PipelineGrader().unavailable()

    # then: where the host lets gVisor run, the checks run under it and grade as under runc
    if problem is None:
        assert refusal is None
        select_check_runtime(GVISOR)
        job = f"test-{uuid.uuid4().hex[:12]}"
        kernel = run_command(client, "busybox:1.35", ["dmesg"], job_id=job)
        assert "gVisor" in kernel.stdout
        result = grade_reference(gvisor_engine, tasks["hardened-container"])
        assert result.verdict == Verdict.PASSED, result.checks
    # and where it cannot, the worker takes no job and says why, naming the runtime
    else:
        for said in (problem, refusal):
            assert said is not None
            assert f"runtime '{GVISOR}' cannot run check containers on this engine" in said
    client.close()


def test_a_runtime_the_engine_does_not_have_is_refused_by_name(
    userns_engine: PrivateEngine,
) -> None:
    client = userns_engine.client()

    problem = runtime_problem(client, GVISOR)

    assert problem is not None
    assert f"no runtime '{GVISOR}'" in problem
    assert "QUAYSIDE_DOCKER_RUNSC=1" in problem
    client.close()


def test_a_userns_remapped_engine_grades_alike_and_maps_root_away(
    userns_engine: PrivateEngine, tasks: dict[str, TaskDefinition]
) -> None:
    # given
    client = userns_engine.client()
    container = client.containers.run("busybox:1.35", ["sleep", "30"], detach=True)

    # when
    try:
        container.reload()
        status = Path(f"/proc/{container.attrs['State']['Pid']}/status").read_text()
    finally:
        container.remove(force=True)
    result = grade_reference(userns_engine, tasks["hardened-container"])

    # then: root in the container is an unprivileged user on the host, and grading is unchanged
    host_uid = next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1]
    assert int(host_uid) != 0
    assert result.verdict == Verdict.PASSED, result.checks
    client.close()
