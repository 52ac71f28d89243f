"""Saving and checking answers: the hot path of an exam, where every learner saves every few
seconds.

A save is one narrow read (`attempt_question_get_for_save`) and one conditional write, so it costs
little more than authenticating the request. Under immediate feedback (practice), checking an
answer grades it and locks it: this module is the one home of that rule.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from assessments.models import AttemptQuestion, AttemptStatus, FeedbackPolicy, FinalisedBy
from assessments.question_types import QUESTION_TYPES, ResponseError, instantiate
from assessments.selectors.attempts import ItemForSave
from assessments.services.attempts import (
    AnswerLocked,
    AttemptClosed,
    CheckUnavailable,
    DeadlinePassed,
    InvalidResponse,
    QuestionWithdrawn,
    answer_grade_fields,
    attempt_submit,
)

# The longest answer any channel accepts (portal, API, LMS): a response bigger than this is not
# an answer to any of our question types (a Dockerfile with its .dockerignore fits many times).
MAX_RESPONSE_CHARACTERS = 20_000


@dataclass(frozen=True)
class SaveAcknowledgement:
    position: int
    saved_at: datetime
    save_count: int
    seconds_left: int | None
    checked: bool = False


def attempt_answer_save(
    *, item: ItemForSave, response: Any, now: datetime | None = None
) -> SaveAcknowledgement:
    """Save one answer (the last save wins). `item` comes from attempt_question_get_for_save, or
    from ItemForSave.of(an item loaded with its attempt, assessment and question version).

    A save never grades: under immediate feedback, `attempt_answer_check` does, once. Refuses
    answers after the deadline (and finalises the attempt), after submission, to a checked
    (locked) answer and to a question withdrawn into the exam pool. The write is one conditional
    UPDATE that checks the attempt and the lock again, so a save racing the deadline, a submit
    or a check cannot slip through (on PostgreSQL it waits for a submit in progress, then
    refuses).
    """
    now = now or timezone.now()
    _refuse_unless_answerable(item=item, now=now)
    _, normalised = _normalised(item=item, response=response)
    save_count = _answer_write(item=item, values={"response": normalised, "saved_at": now}, now=now)
    return SaveAcknowledgement(
        position=item.position,
        saved_at=now,
        save_count=save_count,
        seconds_left=item.attempt.seconds_left(now),
    )


def attempt_answer_check(
    *, item: ItemForSave, response: Any, now: datetime | None = None
) -> SaveAcknowledgement:
    """Immediate feedback: save the answer, grade it and lock it (Moodle's interactive mode with
    one try). A checked answer never changes again in this attempt, so feedback cannot be
    harvested by trying every option; the learner reads its grade through the attempt reads.

    Raises CheckUnavailable unless the assessment gives immediate feedback, AnswerLocked for an
    answer already checked, and whatever `attempt_answer_save` refuses.
    """
    now = now or timezone.now()
    if item.feedback_policy != FeedbackPolicy.IMMEDIATE:
        raise CheckUnavailable(
            "This assessment gives feedback after submission: answers are graded when you submit."
        )
    _refuse_unless_answerable(item=item, now=now)
    variant, normalised = _normalised(item=item, response=response)
    values: dict[str, Any] = {"response": normalised, "saved_at": now, "checked_at": now}
    values |= answer_grade_fields(
        question_type=item.question_type,
        variant=variant,
        max_points=item.max_points,
        response=normalised,
    )
    save_count = _answer_write(item=item, values=values, now=now)
    return SaveAcknowledgement(
        position=item.position,
        saved_at=now,
        save_count=save_count,
        seconds_left=item.attempt.seconds_left(now),
        checked=True,
    )


def _refuse_unless_answerable(*, item: ItemForSave, now: datetime) -> None:
    attempt = item.attempt
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
    if attempt.is_expired(now):
        attempt_submit(attempt=attempt, now=now, finalised_by=FinalisedBy.DEADLINE)
        raise DeadlinePassed(
            "The time limit has passed; the attempt was submitted without this answer."
        )
    if item.withheld:
        raise QuestionWithdrawn(
            "This question has moved to the final exam's pool and can no longer be answered here."
        )
    if item.checked:
        raise AnswerLocked(_LOCKED_MESSAGE)


_LOCKED_MESSAGE = "You checked this answer: it is graded and can no longer change."


def response_length_check(response: Any) -> None:
    """Raise InvalidResponse for a response longer than MAX_RESPONSE_CHARACTERS (as text): the
    one check every channel makes, the API before it parses further, every save again."""
    if len(str(response)) > MAX_RESPONSE_CHARACTERS:
        raise InvalidResponse(f"The answer is longer than {MAX_RESPONSE_CHARACTERS} characters.")


def _normalised(*, item: ItemForSave, response: Any) -> tuple[dict[str, Any], Any]:
    response_length_check(response)
    variant, _ = instantiate(item.spec, item.seed)
    try:
        return variant, QUESTION_TYPES[item.question_type].normalise_response(variant, response)
    except ResponseError as error:
        raise InvalidResponse(str(error)) from None


# The write is SQL: a queryset update() cannot return the new count, and it compiles its join
# anew for every save. The attempt is checked in the same statement; on PostgreSQL its row is also
# share-locked: attempt_submit holds it FOR UPDATE while grading, so a save racing a submit waits,
# then finds the attempt closed, instead of changing an answer that was already graded. The lock
# of a checked answer is part of the same condition (`checked_at IS NULL`).
_ANSWER_COLUMNS = ("response", "saved_at")
_CHECK_COLUMNS = ("checked_at", "fraction", "points", "feedback")


@functools.cache
def _answer_write_sql(*, checks: bool, vendor: str) -> str:
    columns = _ANSWER_COLUMNS + (_CHECK_COLUMNS if checks else ())
    assignments = ", ".join(f"{column} = %s" for column in columns)
    lock = " FOR KEY SHARE" if vendor == "postgresql" else ""
    # Built from the constants above only: every value is a parameter.
    return (
        f"UPDATE assessments_attemptquestion SET {assignments}, save_count = save_count + 1 "  # noqa: S608
        "WHERE id = %s AND checked_at IS NULL "
        "AND EXISTS (SELECT 1 FROM assessments_attempt WHERE id = %s "
        f"AND status = %s AND (deadline_at IS NULL OR deadline_at > %s){lock}) "
        "RETURNING save_count"
    )


def _answer_write(*, item: ItemForSave, values: dict[str, Any], now: datetime) -> int:
    """Writes the answer while the attempt is open and the answer unchecked; the new save count.
    Raises AnswerLocked or AttemptClosed when the condition no longer holds."""
    checks = _CHECK_COLUMNS[0] in values
    columns = _ANSWER_COLUMNS + (_CHECK_COLUMNS if checks else ())
    fields = {field.name: field for field in AttemptQuestion._meta.concrete_fields}
    params = [fields[column].get_db_prep_save(values[column], connection) for column in columns]
    params += [
        item.item_id,
        item.attempt.pk,
        AttemptStatus.IN_PROGRESS.value,
        connection.ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_answer_write_sql(checks=checks, vendor=connection.vendor), params)
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    if AttemptQuestion.objects.filter(pk=item.item_id, checked_at__isnull=False).exists():
        raise AnswerLocked(_LOCKED_MESSAGE)
    raise AttemptClosed("This attempt is closed; the answer was not saved.")
