"""Worked examples in the authoring UI: saving runs them, the question page lists them, and the
"try an answer" box grades a typed answer with the draft spec without changing anything."""

from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assessments.models import Attempt, Question, QuestionVersion
from assessments.question_types import QUESTION_TYPES
from tests.assessments.conftest import QuestionMaker

EXEC_SPEC: dict[str, Any] = {
    "prompt": "Open an interactive shell (`/bin/sh`) in the running container `myapp`.",
    "answers": [
        {"command": "docker exec -it myapp /bin/sh", "fraction": 1, "feedback": "Right."},
        {"command": "docker exec myapp /bin/sh", "fraction": 0.5, "feedback": "Add -it."},
    ],
    "feedback": "Section 7: Essential Docker Commands.",
    "examples": {
        "accept": ["docker exec -ti myapp /bin/sh", "docker container exec -it myapp /bin/sh"],
        "reject": [
            {"answer": "docker exec -i myapp /bin/sh", "fraction": 0.75},
            "docker run -it myapp /bin/sh",
        ],
    },
}
DOCKERIGNORE_SPEC: dict[str, Any] = {
    "prompt": "Keep `.env` out of the image.",
    "starter": 'FROM node:18.17.1-alpine3.18\nCOPY . .\nCMD ["node", "server.js"]\n',
    "dockerignore_starter": "",
    "secret_files": [".env"],
    "rules": ["no-env-file-copied"],
    "feedback": "Section 6: Container Security Best Practices.",
}


def _yaml(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, sort_keys=False)


def _form(section_id: int, spec: dict[str, Any], **changes: object) -> dict[str, object]:
    return {
        "key": "exec-shell",
        "section": section_id,
        "type": "docker_command",
        "points": 1,
        "difficulty": 0.5,
        "tags": "exec",
        "spec": _yaml(spec),
        "change_note": "",
    } | changes


def _try(client: Client, spec: dict[str, Any], answer: str, **extra: str) -> Any:
    data = {"type": "docker_command", "spec": _yaml(spec), "answer": answer} | extra
    return client.post(reverse("authoring:question_try"), data, HTTP_X_REQUESTED_WITH="fetch")


def _state() -> tuple[int, int, int]:
    return Question.objects.count(), QuestionVersion.objects.count(), Attempt.objects.count()


