"""Drawing an assessment's questions by its blueprint, and checking that a blueprint can be drawn.

Every drawing slot names a section, a type and a weight (points), so every form of an assessment
has the same maximum and the same mix. Which questions a pool holds also depends on the
assessment: the final exam draws only exam-only questions, every other assessment never draws one
(`draws_exam_pool`); that filter is part of the pool query, so no other code has to remember it.
"""

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from assessments.models import (
    Assessment,
    AssessmentSlot,
    Question,
    QuestionStatus,
    QuestionVersion,
)

# (question id, current version id): pools are drawn on ids, and only the drawn versions' specs
# are loaded, since a pool holds many questions and an attempt draws few of them.
type PoolEntry = tuple[int, int]

# A process reuses an assessment's drawing plan (its slots and pools) for this many seconds, so an
# exam start reads only the versions it draws. Each drawn question is checked against the bank in
# that same read, and the attempt is drawn again from a fresh plan if any has changed since: a
# plan never shows a question that is no longer ready, current or in the right pool. A question
# that became ready since is drawn once the plan expires. A new blueprint (a catalogue load saves
# the assessment) takes effect at once: the assessment's updated_at is part of the plan's key.
DRAW_PLAN_SECONDS = 30.0
# How many assessments' plans a process keeps (least recently used dropped first).
DRAW_PLAN_ENTRIES = 256
# How many draws one start makes at most: a kept plan's, then from plans read now, whose draws
# fail only while the bank is being changed under them.
DRAW_TRIES = 3


class BlueprintUnfillable(Exception):
    """The question pool cannot fill the blueprint; the message names the slot and the shortfall."""


@dataclass(frozen=True)
class SlotSignature:
    """What a drawing slot asks for; two slots with the same signature share one pool."""

    section_id: int | None
    question_type: str
    points: Decimal | None
    objective_id: int | None
    tags: tuple[str, ...]

    @classmethod
    def of(cls, slot: AssessmentSlot) -> "SlotSignature":
        return cls(
            section_id=slot.pool_section_id,
            question_type=slot.pool_type,
            points=slot.pool_points,
            objective_id=slot.pool_objective_id,
            tags=tuple(sorted(slot.pool_tags or [])),
        )


def pool_questions(*, assessment: Assessment) -> QuerySet[Question]:
    """The ready questions this assessment may draw: the exam pool for the final exam, every
    other ready question for any other assessment."""
    return Question.objects.filter(
        status=QuestionStatus.READY,
        current_version__isnull=False,
        exam_only=assessment.draws_exam_pool,
    )


def _pool_by_query(assessment: Assessment, signature: SlotSignature) -> list[PoolEntry]:
    """A pool that needs joins (objective, tags), in a query of its own."""
    questions = pool_questions(assessment=assessment)
    if signature.section_id:
        questions = questions.filter(section_id=signature.section_id)
    if signature.question_type:
        questions = questions.filter(current_version__type=signature.question_type)
    if signature.points is not None:
        questions = questions.filter(current_version__points=signature.points)
    if signature.objective_id:
        questions = questions.filter(current_version__objectives__id=signature.objective_id)
    for tag in signature.tags:
        questions = questions.filter(tags__name=tag)
    rows = questions.order_by("pk").distinct().values_list("pk", "current_version_id")
    return [(question_id, version_id) for question_id, version_id in rows if version_id]


def blueprint_pools(
    *, assessment: Assessment, slots: Iterable[AssessmentSlot]
) -> dict[SlotSignature, list[PoolEntry]]:
    """The pool of every drawing slot, by signature. Slots that filter by section, type and
    points only (every slot of the catalogue's blueprints) share one query."""
    signatures = {SlotSignature.of(slot) for slot in slots if slot.question_id is None}
    plain = {s for s in signatures if s.objective_id is None and not s.tags}
    pools = {signature: _pool_by_query(assessment, signature) for signature in signatures - plain}
    if not plain:
        return pools
    questions = pool_questions(assessment=assessment)
    # A slot without a section (only possible for hand-made slots) draws from every section.
    if all(signature.section_id for signature in plain):
        questions = questions.filter(section_id__in={s.section_id for s in plain})
    rows = list(
        questions.order_by("pk").values_list(
            "pk",
            "current_version_id",
            "section_id",
            "current_version__type",
            "current_version__points",
        )
    )
    for signature in plain:
        pools[signature] = [
            (question_id, version_id)
            for question_id, version_id, section_id, question_type, points in rows
            if version_id
            and (not signature.section_id or section_id == signature.section_id)
            and (not signature.question_type or question_type == signature.question_type)
            and (signature.points is None or points == signature.points)
        ]
    return pools


