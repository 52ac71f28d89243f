"""Question writes: immutable versions, status changes, tags, and the draft review actions."""

import pytest

from accounts.models import User
from assessments.models import Question, QuestionStatus, QuestionVersion, Tag
from assessments.services.questions import (
    QuestionContent,
    QuestionSpecError,
    draft_approve,
    draft_reject,
    question_revise,
    question_status_set,
    questions_bulk_status_set,
    questions_bulk_tag,
)
from tests.assessments.conftest import QuestionMaker
from tests.factories import LearningObjectiveFactory
from tests.question_examples import spec_of


def choice(prompt: str | None = None) -> dict[str, object]:
    """The single-choice example, with another prompt if one is given."""
    spec = spec_of("single_choice")
    return spec | {"prompt": prompt} if prompt else spec


def test_a_new_question_has_version_one_as_its_current_version(
    make_question: QuestionMaker,
) -> None:
    question = make_question(spec=choice())

    version = QuestionVersion.objects.get(question=question)
    assert version.number == 1
    assert question.current_version == version
    assert version.spec == choice()


def test_an_edit_makes_version_two_and_keeps_version_one_unchanged(
    make_question: QuestionMaker, instructor: User
) -> None:
    # given
    question = make_question(spec=choice("Old prompt?"))
    first = question.current_version
    assert first is not None
    # when
    second = question_revise(
        question=question,
        content=QuestionContent(type="single_choice", spec=choice("New prompt?")),
        author=instructor,
        note="clearer wording",
    )
    # then
    assert second is not None
    assert second.number == 2
    assert second.change_note == "clearer wording"
    assert second.created_by == instructor
    first.refresh_from_db()
    assert first.spec["prompt"] == "Old prompt?"
    question.refresh_from_db()
    assert question.current_version == second
    assert list(question.versions.values_list("number", flat=True)) == [1, 2]


def test_an_unchanged_edit_makes_no_version(make_question: QuestionMaker) -> None:
    question = make_question(spec=choice())

    revised = question_revise(
        question=question, content=QuestionContent(type="single_choice", spec=choice())
    )

    assert revised is None
    assert question.versions.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"points": 2.0},
        {"difficulty": 0.9},
    ],
)
def test_changing_points_or_difficulty_makes_a_new_version(
    make_question: QuestionMaker, change: dict[str, float]
) -> None:
    question = make_question(spec=choice())

    revised = question_revise(
        question=question,
        content=QuestionContent(type="single_choice", spec=choice(), **change),  # type: ignore[arg-type]
    )

    assert revised is not None
    assert revised.number == 2


def test_changing_the_objectives_makes_a_new_version_linked_to_them(
    make_question: QuestionMaker,
) -> None:
    question = make_question(spec=choice())
    objective = LearningObjectiveFactory()

    revised = question_revise(
        question=question,
        content=QuestionContent(type="single_choice", spec=choice(), objective_ids=(objective.pk,)),
    )

    assert revised is not None
    assert list(revised.objectives.all()) == [objective]
    assert question.versions.get(number=1).objectives.count() == 0


def test_a_version_shown_in_an_attempt_stays_as_it_was_after_an_edit(
    make_question: QuestionMaker,
) -> None:
    # given version 1 has been shown to a learner
    question = make_question(spec=choice("Shown?"))
    QuestionVersion.objects.filter(question=question).update(first_shown_at="2026-01-01T00:00Z")
    # when
    question_revise(
        question=question, content=QuestionContent(type="single_choice", spec=choice("Edit?"))
    )
    # then
    shown = question.versions.get(number=1)
    assert shown.spec["prompt"] == "Shown?"
    assert shown.first_shown_at is not None


def test_successive_edits_get_consecutive_numbers(make_question: QuestionMaker) -> None:
    question = make_question(spec=choice("v1?"))

    for number in range(2, 5):
        question_revise(
            question=question,
            content=QuestionContent(type="single_choice", spec=choice(f"v{number}?")),
        )

    assert list(question.versions.values_list("number", flat=True)) == [1, 2, 3, 4]
    question.refresh_from_db()
    assert question.current_version is not None
    assert question.current_version.number == 4


