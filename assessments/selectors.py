"""Reads of the question bank for authoring. Learner-facing reads live with attempts."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from assessments.models import (
    EXAM_POOL_KINDS,
    AttemptQuestion,
    Question,
    QuestionStatus,
    QuestionVersion,
)
from quayside.scope import ModuleScope, in_scope


@dataclass(frozen=True)
class QuestionFilter:
    section_id: int | None = None
    objective_id: int | None = None
    type: str | None = None
    status: str | None = None
    tag: str | None = None
    provenance: str | None = None
    text: str | None = None
    # The modules of the courses the instructor teaches (quayside.scope); None: every module.
    module_ids: ModuleScope = None


def question_list(*, filters: QuestionFilter) -> QuerySet[Question]:
    questions = (
        Question.objects.filter(in_scope("section__module", filters.module_ids))
        .select_related("section", "current_version")
        .prefetch_related("tags")
        .annotate(version_count=Count("versions", distinct=True))
    )
    if filters.section_id:
        questions = questions.filter(section_id=filters.section_id)
    if filters.objective_id:
        questions = questions.filter(current_version__objectives__id=filters.objective_id)
    if filters.type:
        questions = questions.filter(current_version__type=filters.type)
    if filters.status:
        questions = questions.filter(status=filters.status)
    if filters.tag:
        questions = questions.filter(tags__name=filters.tag)
    if filters.provenance:
        questions = questions.filter(provenance=filters.provenance)
    if filters.text:
        questions = questions.filter(
            Q(key__icontains=filters.text)
            | Q(current_version__spec__prompt__icontains=filters.text)
        )
    return questions.distinct().order_by("section__position", "key")


def question_get(*, question_id: int) -> Question:
    """Raises Question.DoesNotExist; authoring views reach it only through instructor_required."""
    return (
        Question.objects.select_related("section", "current_version")
        .prefetch_related(
            "tags",
            Prefetch("versions", queryset=QuestionVersion.objects.order_by("-number")),
            "current_version__objectives",
        )
        .get(pk=question_id)
    )


def draft_queue(*, module_ids: ModuleScope = None) -> QuerySet[Question]:
    return question_list(filters=QuestionFilter(status=QuestionStatus.DRAFT, module_ids=module_ids))


def question_ids_in_scope(*, question_ids: list[int], module_ids: ModuleScope) -> list[int]:
    """The ids, of those given, of questions in the instructor's courses."""
    return list(
        Question.objects.filter(in_scope("section__module", module_ids), pk__in=question_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def question_status_counts(*, module_ids: ModuleScope = None) -> dict[str, int]:
    counts = dict.fromkeys(QuestionStatus.values, 0)
    questions = Question.objects.filter(in_scope("section__module", module_ids))
    for row in questions.values("status").annotate(total=Count("id")):
        counts[row["status"]] = row["total"]
    return counts


def question_shown_outside_exam_count(*, question: Question) -> int:
    """How many quiz or practice attempts have shown this question. An exam-pool question that
    learners met before it joined the pool is no secret: authoring warns about it."""
    return (
        AttemptQuestion.objects.filter(question_version__question=question)
        .exclude(attempt__assessment__kind__in=EXAM_POOL_KINDS)
        .values("attempt_id")
        .distinct()
        .count()
    )