def _slot_name(slot: AssessmentSlot, signature: SlotSignature) -> str:
    if slot.question_id is not None:
        return f"slot {slot.position} (a fixed question)"
    points = "any" if signature.points is None else f"{signature.points.normalize():f}"
    return (
        f"slot {slot.position} ({signature.question_type or 'any type'}, {points} points, "
        f"section {signature.section_id or 'any'})"
    )


def blueprint_shortfalls(*, assessment: Assessment, slots: list[AssessmentSlot]) -> list[str]:
    """Every reason the pool cannot fill the blueprint on every draw; empty when it always can.

    A slot always fills if its pool holds its own draws plus every draw of the other slots whose
    pools share a question with it: whatever they take first, enough is left. Fixed questions
    count as one-question pools, and must themselves be ready and in the right pool.
    """
    pools = blueprint_pools(assessment=assessment, slots=slots)
    drawn: list[tuple[AssessmentSlot, set[int]]] = []
    problems: list[str] = []
    for slot in slots:
        if slot.question_id is None:
            drawn.append((slot, {question for question, _ in pools[SlotSignature.of(slot)]}))
            continue
        fixed = pool_questions(assessment=assessment).filter(pk=slot.question_id).exists()
        if not fixed:
            problems.append(
                f"slot {slot.position}: its fixed question is not a ready question of this "
                "assessment's pool (the exam pool is for the final exam only)"
            )
        drawn.append((slot, {slot.question_id}))
    for slot, pool in drawn:
        competing = sum(
            other.draw_count
            for other, other_pool in drawn
            if other is not slot and other_pool & pool
        )
        needed = slot.draw_count + competing
        if len(pool) < needed:
            problems.append(
                f"{_slot_name(slot, SlotSignature.of(slot))} draws {slot.draw_count}"
                + (f" and shares its pool with slots drawing {competing}" if competing else "")
                + f", but the pool holds {len(pool)} ready question(s) of "
                + ("the exam pool" if assessment.draws_exam_pool else "the practice pool")
            )
    return problems


@dataclass(frozen=True)
class DrawnQuestion:
    slot_position: int
    version: QuestionVersion


@dataclass(frozen=True)
class DrawPlan:
    """What drawing an assessment reads before it draws: its slots, their pools and its fixed
    questions. `cacheable` when every slot's pool is checkable in the versions read (section,
    type and points: no objective or tag filters)."""

    slots: list[AssessmentSlot]
    pools: dict[SlotSignature, list[PoolEntry]]
    fixed: dict[int, Question]
    cacheable: bool
    read_at: float


_plans: OrderedDict[tuple[int, datetime | None], DrawPlan] = OrderedDict()
_plans_lock = threading.Lock()  # gthread workers share a process


def _plan_read(assessment: Assessment) -> DrawPlan:
    slots = list(AssessmentSlot.objects.filter(assessment_id=assessment.pk).order_by("position"))
    if not slots:
        raise BlueprintUnfillable("This assessment has no questions yet.")
    pools = blueprint_pools(assessment=assessment, slots=slots)
    # Fixed questions are rare (the catalogue's blueprints draw): read only when there are some.
    fixed = Question.objects.in_bulk(
        [slot.question_id for slot in slots if slot.question_id is not None]
    )
    return DrawPlan(
        slots=slots,
        pools=pools,
        fixed=fixed,
        cacheable=all(s.objective_id is None and not s.tags for s in pools),
        read_at=time.monotonic(),
    )


def _plan(assessment: Assessment) -> tuple[DrawPlan, bool]:
    """The assessment's drawing plan, and whether it was read now: the process's own if younger
    than DRAW_PLAN_SECONDS, else read now (two queries, three with fixed questions)."""
    key = (assessment.pk, assessment.updated_at)
    with _plans_lock:
        plan = _plans.get(key)
        if plan is not None and time.monotonic() - plan.read_at < DRAW_PLAN_SECONDS:
            _plans.move_to_end(key)
            return plan, False
    return _plan_read_and_keep(assessment), True


