"""Ordering and matching never show their answer order: the library's draw never returns it, and
attempt_start, the rendered page and the authoring preview all follow that one draw."""

import itertools
import re

import pytest
from django.urls import reverse

from accounts.models import User
from assessments.authoring_forms import spec_to_yaml
from assessments.authoring_views import PREVIEW_SEED
from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    FeedbackPolicy,
    Provenance,
    Question,
    QuestionStatus,
)
from assessments.portal_answers import feedback_html, question_html
from assessments.question_types import QUESTION_TYPES, option_id
from assessments.question_types.option_order import shows_answer_order
from assessments.rendering import question_render_for_learner, question_render_preview
from assessments.selectors.attempts import ItemForSave, attempt_items_for_learner
from assessments.selectors.portal import attempt_questions_for_page, questions_for_learner
from assessments.services.answers import attempt_answer_save
from assessments.services.attempts import attempt_start, attempt_submit
from assessments.services.questions import QuestionContent, question_create
from tests.factories import SectionFactory

SEEDS = range(2000)
FEEDBACK = "Section 7: Essential Docker Commands."
STARTS = 60
ORDERING = QUESTION_TYPES["ordering"]
MATCHING = QUESTION_TYPES["matching"]


def ordering_spec(count: int) -> dict:
    return {
        "prompt": "Order the steps.",
        "items": [f"step `{n}`" for n in range(count)],
        "feedback": FEEDBACK,
    }


def matching_spec(*, distractors: int = 0, shared_right: bool = False) -> dict:
    pairs = [
        {"left": "`-d`", "right": "run in the background"},
        {"left": "`-p`", "right": "publish a port"},
        {"left": "`-v`", "right": "mount a volume"},
    ]
    if shared_right:
        pairs.append({"left": "`--detach`", "right": "run in the background"})
    return {
        "prompt": "Match each flag.",
        "pairs": pairs,
        "distractors": [f"distractor {n}" for n in range(distractors)],
        "feedback": FEEDBACK,
    }


@pytest.mark.parametrize("count", [2, 3, 4, 6])
def test_the_draw_never_returns_the_answer_order_of_an_ordering(count: int) -> None:
    spec = ordering_spec(count)

    orders = {tuple(ORDERING.draw_option_order(spec, seed) or []) for seed in SEEDS}

    assert tuple(range(count)) not in orders
    if count <= 4:  # every other order is drawn: the draw stays uniform over them
        assert len(orders) == len(list(itertools.permutations(range(count)))) - 1


@pytest.mark.parametrize(
    ("distractors", "shared_right"), [(0, False), (2, False), (1, True), (3, True)]
)
def test_the_draw_never_lines_the_right_answers_up_with_the_lefts(
    distractors: int, shared_right: bool
) -> None:
    spec = matching_spec(distractors=distractors, shared_right=shared_right)
    rights = MATCHING.answer_order_length(spec)

    orders = [MATCHING.draw_option_order(spec, seed) or [] for seed in SEEDS]

    assert rights == 3
    # The right answers, read in display order and ignoring distractors between them, never
    # come in the order of the lefts.
    assert not any(shows_answer_order(order, rights) for order in orders)
    assert all(sorted(order) == list(range(3 + distractors)) for order in orders)


def test_without_a_frozen_order_the_view_still_hides_the_answer_order() -> None:
    for spec in (ordering_spec(2), ordering_spec(5), matching_spec(distractors=2)):
        question_type = ORDERING if "items" in spec else MATCHING
        view = question_type.learner_view(spec, option_order=None)
        shown = view.get("items") or view["choices"]
        texts = question_type.option_texts(spec)
        order = [texts.index(entry["text"]) for entry in shown]
        assert not shows_answer_order(order, question_type.answer_order_length(spec))


