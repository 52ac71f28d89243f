"""Announcements about certificates that other apps subscribe to (in their AppConfig.ready()).

Each subscriber is called after the transaction that issued or revoked the certificate has
committed, with the certificate's id and what happened (`ISSUED` or `REVOKED`).
"""

from collections.abc import Callable
from typing import Final

ISSUED: Final = "issued"
REVOKED: Final = "revoked"

CertificateChangedSubscriber = Callable[[int, str], None]
_subscribers: list[CertificateChangedSubscriber] = []


def subscribe_certificate_changed(subscriber: CertificateChangedSubscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def certificate_changed(*, certificate_id: int, change: str) -> None:
    for subscriber in list(_subscribers):
        subscriber(certificate_id, change)
