"""Announcements other apps subscribe to, without assessments importing them.

A subscriber registers in its AppConfig.ready(); each is called after the transaction that
graded the attempt has committed, with the attempt's id only (tasks take ids, never models).
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
