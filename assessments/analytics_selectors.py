"""Reads behind the instructors' analytics pages: which assessments have results, a course's
mastery grid, and a question's statistics across its versions. Cached like the item statistics
(by a generation that a graded attempt or practical submission replaces)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.attempt_selectors import mastery_for_learner
from assessments.models import Assessment, AttemptStatus, Question
from assessments.statistics import ItemStatistics
from assessments.statistics.flags import ItemFlag
from assessments.statistics_selectors import (
    CACHE_PREFIX,
    STATISTICS_CACHE_SECONDS,
    AssessmentStatistics,
    assessment_statistics_get,
    assessments_with_attempts_at,
    cache_generation,
)
from courses import api as courses_api
from practicals import api as practicals_api
from quayside.scope import ModuleScope, in_scope


@dataclass(frozen=True)
class AssessmentWithResults:
    assessment: Assessment
    submitted: int
    learners: int


def assessments_for_analytics(*, module_ids: ModuleScope = None) -> list[AssessmentWithResults]:
    """Every assessment in scope (the courses an instructor teaches) with its number of
    submitted attempts and of learners who made them."""
    submitted = Q(attempts__status=AttemptStatus.SUBMITTED)
    in_courses = Assessment.objects.filter(in_scope("module", module_ids))
    rows = in_courses.select_related("module__course", "section").annotate(
        submitted=Count("attempts", filter=submitted),
        learners=Count("attempts__learner", filter=submitted, distinct=True),
    )
    return [
        AssessmentWithResults(assessment=row, submitted=row.submitted, learners=row.learners)
        for row in rows
    ]


@dataclass(frozen=True)
class MasteryGrid:
    module: courses_api.ModuleData
    sections: list[courses_api.SectionData]
    # (learner's name, mastery % per section in `sections` order, None where unseen)
    rows: list[tuple[str, list[int | None]]]
    tasks: list[practicals_api.TaskCheckFailures]
    section_urls: dict[str, str]


def _section_url(section: courses_api.SectionData) -> str:
    return reverse(
        "courses:section",
        kwargs={
            "course_slug": section.course_slug,
            "module_slug": section.module_slug,
            "section_slug": section.slug,
        },
    )


def _grid_compute(module: courses_api.ModuleData) -> MasteryGrid:
    sections = courses_api.section_list_for_module(module_id=module.id)
    learners = User.objects.filter(
        attempts__assessment__module_id=module.id, attempts__status=AttemptStatus.SUBMITTED
    ).distinct()
    now = timezone.now()
    rows = []
    for learner in learners.order_by("display_name", "email"):
        mastery = mastery_for_learner(learner=learner, now=now, module_ids=frozenset({module.id}))
        by_section = {line.id: line.percent for line in mastery.sections}
        rows.append(
            (
                learner.display_name or learner.email,
                [by_section.get(section.id) for section in sections],
            )
        )
    return MasteryGrid(
        module=module,
        sections=sections,
        rows=rows,
        tasks=practicals_api.check_failure_rates(module_id=module.id),
        section_urls={section.slug: _section_url(section) for section in sections},
    )


def mastery_grid_get(*, module: courses_api.ModuleData) -> MasteryGrid:
    """Mastery per learner and section (the learners' own mastery rule: their latest graded
    answer to each question, from grades they may see) and the practical checks' failure
    rates; cached until an attempt or a submission in the module is graded."""
    generation = cache_generation(scope="module", scope_id=module.id)
    key = f"{CACHE_PREFIX}:grid:{module.id}:{generation}"
    cached = cache.get(key)
    if isinstance(cached, MasteryGrid):
        return cached
    grid = _grid_compute(module)
    cache.set(key, grid, timeout=STATISTICS_CACHE_SECONDS)
    return grid


@dataclass(frozen=True)
class VersionStatistics:
    version_number: int
    is_current: bool
    assessment: AssessmentStatistics
    item: ItemStatistics


def question_statistics_by_version(*, question: Question) -> list[VersionStatistics]:
    """The question's item statistics in every assessment that met it, one row per version and
    assessment, newest version first (a version's statistics are its own)."""
    found = []
    for assessment in assessments_with_attempts_at(question_ids=[question.pk]):
        statistics = assessment_statistics_get(assessment=assessment)
        for item in statistics.report.items:
            ref = statistics.items.get(item.item)
            if ref is None or ref.question_id != question.pk:
                continue
            found.append(
                VersionStatistics(
                    version_number=ref.version_number,
                    is_current=ref.version_id == question.current_version_id,
                    assessment=statistics,
                    item=item,
                )
            )
    return sorted(found, key=lambda row: (-row.version_number, row.assessment.assessment_slug))


def pooled_facility(rows: list[VersionStatistics]) -> float | None:
    """The current version's facility over all its assessments, weighted by attempts."""
    current = [row for row in rows if row.is_current and row.item.facility is not None]
    attempts = sum(row.item.attempts for row in current)
    if not attempts:
        return None
    return sum((row.item.facility or 0) * row.item.attempts for row in current) / attempts


def question_flags(*, question_ids: list[int]) -> dict[int, list[ItemFlag]]:
    """Flags of each question's current version, over the assessments that met it (from the
    cached reports), for the authoring list."""
    flags: dict[int, list[ItemFlag]] = {}
    current = dict(
        Question.objects.filter(pk__in=question_ids).values_list("pk", "current_version_id")
    )
    for assessment in assessments_with_attempts_at(question_ids=question_ids):
        statistics = assessment_statistics_get(assessment=assessment)
        for item in statistics.report.items:
            ref = statistics.items.get(item.item)
            if ref is None or current.get(ref.question_id) != ref.version_id:
                continue
            held = flags.setdefault(ref.question_id, [])
            held.extend(flag for flag in item.flags if flag not in held)
    return flags
