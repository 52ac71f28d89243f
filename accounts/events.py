"""Announcements about accounts that other apps subscribe to (in their AppConfig.ready())."""

from collections.abc import Callable

DisplayNameChangedSubscriber = Callable[[int], None]
_display_name_subscribers: list[DisplayNameChangedSubscriber] = []


def subscribe_display_name_changed(subscriber: DisplayNameChangedSubscriber) -> None:
    if subscriber not in _display_name_subscribers:
        _display_name_subscribers.append(subscriber)


def display_name_changed(*, user_id: int) -> None:
    for subscriber in list(_display_name_subscribers):
        subscriber(user_id)
