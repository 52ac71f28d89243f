"""Saving an answer: the hot path of an exam, where every learner saves every few seconds.

A save is one narrow read (`attempt_question_get_for_save`) and one conditional write, so it costs
little more than authenticating the request.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from assessments.attempt_selectors import ItemForSave
from assessments.models import AttemptQuestion, AttemptStatus, FeedbackPolicy, FinalisedBy
from assessments.question_types import QUESTION_TYPES, ResponseError, instantiate
from assessments.services.attempts import (
    AttemptClosed,
    DeadlinePassed,
    InvalidResponse,
    answer_grade_fields,
    attempt_submit,
)

# A response bigger than this is not an answer to any of our question types.
MAX_RESPONSE_CHARACTERS = 20_000


@dataclass(frozen=True)
class SaveAcknowledgement:
    position: int
    saved_at: datetime
    save_count: int
    seconds_left: int | None


def attempt_answer_save(
    *, item: ItemForSave, response: Any, now: datetime | None = None
) -> SaveAcknowledgement:
    """Save one answer (the last save wins). `item` comes from attempt_question_get_for_save, or
    from ItemForSave.of(an item loaded with its attempt, assessment and question version).

    Refuses answers after the deadline (and finalises the attempt) or after submission. The write
    is one conditional UPDATE that checks the attempt again, so a save racing the deadline or a
    submit cannot slip through (on PostgreSQL it waits for a submit in progress, then refuses).
    """
    now = now or timezone.now()
    attempt = item.attempt
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
    if attempt.is_expired(now):
        attempt_submit(attempt=attempt, now=now, finalised_by=FinalisedBy.DEADLINE)
        raise DeadlinePassed(
            "The time limit has passed; the attempt was submitted without this answer."
        )
    if len(str(response)) > MAX_RESPONSE_CHARACTERS:
        raise InvalidResponse(f"The answer is longer than {MAX_RESPONSE_CHARACTERS} characters.")
    variant, _ = instantiate(item.spec, item.seed)
    try:
        normalised = QUESTION_TYPES[item.question_type].normalise_response(variant, response)
    except ResponseError as error:
        raise InvalidResponse(str(error)) from None
    values: dict[str, Any] = {"response": normalised, "saved_at": now}
    if item.feedback_policy == FeedbackPolicy.IMMEDIATE:
        values |= answer_grade_fields(
            question_type=item.question_type,
            variant=variant,
            max_points=item.max_points,
            response=normalised,
        )
    save_count = _answer_write(item=item, values=values, now=now)
    if save_count is None:
        raise AttemptClosed("This attempt is closed; the answer was not saved.")
    return SaveAcknowledgement(
        position=item.position,
        saved_at=now,
        save_count=save_count,
        seconds_left=attempt.seconds_left(now),
    )


# The write is SQL: a queryset update() cannot return the new count, and it compiles its join
# anew for every save. The attempt is checked in the same statement; on PostgreSQL its row is also
# share-locked: attempt_submit holds it FOR UPDATE while grading, so a save racing a submit waits,
# then finds the attempt closed, instead of changing an answer that was already graded.
_ANSWER_COLUMNS = ("response", "saved_at")
_GRADE_COLUMNS = ("fraction", "points", "feedback")


@functools.cache
def _answer_write_sql(*, graded: bool, vendor: str) -> str:
    columns = _ANSWER_COLUMNS + (_GRADE_COLUMNS if graded else ())
    assignments = ", ".join(f"{column} = %s" for column in columns)
    lock = " FOR KEY SHARE" if vendor == "postgresql" else ""
    # Built from the constants above only: every value is a parameter.
    return (
        f"UPDATE assessments_attemptquestion SET {assignments}, save_count = save_count + 1 "  # noqa: S608
        "WHERE id = %s AND EXISTS (SELECT 1 FROM assessments_attempt WHERE id = %s "
        f"AND status = %s AND (deadline_at IS NULL OR deadline_at > %s){lock}) "
        "RETURNING save_count"
    )


def _answer_write(*, item: ItemForSave, values: dict[str, Any], now: datetime) -> int | None:
    """Writes the answer while the attempt is open; the new save count, or None if it closed."""
    graded = _GRADE_COLUMNS[0] in values
    columns = _ANSWER_COLUMNS + (_GRADE_COLUMNS if graded else ())
    fields = {field.name: field for field in AttemptQuestion._meta.concrete_fields}
    params = [fields[column].get_db_prep_save(values[column], connection) for column in columns]
    params += [
        item.item_id,
        item.attempt.pk,
        AttemptStatus.IN_PROGRESS.value,
        connection.ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_answer_write_sql(graded=graded, vendor=connection.vendor), params)
        row = cursor.fetchone()
    return None if row is None else int(row[0])
