"""The one robust way to enqueue a Celery task once the current transaction commits.

The row the task works on is committed first and is the source of truth; the message is only a
nudge. So a broker outage at enqueue time is logged and swallowed here, never turned into a 500
for a request whose work is already committed: a sweeper finds the row and enqueues it again.
"""

import logging
from typing import Any, Protocol

from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What a broker outage raises from `delay()`: kombu's errors, or a socket's.
BROKER_ERRORS = (KombuError, OSError)


class Enqueueable(Protocol):
    name: str

    def delay(self, *args: Any) -> Any: ...


def enqueue_after_commit(task: Enqueueable, *args: int | str) -> None:
    """Send `task(*args)` after the commit (at once outside a transaction); log broker errors."""

    def send() -> None:
        enqueue_now(task, *args)

    transaction.on_commit(send)


def enqueue_now(task: Enqueueable, *args: int | str) -> bool:
    """Send `task(*args)` now; False (and a logged error) when the broker cannot take it."""
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.exception("could not enqueue %s%r; the sweeper will pick it up", task.name, args)
        return False
    return True