def test_saving_refuses_examples_that_disagree_with_the_key_with_one_message_each(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    # given two examples that the key grades otherwise than they claim
    spec = {
        **EXEC_SPEC,
        "examples": {
            "accept": ["docker exec myapp /bin/sh"],
            "reject": [
                "docker exec -it myapp /bin/sh",
                {"answer": "docker exec -i myapp /bin/sh", "fraction": 0.5},
            ],
        },
    }
    # when the author saves
    response = instructor_client.post(
        reverse("authoring:question_new"), _form(docker_sections[7], spec)
    )
    # then nothing is saved and each disagreeing example is named with what it earns
    errors = response.context["form"].errors["spec"]
    assert response.status_code == 200
    assert not Question.objects.exists()
    assert len(errors) == 3
    assert errors[0].startswith('examples.accept[0]: "docker exec myapp /bin/sh" earns 50%')
    assert "an accepted example must earn full credit" in errors[0]
    assert errors[1].startswith('examples.reject[0]: "docker exec -it myapp /bin/sh" earns 100%')
    assert "expects 50%" in errors[2]
    assert "earns 75%" in errors[2]


def test_saving_with_agreeing_examples_makes_a_version_and_the_page_lists_them(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    response = instructor_client.post(
        reverse("authoring:question_new"), _form(docker_sections[7], EXEC_SPEC)
    )

    question = Question.objects.get(key="exec-shell")
    assert response.status_code == 302
    assert question.current_version.spec["examples"] == EXEC_SPEC["examples"]  # type: ignore[union-attr]
    page = instructor_client.get(reverse("authoring:question_detail", args=[question.pk]))
    checks = page.context["example_checks"]
    assert [(check.example.kind, check.fraction) for check in checks] == [
        ("accept", 1.0),
        ("accept", 1.0),
        ("reject", 0.75),
        ("reject", 0.0),
    ]
    assert all(check.agrees for check in checks)
    assert b"Try an answer" in page.content
    assert reverse("authoring:question_try").encode() in page.content


def test_try_an_answer_grades_with_the_draft_spec_and_changes_nothing(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    # given a saved question, and a draft of it whose key now accepts sh for /bin/sh
    make_question(key="exec-shell", question_type="docker_command", spec=EXEC_SPEC)
    draft = {
        **EXEC_SPEC,
        "answers": [
            *EXEC_SPEC["answers"],
            {"command": "docker exec -it myapp sh", "fraction": 1},
            {"command": "docker exec myapp sh", "fraction": 0.5},
        ],
    }
    before = _state()
    # when the author tries two answers with the draft
    partial = _try(instructor_client, draft, "docker exec -i myapp sh")
    wrong = _try(instructor_client, draft, "docker attach myapp")
    # then the fragments show the fraction and the grader's explanation, and nothing changed
    assert partial.status_code == wrong.status_code == 200
    assert "Earns 75%" in partial.content.decode()
    assert "partial credit" in partial.content.decode()
    assert "Missing flag `--tty`" in partial.content.decode()
    assert "Earns 0%" in wrong.content.decode()
    assert "not `docker attach`" in wrong.content.decode()
    assert _state() == before


def test_try_an_answer_ignores_the_drafts_examples(instructor_client: Client, db: None) -> None:
    """An author tries answers while the examples still disagree with the key."""
    spec = {**EXEC_SPEC, "examples": {"accept": ["docker ps"], "reject": []}}

    response = _try(instructor_client, spec, "docker exec -it myapp /bin/sh")

    assert response.status_code == 200
    assert "Earns 100%" in response.content.decode()


def test_try_an_answer_with_an_invalid_spec_or_type_answers_422_with_the_problems(
    instructor_client: Client, db: None
) -> None:
    broken = {**EXEC_SPEC, "answers": [{"command": "docker nonsense --x", "fraction": 1}]}
    choice = {
        "prompt": "Pick",
        "feedback": "Section 1: Understanding Containers vs Virtual Machines.",
        "options": [{"text": "a", "correct": True}, {"text": "b", "correct": False}],
    }

    invalid = _try(instructor_client, broken, "docker ps")
    chosen = _try(instructor_client, choice, "a", type="single_choice")

    assert invalid.status_code == chosen.status_code == 422
    assert "does not parse" in invalid.content.decode()
    assert "Only typed answers can be tried here" in chosen.content.decode()


def test_try_an_answer_reports_a_malformed_answer(instructor_client: Client, db: None) -> None:
    response = _try(instructor_client, EXEC_SPEC, "   ")

    assert response.status_code == 422
    assert "Not a valid answer: Type a command." in response.content.decode()


def test_try_an_answer_grades_a_dockerfile_with_its_dockerignore(
    instructor_client: Client, db: None
) -> None:
    dockerfile = DOCKERIGNORE_SPEC["starter"]

    without = _try(instructor_client, DOCKERIGNORE_SPEC, dockerfile, type="dockerfile")
    with_ignore = _try(
        instructor_client,
        DOCKERIGNORE_SPEC,
        dockerfile,
        type="dockerfile",
        answer_dockerignore=".env\n",
    )

    assert "Earns 0%" in without.content.decode()
    assert "Earns 100%" in with_ignore.content.decode()


def test_try_an_answer_without_javascript_renders_a_whole_page(
    instructor_client: Client, db: None
) -> None:
    response = instructor_client.post(
        reverse("authoring:question_try"),
        {"type": "docker_command", "spec": _yaml(EXEC_SPEC), "answer": "docker exec myapp sh"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Try an answer</h1>" in html
    assert "Earns 0%" in html  # `sh` is not `/bin/sh` in this key


def test_try_an_answer_needs_a_csrf_token(instructor: User, db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)

    response = client.post(
        reverse("authoring:question_try"),
        {"type": "docker_command", "spec": _yaml(EXEC_SPEC), "answer": "docker ps"},
    )

    assert response.status_code == 403


@pytest.mark.parametrize(("user_fixture", "status"), [("learner", 403), (None, 302)])
def test_only_staff_may_try_answers(
    client: Client, request: pytest.FixtureRequest, user_fixture: str | None, status: int
) -> None:
    if user_fixture is not None:
        client.force_login(request.getfixturevalue(user_fixture))

    response = _try(client, EXEC_SPEC, "docker exec -it myapp /bin/sh")

    assert response.status_code == status
    assert b"Earns" not in response.content


def test_the_edit_page_offers_the_try_box_next_to_the_preview(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    question = make_question(question_type="docker_command", spec=EXEC_SPEC)

    page = instructor_client.get(reverse("authoring:question_edit", args=[question.pk]))

    html = page.content.decode()
    assert 'id="try-answer-box"' in html
    assert f'data-try-url="{reverse("authoring:question_try")}"' in html


def test_the_examples_never_reach_a_learner_view() -> None:
    view = QUESTION_TYPES["docker_command"].learner_view(dict(EXEC_SPEC))

    assert "examples" not in view
    assert "docker exec -ti" not in str(view)
