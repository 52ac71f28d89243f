"""Announcements: one app says what happened (an id), others react, and neither imports the other.

The publishing app imports only this module; a subscribing app registers its reaction in its
AppConfig.ready(). So grading never imports certificates, LTI or webhooks, and the import cycles
that function-local imports used to hide do not exist.

There are two moments to announce at, one per topic (see `Topic`):

- `publish` runs inside the transaction that made the change (a grade). Each subscriber records its
  follow-up work there, so that work is kept exactly when the change is. Each runs in its own
  savepoint: a subscriber that fails is rolled back alone and logged, and the change and the other
  subscribers' work still commit.
- `publish_after_commit` runs each subscriber once the transaction has committed (at once outside
  one), each in its own robust on-commit hook, so one that fails does not stop the others.

A subscriber sends Celery messages only through `quayside.enqueue.enqueue_after_commit`.
"""

import logging
from collections.abc import Callable
from enum import StrEnum
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


class Topic(StrEnum):
    """What can be announced; the subject is the id named beside each."""

    # Attempt id; published inside the transaction that grades the attempt.
    ATTEMPT_GRADED = "attempt_graded"
    # Submission id; published inside the transaction that stores a grading run.
    SUBMISSION_GRADED = "submission_graded"
    # Certificate id; published after the issuing (or reissuing) transaction commits.
    CERTIFICATE_ISSUED = "certificate_issued"
    # Certificate id; published after the revoking transaction commits.
    CERTIFICATE_REVOKED = "certificate_revoked"
    # User id; published after the rename commits.
    DISPLAY_NAME_CHANGED = "display_name_changed"


Subscriber = Callable[[int], None]
_subscribers: dict[Topic, list[Subscriber]] = {topic: [] for topic in Topic}


def subscribe(topic: Topic, subscriber: Subscriber) -> None:
    """Call `subscriber(subject_id)` on every announcement of `topic`. Idempotent (ready() may
    run twice in tests)."""
    if subscriber not in _subscribers[topic]:
        _subscribers[topic].append(subscriber)


def unsubscribe(topic: Topic, subscriber: Subscriber) -> None:
    if subscriber in _subscribers[topic]:
        _subscribers[topic].remove(subscriber)


def subscribers_of(topic: Topic) -> list[Subscriber]:
    return list(_subscribers[topic])


def publish(topic: Topic, subject_id: int) -> None:
    """Run every subscriber now, inside the caller's transaction, each in its own savepoint.

    A failing subscriber is logged and its work rolled back; it never fails the caller.
    """
    for subscriber in subscribers_of(topic):
        try:
            with transaction.atomic():
                subscriber(subject_id)
        except Exception:  # the change stands: one reaction must not undo it or the others
            logger.exception("%s subscriber %s failed for %s", topic, _name(subscriber), subject_id)


def publish_after_commit(topic: Topic, subject_id: int) -> None:
    """Run every subscriber after the current transaction commits (at once outside one).

    Each runs in its own robust on-commit hook: a failure is logged and the others still run.
    """
    for subscriber in subscribers_of(topic):
        transaction.on_commit(partial(_run_logged, topic, subscriber, subject_id), robust=True)


def _run_logged(topic: Topic, subscriber: Subscriber, subject_id: int) -> None:
    try:
        subscriber(subject_id)
    except Exception:  # committed already: log with the topic, the next hook still runs
        logger.exception("%s subscriber %s failed for %s", topic, _name(subscriber), subject_id)


def _name(subscriber: Subscriber) -> str:
    return f"{getattr(subscriber, '__module__', '?')}.{getattr(subscriber, '__qualname__', '?')}"