@pytest.fixture
def assessment(db: None) -> Assessment:
    section = SectionFactory()
    built = Assessment.objects.create(
        slug="orders",
        title="Orders",
        kind=AssessmentKind.SECTION_QUIZ,
        module=section.module,
        section=section,
        feedback_policy=FeedbackPolicy.AFTER_SUBMISSION,
        shuffle_questions=False,
        # The answer order must stay hidden even where the assessment does not shuffle options.
        shuffle_options=False,
    )
    for position, (question_type, spec) in enumerate(
        [
            ("ordering", ordering_spec(2)),
            ("ordering", ordering_spec(3)),
            ("matching", matching_spec(distractors=1)),
        ],
        start=1,
    ):
        question = question_create(
            key=f"order-{position}",
            section_id=section.pk,
            content=QuestionContent(type=question_type, spec=spec),
            provenance=Provenance.AUTHORED,
            status=QuestionStatus.READY,
        )
        AssessmentSlot.objects.create(assessment=built, position=position, question=question)
    return built


def _page_order(html: str, texts: list[str], *, question_type: str) -> list[int]:
    """Indices of `texts` in the order the rendered question shows them: ordering items by their
    fields, matching choices by the options of the first menu."""
    if question_type == "matching":
        html = html.split("<select")[1].split("</select>")[0]
        marker = 'value="{}"'
    else:
        marker = '__place__{}"'
    found = {index: html.find(marker.format(option_id(text))) for index, text in enumerate(texts)}
    assert all(position >= 0 for position in found.values()), found
    return sorted(found, key=lambda index: found[index])


def test_attempt_start_freezes_the_librarys_order_and_the_page_shows_it(
    assessment: Assessment, learner: User
) -> None:
    for _ in range(STARTS):
        # when an attempt starts (and is submitted, so the next one starts afresh)
        attempt = attempt_start(learner=learner, assessment=assessment)
        items = attempt_questions_for_page(attempt=attempt)
        shown = questions_for_learner(attempt=attempt, items=items, now=attempt.started_at)

        for item, question in zip(items, shown, strict=True):
            version = item.question_version
            question_type = QUESTION_TYPES[version.type]
            texts = question_type.option_texts(version.spec)
            answer_length = question_type.answer_order_length(version.spec)
            # then the frozen order is the library's draw for the item's seed ...
            assert item.option_order == question_type.draw_option_order(version.spec, item.seed)
            assert not shows_answer_order(item.option_order or [], answer_length)
            # ... and the rendered page shows exactly that order
            html = question_html(item, shown=question.shown)
            assert _page_order(html, texts, question_type=version.type) == item.option_order
        attempt_submit(attempt=attempt)


def test_the_authoring_preview_shows_the_order_the_attempt_froze(
    assessment: Assessment, learner: User
) -> None:
    attempt = attempt_start(learner=learner, assessment=assessment)
    items = attempt_questions_for_page(attempt=attempt)
    shown = questions_for_learner(attempt=attempt, items=items, now=attempt.started_at)

    for item, question in zip(items, shown, strict=True):
        version = item.question_version
        preview = question_render_preview(
            question_type=version.type,
            spec=version.spec,
            seed=item.seed,
            field_name=f"q{item.position}",
            disabled=False,
        )
        texts = QUESTION_TYPES[version.type].option_texts(version.spec)
        page = question_html(item, shown=question.shown)
        assert _page_order(preview, texts, question_type=version.type) == _page_order(
            page, texts, question_type=version.type
        )


def test_markdown_in_matching_and_ordering_renders_in_the_page_and_the_review(
    assessment: Assessment, learner: User
) -> None:
    # given an attempt answered and submitted
    attempt = attempt_start(learner=learner, assessment=assessment)
    for item in attempt_questions_for_page(attempt=attempt):
        spec = item.question_version.spec
        texts = QUESTION_TYPES[item.question_version.type].option_texts(spec)
        response: object = [option_id(text) for text in texts]
        if item.question_version.type == "matching":
            response = {option_id(pair["left"]): option_id(texts[0]) for pair in spec["pairs"]}
        attempt_answer_save(item=ItemForSave.of(item), response=response)
    attempt = attempt_submit(attempt=attempt)
    items = attempt_questions_for_page(attempt=attempt)

    # when its questions and review are rendered
    shown = questions_for_learner(attempt=attempt, items=items, now=attempt.submitted_at)
    pages = [question_html(q.item, shown=q.shown, disabled=True) for q in shown]
    feedback = [feedback_html(q.shown) for q in shown]

    # then the backticks became code, and no backtick is left in any label or option
    assert "<code>-d</code>" in pages[2]
    assert "<code>1</code>" in pages[1]
    assert "`" not in "".join(pages)
    assert "<code>-p</code>" in feedback[2]
    assert "`" not in "".join(feedback)
    # and the menus, which cannot hold markup, name each choice by its letter and plain text
    assert re.search(r'<option value="\w+"[^>]*>A\. ', pages[2])