def test_an_invalid_edit_is_refused_with_every_problem_and_writes_nothing(
    make_question: QuestionMaker,
) -> None:
    question = make_question(spec=choice())
    broken = {"prompt": "", "options": [{"text": "only", "correct": False}], "corect": True}

    with pytest.raises(QuestionSpecError) as raised:
        question_revise(question=question, content=QuestionContent("single_choice", broken))

    assert len(raised.value.errors) >= 2
    assert any("corect" in problem for problem in raised.value.errors)
    assert question.versions.count() == 1


def test_status_set_changes_the_status_and_keeps_the_versions(
    make_question: QuestionMaker,
) -> None:
    question = make_question(status=QuestionStatus.READY)

    question_status_set(question=question, status=QuestionStatus.RETIRED)

    question.refresh_from_db()
    assert question.status == QuestionStatus.RETIRED
    assert question.versions.count() == 1


def test_bulk_status_set_changes_only_the_named_questions(make_question: QuestionMaker) -> None:
    picked = [make_question(), make_question()]
    untouched = make_question()

    count = questions_bulk_status_set(
        question_ids=[question.pk for question in picked], status=QuestionStatus.RETIRED
    )

    assert count == 2
    assert set(Question.objects.filter(status=QuestionStatus.RETIRED)) == set(picked)
    untouched.refresh_from_db()
    assert untouched.status == QuestionStatus.READY


def test_bulk_tag_adds_tags_and_keeps_the_existing_ones(make_question: QuestionMaker) -> None:
    question = make_question(tags=("networking",))

    questions_bulk_tag(question_ids=[question.pk], tags=["Ports", " ports ", ""])

    assert sorted(question.tags.values_list("name", flat=True)) == ["networking", "ports"]
    assert Tag.objects.filter(name="ports").count() == 1


def test_approving_a_draft_makes_it_ready_and_records_the_reviewer(
    make_question: QuestionMaker, instructor: User
) -> None:
    draft = make_question(status=QuestionStatus.DRAFT)

    approved = draft_approve(question=draft, reviewer=instructor)

    assert approved.status == QuestionStatus.READY
    assert approved.provenance_detail["reviewed_by"] == instructor.email
    assert approved.versions.count() == 1


def test_approving_with_edits_makes_a_new_version_then_ready(
    make_question: QuestionMaker, instructor: User
) -> None:
    draft = make_question(status=QuestionStatus.DRAFT, spec=choice("Draft wording?"))

    approved = draft_approve(
        question=draft,
        reviewer=instructor,
        content=QuestionContent(type="single_choice", spec=choice("Reviewed wording?")),
    )

    assert approved.status == QuestionStatus.READY
    assert approved.current_version is not None
    assert approved.current_version.number == 2
    assert approved.current_version.spec["prompt"] == "Reviewed wording?"
    assert approved.current_version.change_note == "edited in review"


def test_rejecting_a_draft_retires_it_with_the_reason(
    make_question: QuestionMaker, instructor: User
) -> None:
    draft = make_question(status=QuestionStatus.DRAFT)

    rejected = draft_reject(question=draft, reviewer=instructor, reason="Ambiguous options")

    assert rejected.status == QuestionStatus.RETIRED
    assert rejected.provenance_detail["review"] == "rejected"
    assert rejected.provenance_detail["reason"] == "Ambiguous options"


def test_only_drafts_can_be_approved(make_question: QuestionMaker, instructor: User) -> None:
    ready = make_question(status=QuestionStatus.READY)

    with pytest.raises(ValueError, match="not a draft"):
        draft_approve(question=ready, reviewer=instructor)

    ready.refresh_from_db()
    assert ready.status == QuestionStatus.READY


def test_only_drafts_can_be_rejected(make_question: QuestionMaker, instructor: User) -> None:
    ready = make_question(status=QuestionStatus.READY)

    with pytest.raises(ValueError, match="not a draft"):
        draft_reject(question=ready, reviewer=instructor, reason="no")

    ready.refresh_from_db()
    assert ready.status == QuestionStatus.READY
