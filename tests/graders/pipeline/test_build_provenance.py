"""`build-output-runs` (graders/checks/build_provenance.py) follows the multi-stage task's
artefact from the build stage to the running process; the ways around it that the wrong
solutions on disk do not cover are graded here, through the pipeline on the real engine."""

import docker
import pytest

from graders.checks.image_files import ImagePaths
from graders.data import SubmissionKind, Verdict
from graders.pipeline import grade_submission
from graders.sandbox.images import BUSYBOX
from graders.sandbox.run import job_scope
from graders.tasks import TaskDefinition
from tests.graders.pipeline.submissions import submission

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

BUILDER = """\
FROM python:3.11-slim-bookworm AS builder
WORKDIR /src
COPY quotes_api.py ./
COPY tests/ tests/
COPY tools/ tools/
"""
RUNTIME = """
FROM busybox:1.35
COPY --from=builder /bundle/ /
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=3s \
  CMD ["/usr/bin/python3", "/app/quotes_api.pyc", "--healthcheck"]
CMD ["/usr/bin/python3", "/app/quotes_api.pyc"]
"""
BUNDLE = "RUN python3 tools/bundle.py --out /bundle --tests tests quotes_api\n"


def test_a_file_is_read_from_an_image_without_running_it(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    with job_scope(docker_client, job_id):
        paths = ImagePaths(docker_client, BUSYBOX.reference, job_id=job_id)

        passwd = paths.read("/etc/passwd", max_bytes=4096)
        too_big = paths.read("/etc/passwd", max_bytes=8)
        missing = paths.read("/etc/no-such-file", max_bytes=4096)
        directory = paths.read("/etc", max_bytes=1 << 20)

    assert passwd is not None
    assert passwd.startswith(b"root:x:0:0:")
    assert (too_big, missing, directory) == (None, None, None)


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        (
            # The learner's edit of the app is what got compiled and tested.
            BUILDER + "RUN sed -i 's/quotes-api/my-api/' quotes_api.py\n" + BUNDLE + RUNTIME,
            "says the build did not compile the task's `quotes_api.py`",
        ),
        (
            # The bundle's app replaced after the build by a compilation nobody tested.
            BUILDER
            + BUNDLE
            + "RUN python3 -c \"import py_compile; py_compile.compile('quotes_api.py', "
            "cfile='/bundle/app/quotes_api.pyc', dfile='other.py')\"\n" + RUNTIME,
            "is not the file the build stage produced",
        ),
        (
            # The tests deleted before the bundle tool looks for them.
            BUILDER + "RUN rm -r tests && mkdir tests\n" + BUNDLE + RUNTIME,
            "the build stage did not run the tests",
        ),
        (
            # A manifest written by hand, in shapes the bundle tool never writes.
            BUILDER
            + BUNDLE
            + 'RUN echo \'{"sources": [], "artefacts": 7}\' > /bundle/app/BUILD.json\n'
            + RUNTIME,
            "says the build did not compile the task's `quotes_api.py`",
        ),
    ],
    ids=["source-edited", "artefact-replaced", "tests-deleted", "manifest-malformed"],
)
def test_a_build_that_is_not_the_tested_build_of_the_tasks_app_fails_the_task(
    docker_client: docker.DockerClient,
    tasks: dict[str, TaskDefinition],
    job_id: str,
    dockerfile: str,
    message: str,
) -> None:
    # given
    task = tasks["multi-stage-build"]
    files = {"Dockerfile": dockerfile.encode()}

    # when
    result = grade_submission(
        task.spec, submission(SubmissionKind.DOCKERFILE, files), client=docker_client, job_id=job_id
    )

    # then
    provenance = next(c for c in result.checks if c.check_id == "build-output-runs")
    assert result.verdict == Verdict.FAILED
    assert not provenance.passed
    assert message in provenance.message, provenance.message
    assert "build-output-runs" in result.reason
