"""Announcements other apps subscribe to, without assessments importing them.

A subscriber registers in its AppConfig.ready(); each is called inside the transaction that
grades the attempt, with the attempt's id only. It records its follow-up work in that transaction
(so it is kept exactly when the grade is) and sends messages only after the commit
(`quayside.enqueue.enqueue_after_commit`).
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

AttemptGradedSubscriber = Callable[[int], None]
_attempt_graded_subscribers: list[AttemptGradedSubscriber] = []


def subscribe_attempt_graded(subscriber: AttemptGradedSubscriber) -> None:
    if subscriber not in _attempt_graded_subscribers:
        _attempt_graded_subscribers.append(subscriber)


def attempt_graded(*, attempt_id: int) -> None:
    for subscriber in list(_attempt_graded_subscribers):
        subscriber(attempt_id)
