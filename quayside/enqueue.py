"""The one robust after-commit enqueue: every Celery message a service sends goes through here.

A message is sent only once the current transaction commits (never from inside it, so a worker
never looks for a row that is not there yet). If the broker is down at that moment the send is
logged and dropped: the database already holds what the job needs (a queued submission, a
pending certificate evaluation), and a periodic sweeper sends the message again. The learner's
request therefore succeeds whenever its transaction did, and the transaction's other after-commit
hooks still run (`robust=True`).
"""

import logging
from functools import partial

from celery import Task
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a failed publish raises: kombu wraps most broker errors, but a Redis transport can let its
# own (or a socket's) through before the wrap.
BROKER_ERRORS: tuple[type[Exception], ...] = (KombuError, RedisError, OSError)


def enqueue_after_commit(task: Task, *ids: int) -> None:
    """Send `task(*ids)` after the current transaction commits (at once outside one).

    Never raises for a broker fault: it is logged, and the task's sweeper recovers the job from
    the database. Tasks take ids only (never model instances).
    """
    transaction.on_commit(partial(send_now, task, *ids), robust=True)


def send_now(task: Task, *ids: int) -> bool:
    """Publish `task(*ids)` now; False (logged) if the broker could not take it."""
    try:
        task.delay(*ids)
    except BROKER_ERRORS as error:
        logger.warning(
            "broker unavailable, %s%s not sent (its sweeper will resend it): %s",
            task.name,
            ids,
            error,
        )
        return False
    return True
