"""Item statistics of an assessment, from its submitted attempts, cached until the next graded
attempt.

Items are question *versions*: a revision is a different item and starts its statistics afresh.
Positions are the assessment's slots: a slot drawing n questions is n positions (the k-th
question an attempt drew from the slot sits in position "slot.k"), as n random slots in Moodle.

The cache holds each report under the assessment's current *generation*, a random token that
the attempt-graded event replaces (`statistics_invalidate_for_attempt`), so a report is never
served after a newer attempt was graded, and no timer decides when it is stale.
"""

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils import timezone

from assessments.models import (
    Assessment,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    GradingMethod,
    QuestionVersion,
)
from assessments.statistics import (
    AttemptSelection,
    ItemInfo,
    ResponseMatrix,
    StatisticsReport,
    statistics_compute,
)
from assessments.statistics.matrix import AttemptInfo, RowValues
from assessments.statistics.question_facts import (
    choice_options,
    choice_response,
    random_guess_score,
)
from practicals import api as practicals_api

# Reports are dropped by generation, not by age; this only bounds what an idle cache keeps.
STATISTICS_CACHE_SECONDS = 7 * 24 * 3600
CACHE_PREFIX = "item-statistics"
# How much of a prompt names an item in tables and charts.
PROMPT_EXCERPT_CHARACTERS = 90

# The report counts, by default, the attempts that the assessment's grading method counts.
SELECTION_FOR_GRADING_METHOD = {
    GradingMethod.HIGHEST: AttemptSelection.BEST,
    GradingMethod.LAST: AttemptSelection.LAST,
    GradingMethod.AVERAGE: AttemptSelection.ALL,
}


@dataclass(frozen=True)
class ItemRef:
    """Where a report's item lives in the bank."""

    question_id: int
    question_key: str
    version_id: int
    version_number: int
    question_type: str
    section_id: int
    prompt: str


@dataclass(frozen=True)
class AssessmentStatistics:
    assessment_id: int
    assessment_slug: str
    assessment_title: str
    module_id: int
    passing_percent: float
    selection: AttemptSelection
    report: StatisticsReport
    # By the report's item name.
    items: dict[str, ItemRef]
    computed_at: datetime


def selection_default(*, assessment: Assessment) -> AttemptSelection:
    return SELECTION_FOR_GRADING_METHOD.get(
        GradingMethod(assessment.grading_method), AttemptSelection.ALL
    )


def item_name(*, question_key: str, version_number: int) -> str:
    return f"{question_key} v{version_number}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= PROMPT_EXCERPT_CHARACTERS:
        return flat
    return flat[: PROMPT_EXCERPT_CHARACTERS - 1].rstrip() + "…"


def _refs(version_ids: Iterable[int]) -> dict[int, tuple[ItemRef, ItemInfo]]:
    versions = QuestionVersion.objects.filter(pk__in=set(version_ids)).select_related("question")
    found = {}
    for version in versions:
        spec = version.spec
        name = item_name(question_key=version.question.key, version_number=version.number)
        ref = ItemRef(
            question_id=version.question_id,
            question_key=version.question.key,
            version_id=version.pk,
            version_number=version.number,
            question_type=version.type,
            section_id=version.question.section_id,
            prompt=_excerpt(str(spec.get("prompt", ""))),
        )
        info = ItemInfo(
            label=name,
            random_guess_score=random_guess_score(question_type=version.type, spec=spec),
            options=choice_options(question_type=version.type, spec=spec),
            question_type=version.type,
        )
        found[version.pk] = (ref, info)
    return found