def _plan_read_and_keep(assessment: Assessment) -> DrawPlan:
    plan = _plan_read(assessment)
    key = (assessment.pk, assessment.updated_at)
    with _plans_lock:
        if plan.cacheable:
            _plans[key] = plan
            _plans.move_to_end(key)
            while len(_plans) > DRAW_PLAN_ENTRIES:
                _plans.popitem(last=False)
        else:
            _plans.pop(key, None)
    return plan


def _draw_ids(
    assessment: Assessment, plan: DrawPlan, previous: set[int], rng: random.Random
) -> list[tuple[int, int]]:
    """(slot position, version id) of every drawn place, slot by slot."""
    drawn: list[tuple[int, int]] = []
    used: set[int] = set()
    for slot in plan.slots:
        if slot.question_id is not None:
            question = plan.fixed[slot.question_id]
            if (
                question.current_version_id is None
                or question.status != QuestionStatus.READY
                or question.exam_only != assessment.draws_exam_pool
            ):
                raise BlueprintUnfillable(
                    f"The fixed question of slot {slot.position} cannot be shown here."
                )
            drawn.append((slot.position, question.current_version_id))
            used.add(question.pk)
            continue
        pool = [entry for entry in plan.pools[SlotSignature.of(slot)] if entry[0] not in used]
        if len(pool) < slot.draw_count:
            raise BlueprintUnfillable(
                f"Slot {slot.position} draws {slot.draw_count} questions "
                f"but its pool holds {len(pool)}."
            )
        fresh = [entry for entry in pool if entry[0] not in previous]
        stale = [entry for entry in pool if entry[0] in previous]
        rng.shuffle(fresh)
        rng.shuffle(stale)
        for question_id, version_id in (fresh + stale)[: slot.draw_count]:
            drawn.append((slot.position, version_id))
            used.add(question_id)
    return drawn


def _still_drawable(
    assessment: Assessment, slot: AssessmentSlot, version: QuestionVersion | None
) -> bool:
    """Whether a version drawn from a plan is still its question's ready, current version, in
    this assessment's pool and in the slot's section."""
    if version is None:
        return False
    question = version.question
    return (
        question.status == QuestionStatus.READY
        and question.current_version_id == version.pk
        and question.exam_only == assessment.draws_exam_pool
        and (
            slot.question_id is not None
            or not slot.pool_section_id
            or question.section_id == slot.pool_section_id
        )
    )


def _drawn_versions(
    assessment: Assessment, plan: DrawPlan, previous: set[int], rng: random.Random
) -> list[DrawnQuestion] | None:
    """The plan's draw with its versions (one query); None if a drawn question is no longer
    drawable (`_still_drawable`): the bank has changed since the plan was read."""
    drawn = _draw_ids(assessment, plan, previous, rng)
    # What freezing and the learner's first view need (versions are immutable), and the
    # question's state, so the plan is checked without another query.
    versions = (
        QuestionVersion.objects.select_related("question")
        .only(
            "type",
            "spec",
            "points",
            "first_shown_at",
            "question__exam_only",
            "question__section_id",
            "question__status",
            "question__current_version_id",
        )
        .in_bulk([version_id for _, version_id in drawn])
    )
    slots = {slot.position: slot for slot in plan.slots}
    if not all(
        _still_drawable(assessment, slots[position], versions.get(version_id))
        for position, version_id in drawn
    ):
        return None
    return [DrawnQuestion(position, versions[version_id]) for position, version_id in drawn]


def questions_draw(
    *, assessment: Assessment, previous: set[int], rng: random.Random
) -> list[DrawnQuestion]:
    """One question version per drawn place, slot by slot. Avoids the previous attempt's questions
    when a pool has enough others, and never draws a question twice in one attempt. Raises
    BlueprintUnfillable when a pool has run short (the bank changed since the catalogue load).

    One query with a plan in hand (DRAW_PLAN_SECONDS): the drawn versions, with their questions'
    state to check the draw against. A draw from a kept plan that fails (a changed question, a
    pool or fixed question the plan holds as short) is made again from a plan read now; one from
    a plan read now fails only if the bank changes meanwhile, DRAW_TRIES times at most.
    """
    plan, read_now = _plan(assessment)
    for again in range(DRAW_TRIES):
        if again:
            plan, read_now = _plan_read_and_keep(assessment), True
        try:
            drawn = _drawn_versions(assessment, plan, previous, rng)
        except BlueprintUnfillable:
            if read_now:
                raise
            drawn = None
        if drawn is not None:
            return drawn
    raise BlueprintUnfillable("The question bank changed during the draw: start again.")