def test_learner_views_never_show_the_answer_order_for_any_attempt_item(
    assessment: Assessment, learner: User
) -> None:
    attempt = attempt_start(learner=learner, assessment=assessment)

    views = attempt_items_for_learner(attempt=attempt, now=attempt.started_at)

    for view in views:
        question = Question.objects.get(key=f"order-{view.position}")
        spec = question.current_version.spec  # type: ignore[union-attr]
        question_type = QUESTION_TYPES[view.type]
        texts = question_type.option_texts(spec)
        entries = view.view.get("items") or view.view["choices"]
        order = [texts.index(entry["text"]) for entry in entries]
        assert not shows_answer_order(order, question_type.answer_order_length(spec))


@pytest.mark.parametrize("shuffle_options", [True, False])
def test_choice_options_follow_the_assessments_shuffle_setting_through_the_same_rule(
    assessment: Assessment, learner: User, shuffle_options: bool
) -> None:
    # given a choice question added to the assessment
    choice = question_create(
        key="choice",
        section_id=assessment.module.sections.first().pk,  # type: ignore[union-attr]
        content=QuestionContent(
            type="single_choice",
            spec={
                "prompt": "Which command lists running containers?",
                "options": [
                    {"text": f"docker {verb}", "correct": verb == "ps"}
                    for verb in ("ps", "images", "build", "pull")
                ],
                "feedback": FEEDBACK,
            },
        ),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
    )
    AssessmentSlot.objects.create(assessment=assessment, position=4, question=choice)
    assessment.shuffle_options = shuffle_options
    assessment.save()

    # when an attempt starts
    item = attempt_start(learner=learner, assessment=assessment).questions.get(position=4)

    # then its order is the library's draw for its seed, or the authoring order
    spec = item.question_version.spec
    expected = QUESTION_TYPES["single_choice"].draw_option_order(spec, item.seed)
    assert item.option_order == (expected if shuffle_options else None)


def test_markup_in_matching_entries_is_sanitised(db: None) -> None:
    spec = matching_spec(distractors=1)
    spec["pairs"][0]["left"] = "`-d` <img src=x onerror=alert(1)>"
    spec["distractors"] = ["<script>alert(2)</script> **bold**"]

    html = question_render_for_learner(
        question_type="matching", spec=spec, seed=3, option_order=None, field_name="q1"
    )

    assert "<code>-d</code>" in html
    assert "<strong>bold</strong>" in html
    # markup the sanitiser does not allow never becomes an element (it shows as text at most)
    assert "<img" not in html
    assert "<script" not in html


def test_the_authoring_pages_preview_the_librarys_draw_for_the_preview_seed(
    client, instructor: User, assessment: Assessment
) -> None:
    # given the assessment's questions, previewed by an instructor on the detail page and live
    client.force_login(instructor)
    for slot in assessment.slots.select_related("question__current_version"):
        version = slot.question.current_version
        question_type = QUESTION_TYPES[version.type]
        texts = question_type.option_texts(version.spec)

        # when each authoring channel renders it
        detail = client.get(reverse("authoring:question_detail", args=[slot.question.pk]))
        live = client.post(
            reverse("authoring:question_preview"),
            {
                "type": version.type,
                "section": slot.question.section_id,
                "points": version.points,
                "difficulty": version.difficulty,
                "spec": spec_to_yaml(version.spec),
            },
        )

        # then both show the draw an attempt with that seed freezes, never the answer order
        drawn = question_type.draw_option_order(version.spec, PREVIEW_SEED)
        assert detail.status_code == 200
        assert live.status_code == 200, live.content.decode()[:500]
        for response in (detail, live):
            shown = _page_order(response.content.decode(), texts, question_type=version.type)
            assert shown == drawn
            assert not shows_answer_order(shown, question_type.answer_order_length(version.spec))
