"""The authoring pages under /authoring/: permissions, editing, review, bulk actions.

The import and export pages are tested in test_authoring_interchange_pages.py.
"""

import pytest
import yaml
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from accounts.models import User
from assessments.models import Provenance, Question, QuestionStatus
from assessments.services.bank import question_bank_load
from coursepackages.layout import DEMO_BANK_DIR
from tests.assessments.conftest import QuestionMaker
from tests.question_examples import QUESTION_EXAMPLES, secrets_found

CHOICE = QUESTION_EXAMPLES["single_choice"]
SPEC_YAML = yaml.safe_dump(CHOICE.spec(), sort_keys=False)
EDITED_PROMPT = "Which base image line names one release?"
EDITED_YAML = yaml.safe_dump(CHOICE.spec() | {"prompt": EDITED_PROMPT}, sort_keys=False)
GET_PAGES = [
    "authoring:question_list",
    "authoring:question_new",
    "authoring:review_queue",
    "authoring:question_import",
    "authoring:question_export",
]
GET_QUESTION_PAGES = [
    "authoring:question_detail",
    "authoring:question_edit",
    "authoring:question_diff",
]
POST_PAGES = ["authoring:question_preview", "authoring:question_try", "authoring:bulk_action"]
POST_QUESTION_PAGES = ["authoring:draft_approve", "authoring:draft_reject"]


# Routes the analytics tests cover (tests/assessments/statistics/test_analytics_pages.py).
ANALYTICS_ROUTES = {
    "authoring:question_statistics",
    "authoring:question_retire",
    "authoring:question_difficulty_from_facility",
}


def _authoring_routes() -> set[str]:
    resolver = get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "authoring":
            names |= {f"authoring:{item.name}" for item in pattern.url_patterns if item.name}
    return names


def _every_request(question_id: int) -> list[tuple[str, str]]:
    return (
        [("get", reverse(name)) for name in GET_PAGES]
        + [("get", reverse(name, args=[question_id])) for name in GET_QUESTION_PAGES]
        + [("post", reverse(name)) for name in POST_PAGES]
        + [("post", reverse(name, args=[question_id])) for name in POST_QUESTION_PAGES]
    )


def _form(section_id: int, **changes: object) -> dict[str, object]:
    return {
        "key": "web-port",
        "section": section_id,
        "type": "single_choice",
        "points": 1,
        "difficulty": 0.5,
        "tags": "networking, ports",
        "spec": SPEC_YAML,
        "change_note": "",
    } | changes


@pytest.fixture
def draft(make_question: QuestionMaker) -> Question:
    return make_question(key="draft-question", status=QuestionStatus.DRAFT)


def test_every_authoring_route_is_covered_by_the_access_tests(db: None) -> None:
    covered = {*GET_PAGES, *GET_QUESTION_PAGES, *POST_PAGES, *POST_QUESTION_PAGES}

    assert _authoring_routes() - ANALYTICS_ROUTES == covered


def test_anonymous_visitors_are_sent_to_log_in_from_every_authoring_page(
    client: Client, draft: Question
) -> None:
    for method, url in _every_request(draft.pk):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    draft.refresh_from_db()
    assert draft.status == QuestionStatus.DRAFT


def test_learners_get_403_on_every_authoring_page(
    client: Client, learner: User, draft: Question
) -> None:
    client.force_login(learner)

    for method, url in _every_request(draft.pk):
        response = getattr(client, method)(url, {"question_ids": [draft.pk], "action": "retire"})

        assert response.status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == QuestionStatus.DRAFT


def test_instructors_open_every_authoring_page(instructor_client: Client, draft: Question) -> None:
    for method, url in _every_request(draft.pk):
        if method != "get":
            continue
        assert instructor_client.get(url).status_code == 200, url


