"""The practicals' static checks run the same rules as questions, on the job's real files."""

import time

import pytest

from coursepackages.layout import DEMO_TASKS_DIR
from graders.checks import CHECKS, Finding
from graders.checks.context import GradingContext
from graders.tasks import TaskDefinition, load_task

TOKEN = "quayside-demo-token-7f3a9c21"


@pytest.fixture(scope="module")
def production_task() -> TaskDefinition:
    return load_task("production-dockerfile", directory=DEMO_TASKS_DIR)


def context_for(task: TaskDefinition, dockerfile: str, dockerignore: str | None) -> GradingContext:
    files = {**task.spec.provided_files, "Dockerfile": dockerfile.encode()}
    if dockerignore is not None:
        files[".dockerignore"] = dockerignore.encode()
    return GradingContext(
        task=task.spec,
        job_id="static-test",
        deadline=time.monotonic() + 60,
        files=files,
        dockerfile_text=dockerfile,
        dockerignore_text=dockerignore,
    )


def run_check(
    task: TaskDefinition, check_id: str, dockerfile: str, dockerignore: str | None
) -> Finding:
    item = next(item for item in task.spec.rubric if item.check_id == check_id)
    return CHECKS[check_id].run(context_for(task, dockerfile, dockerignore), item.params)


COPY_ALL = (
    "FROM python:3.11-slim-bookworm\nWORKDIR /app\nCOPY . .\nUSER 1001\n"
    'CMD ["python3", "notes_api.py"]\n'
)


def test_no_secrets_fails_when_copy_all_ships_the_starters_env(
    production_task: TaskDefinition,
) -> None:
    shipped = run_check(production_task, "no-secrets", COPY_ALL, None)
    excluded = run_check(production_task, "no-secrets", COPY_ALL, ".env\n.git\n")

    assert not shipped.passed
    assert "`.env`" in shipped.message
    assert excluded.passed


def test_no_secrets_fails_on_the_starters_token_in_any_instruction(
    production_task: TaskDefinition,
) -> None:
    text = COPY_ALL.replace("USER 1001", f"RUN echo {TOKEN} > /tmp/t\nUSER 1001")

    finding = run_check(production_task, "no-secrets", text, ".env\n")

    assert not finding.passed
    assert TOKEN not in finding.message


def test_base_image_pinned_rejects_floating_aliases(production_task: TaskDefinition) -> None:
    floating = COPY_ALL.replace("3.11-slim-bookworm", "slim-bookworm")

    assert run_check(production_task, "base-image-pinned", COPY_ALL, ".env\n").passed
    assert not run_check(production_task, "base-image-pinned", floating, ".env\n").passed


def test_base_image_pinned_gives_tag_share_for_a_tag_and_all_for_a_digest(
    production_task: TaskDefinition,
) -> None:
    context = context_for(production_task, COPY_ALL, ".env\n")
    digest = COPY_ALL.replace("bookworm\n", "bookworm@sha256:" + "ab" * 32 + "\n", 1)

    tag = CHECKS["base-image-pinned"].run(context, {"tag_share": 0.5})
    full = CHECKS["base-image-pinned"].run(
        context_for(production_task, digest, ".env\n"), {"tag_share": 0.5}
    )

    assert (tag.passed, tag.earned_fraction) == (True, 0.5)
    assert (full.passed, full.earned_fraction) == (True, 1.0)


def test_multi_stage_check_wants_the_final_stage_fed_by_a_build_stage(
    production_task: TaskDefinition,
) -> None:
    unused = (
        "FROM python:3.11-slim-bookworm AS builder\nRUN echo build\n"
        'FROM busybox:1.35\nCOPY notes_api.py /app/\nCMD ["/app/notes_api.py"]\n'
    )
    used = unused.replace("COPY notes_api.py /app/", "COPY --from=builder /usr/bin/python3 /bin/")
    context = context_for(production_task, unused, None)

    assert not CHECKS["multi-stage-no-build-tools"].run(context, {}).passed
    assert (
        CHECKS["multi-stage-no-build-tools"]
        .run(context_for(production_task, used, None), {})
        .passed
    )


def test_exec_form_check_rejects_a_missing_start_command(production_task: TaskDefinition) -> None:
    without = COPY_ALL.replace('CMD ["python3", "notes_api.py"]\n', "")

    assert not run_check(production_task, "exec-form", without, ".env\n").passed