def assessment_statistics_compute(
    *, assessment: Assessment, selection: AttemptSelection
) -> AssessmentStatistics:
    """The report from the database, uncached: three queries (the submitted attempts, their
    graded answers with marks cast to floats in SQL, the versions answered)."""
    attempts = {
        str(pk): AttemptInfo(learner=str(learner_id), number=number)
        for pk, learner_id, number in Attempt.objects.filter(
            assessment=assessment, status=AttemptStatus.SUBMITTED
        ).values_list("pk", "learner_id", "number")
    }
    rows = list(
        AttemptQuestion.objects.filter(
            attempt__assessment=assessment,
            attempt__status=AttemptStatus.SUBMITTED,
            points__isnull=False,
        )
        .order_by("attempt_id", "slot_position", "position")
        .values_list(
            "attempt_id",
            "question_version_id",
            "slot_position",
            Cast("points", FloatField()),
            Cast("max_points", FloatField()),
            "response",
        )
    )
    refs = _refs({row[1] for row in rows})
    names = {version_id: info.label for version_id, (_, info) in refs.items()}
    types = {version_id: ref.question_type for version_id, (ref, _) in refs.items()}
    drawn: dict[tuple[int, int], int] = {}

    def matrix_rows() -> Iterator[RowValues]:
        for attempt_id, version_id, slot, points, max_points, response in rows:
            # The k-th question an attempt drew from a slot sits in position "slot.k".
            rank = drawn[attempt_id, slot] = drawn.get((attempt_id, slot), 0) + 1
            yield (
                str(attempt_id),
                names[version_id],
                points,
                max_points,
                choice_response(question_type=types[version_id], response=response),
                f"{slot}.{rank}",
            )

    matrix = ResponseMatrix()
    matrix.add_rows(matrix_rows())
    infos = {info.label: info for _, info in refs.values()}
    report = statistics_compute(matrix=matrix, items=infos, attempts=attempts, selection=selection)
    return AssessmentStatistics(
        assessment_id=assessment.pk,
        assessment_slug=assessment.slug,
        assessment_title=assessment.title,
        module_id=assessment.module_id,
        passing_percent=float(assessment.passing_percent),
        selection=selection,
        report=report,
        items={info.label: ref for ref, info in refs.values()},
        computed_at=timezone.now(),
    )


def _generation_key(scope: str, scope_id: int) -> str:
    return f"{CACHE_PREFIX}:generation:{scope}:{scope_id}"


def cache_generation(*, scope: str, scope_id: int) -> str:
    """The scope's current generation; a scope without one gets a fresh one (so a generation
    evicted from the cache can never bring back a report stored under an older one)."""
    key = _generation_key(scope, scope_id)
    cache.add(key, secrets.token_hex(8), timeout=None)
    return str(cache.get(key))


def cache_generation_renew(*, scope: str, scope_id: int) -> None:
    cache.set(_generation_key(scope, scope_id), secrets.token_hex(8), timeout=None)


def assessment_statistics_get(
    *, assessment: Assessment, selection: AttemptSelection | None = None
) -> AssessmentStatistics:
    """The report, from the cache when no attempt has been graded since it was computed."""
    selection = selection or selection_default(assessment=assessment)
    generation = cache_generation(scope="assessment", scope_id=assessment.pk)
    key = f"{CACHE_PREFIX}:report:{assessment.pk}:{selection}:{generation}"
    cached = cache.get(key)
    if isinstance(cached, AssessmentStatistics):
        return cached
    computed = assessment_statistics_compute(assessment=assessment, selection=selection)
    cache.set(key, computed, timeout=STATISTICS_CACHE_SECONDS)
    return computed


def statistics_invalidate_for_attempt(attempt_id: int) -> None:
    """The attempt-graded subscriber: its assessment's and its module's reports are stale."""
    found = (
        Attempt.objects.filter(pk=attempt_id)
        .values_list("assessment_id", "assessment__module_id")
        .first()
    )
    if found is None:
        return
    assessment_id, module_id = found
    cache_generation_renew(scope="assessment", scope_id=assessment_id)
    cache_generation_renew(scope="module", scope_id=module_id)


def statistics_invalidate_for_submission(submission_id: int) -> None:
    """The practical-submission-graded subscriber: its module's course view is stale."""
    module_id = practicals_api.submission_module_id(submission_id=submission_id)
    if module_id is not None:
        cache_generation_renew(scope="module", scope_id=module_id)


def assessments_with_attempts_at(*, question_ids: Iterable[int]) -> list[Assessment]:
    """The assessments whose submitted attempts met any of these questions."""
    assessment_ids = (
        AttemptQuestion.objects.filter(
            question_version__question_id__in=list(question_ids),
            attempt__status=AttemptStatus.SUBMITTED,
        )
        .values_list("attempt__assessment_id", flat=True)
        .distinct()
    )
    return list(Assessment.objects.filter(pk__in=assessment_ids).order_by("pk"))