def test_the_list_filters_by_section_type_status_and_tag(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    wanted = make_question(key="wanted", status=QuestionStatus.READY, tags=("ports",))
    make_question(key="other-status", status=QuestionStatus.DRAFT, tags=("ports",))
    make_question(key="other-section", status=QuestionStatus.READY)

    response = instructor_client.get(
        reverse("authoring:question_list"),
        {"section": wanted.section_id, "type": "single_choice", "status": "ready", "tag": "ports"},
    )

    assert [question.key for question in response.context["page"]] == ["wanted"]


def test_the_list_renders_in_a_fixed_number_of_queries(
    instructor_client: Client,
    make_question: QuestionMaker,
    django_assert_max_num_queries: object,
) -> None:
    for _ in range(15):
        make_question(tags=("ports", "networking"))

    with django_assert_max_num_queries(15):  # type: ignore[operator]
        response = instructor_client.get(reverse("authoring:question_list"))

    assert len(response.context["page"]) == 15


def test_create_detail_edit_diff_and_history(
    instructor_client: Client, docker_sections: dict[int, int], instructor: User
) -> None:
    # create
    response = instructor_client.post(reverse("authoring:question_new"), _form(docker_sections[5]))
    question = Question.objects.get(key="web-port")
    assert response.status_code == 302
    assert response["Location"] == reverse("authoring:question_detail", args=[question.pk])
    assert question.status == QuestionStatus.DRAFT
    assert question.provenance == Provenance.AUTHORED
    assert question.created_by == instructor
    assert sorted(question.tags.values_list("name", flat=True)) == ["networking", "ports"]
    # detail
    detail = instructor_client.get(response["Location"])
    assert detail.status_code == 200
    assert CHOICE.spec()["prompt"] in detail.content.decode()
    # edit: a new version
    edited_yaml = EDITED_YAML
    response = instructor_client.post(
        reverse("authoring:question_edit", args=[question.pk]),
        _form(docker_sections[5], spec=edited_yaml, change_note="say host"),
    )
    assert response.status_code == 302
    assert list(question.versions.values_list("number", flat=True)) == [1, 2]
    # edit without a change: no version
    instructor_client.post(
        reverse("authoring:question_edit", args=[question.pk]),
        _form(docker_sections[5], spec=edited_yaml),
    )
    assert question.versions.count() == 2
    # diff
    diff = instructor_client.get(reverse("authoring:question_diff", args=[question.pk]))
    lines = [line.strip() for line in diff.context["diff_lines"]]
    assert f"-prompt: {CHOICE.spec()['prompt']}" in lines
    assert f"+prompt: {EDITED_PROMPT}" in lines
    # history
    history = instructor_client.get(reverse("authoring:question_detail", args=[question.pk]))
    assert [version.number for version in history.context["versions"]] == [2, 1]
    assert b"say host" in history.content


def test_a_key_that_exists_is_refused_on_the_form(
    instructor_client: Client, make_question: QuestionMaker, docker_sections: dict[int, int]
) -> None:
    make_question(key="web-port")

    response = instructor_client.post(reverse("authoring:question_new"), _form(docker_sections[5]))

    assert response.status_code == 200
    assert "A question with this key exists already." in response.context["form"].errors["key"]


def test_an_invalid_spec_shows_every_problem_and_saves_nothing(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    broken = "prompt: ''\noptions:\n  - text: a\n    correct: true\nfeedback: x\ncorect: 1\n"

    response = instructor_client.post(
        reverse("authoring:question_new"), _form(docker_sections[5], spec=broken)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["spec"]
    assert len(errors) >= 2
    assert "prompt: must not be empty" in errors
    assert any("corect" in error for error in errors)
    assert not Question.objects.exists()


def test_the_preview_renders_the_learner_view_without_answer_keys(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    # The edit page posts no key (the field is locked), so the preview needs none.
    form = _form(docker_sections[5])
    del form["key"]

    response = instructor_client.post(reverse("authoring:question_preview"), form)

    html = response.content.decode()
    assert response.status_code == 200
    assert CHOICE.spec()["prompt"] in html
    assert 'type="radio"' in html
    assert "correct" not in html
    assert secrets_found(html, CHOICE.secrets) == []
    assert CHOICE.codeword not in html


def test_the_preview_shows_the_shuffled_order_an_attempt_would_show(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    options = "\n".join(
        f"  - text: option {letter}\n    correct: {str(letter == 'a').lower()}"
        for letter in "abcdef"
    )
    spec = f"prompt: Pick a.\noptions:\n{options}\nfeedback: Section 5.\n"

    html = instructor_client.post(
        reverse("authoring:question_preview"), _form(docker_sections[5], spec=spec)
    ).content.decode()

    positions = [html.index(f"option {letter}") for letter in "abcdef"]
    assert positions != sorted(positions)


def test_an_invalid_preview_answers_422_with_the_problems(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    response = instructor_client.post(
        reverse("authoring:question_preview"), _form(docker_sections[5], spec="- not a mapping")
    )

    assert response.status_code == 422
    assert b"The spec must be a YAML mapping" in response.content


def test_the_review_queue_lists_drafts_only(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    make_question(key="waiting", status=QuestionStatus.DRAFT)
    make_question(key="published", status=QuestionStatus.READY)

    response = instructor_client.get(reverse("authoring:review_queue"))

    assert [question.key for question in response.context["page"]] == ["waiting"]


def test_approving_from_the_queue_makes_the_draft_ready(
    instructor_client: Client, draft: Question, instructor: User
) -> None:
    response = instructor_client.post(reverse("authoring:draft_approve", args=[draft.pk]))

    assert response["Location"] == reverse("authoring:review_queue")
    draft.refresh_from_db()
    assert draft.status == QuestionStatus.READY
    assert draft.provenance_detail["reviewed_by"] == instructor.email


def test_edit_then_approve_saves_a_version_and_makes_the_draft_ready(
    instructor_client: Client, draft: Question
) -> None:
    edited = EDITED_YAML

    instructor_client.post(
        reverse("authoring:question_edit", args=[draft.pk]),
        _form(draft.section_id, spec=edited, approve="1"),
    )

    draft.refresh_from_db()
    assert draft.status == QuestionStatus.READY
    assert draft.current_version is not None
    assert draft.current_version.number == 2
    assert draft.current_version.spec["prompt"] == EDITED_PROMPT


def test_rejecting_needs_a_reason_and_retires_the_draft(
    instructor_client: Client, draft: Question
) -> None:
    instructor_client.post(reverse("authoring:draft_reject", args=[draft.pk]), {"reason": ""})
    draft.refresh_from_db()
    assert draft.status == QuestionStatus.DRAFT

    instructor_client.post(
        reverse("authoring:draft_reject", args=[draft.pk]), {"reason": "Two right answers"}
    )

    draft.refresh_from_db()
    assert draft.status == QuestionStatus.RETIRED
    assert draft.provenance_detail["reason"] == "Two right answers"


def test_review_actions_never_redirect_off_site(instructor_client: Client, draft: Question) -> None:
    response = instructor_client.post(
        reverse("authoring:draft_approve", args=[draft.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("authoring:review_queue")


def test_review_actions_return_to_the_page_they_came_from(
    instructor_client: Client, draft: Question
) -> None:
    detail = reverse("authoring:question_detail", args=[draft.pk])

    response = instructor_client.post(
        reverse("authoring:draft_approve", args=[draft.pk]), {"next": detail}
    )

    assert response["Location"] == detail


def test_bulk_retire_changes_only_the_picked_questions(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    picked = [make_question(), make_question()]
    kept = make_question()

    instructor_client.post(
        reverse("authoring:bulk_action"),
        {"action": "retire", "question_ids": [question.pk for question in picked]},
    )

    statuses = dict(Question.objects.values_list("key", "status"))
    assert {statuses[question.key] for question in picked} == {QuestionStatus.RETIRED}
    assert statuses[kept.key] == QuestionStatus.READY


def test_bulk_tag_adds_the_tags_to_the_picked_questions(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    picked = make_question(tags=("ports",))
    other = make_question()

    instructor_client.post(
        reverse("authoring:bulk_action"),
        {"action": "tag", "question_ids": [picked.pk], "tags": "Exam, networking"},
    )

    assert sorted(picked.tags.values_list("name", flat=True)) == ["exam", "networking", "ports"]
    assert not other.tags.exists()


def test_bulk_tag_without_tags_changes_nothing(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    question = make_question()

    instructor_client.post(
        reverse("authoring:bulk_action"), {"action": "tag", "question_ids": [question.pk]}
    )

    assert not question.tags.exists()


def test_the_detail_page_previews_a_bank_question_of_every_type(
    instructor_client: Client, docker_module: int
) -> None:
    question_bank_load(module_id=docker_module, directory=DEMO_BANK_DIR)
    one_per_type = {
        question.current_version.type: question  # type: ignore[union-attr]
        for question in Question.objects.select_related("current_version")
    }

    for question_type, question in one_per_type.items():
        response = instructor_client.get(reverse("authoring:question_detail", args=[question.pk]))

        assert response.status_code == 200, question.key
        assert f'data-type="{question_type}"' in response.content.decode()
    assert len(one_per_type) >= 7
