"""quayside.announcements: subscribers hear each announcement once, at its moment, and one that
fails neither undoes the change nor silences the others."""

import logging
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from certificates import subscriptions as certificate_subscriptions
from lms import subscriptions as lms_subscriptions
from lti import subscriptions as lti_subscriptions
from quayside import announcements
from quayside.announcements import Subscriber, Topic


@pytest.fixture
def subscribed() -> Iterator[list[tuple[Topic, Subscriber]]]:
    """Subscriptions a test adds; removed afterwards so no other test hears them."""
    added: list[tuple[Topic, Subscriber]] = []
    yield added
    for topic, subscriber in added:
        announcements.unsubscribe(topic, subscriber)


def _subscribe(added: list[tuple[Topic, Subscriber]], topic: Topic, subscriber: Subscriber) -> None:
    announcements.subscribe(topic, subscriber)
    added.append((topic, subscriber))


def _user_creator(email: str) -> Subscriber:
    def create(subject_id: int) -> None:
        User.objects.create_user(email=email, password="x" * 12, display_name=str(subject_id))

    return create


def test_the_apps_subscribe_their_reactions_when_django_starts() -> None:
    graded = announcements.subscribers_of(Topic.ATTEMPT_GRADED)
    assert certificate_subscriptions.on_attempt_graded in graded
    assert lms_subscriptions.on_attempt_graded in graded
    assert lti_subscriptions.on_attempt_graded in graded
    assert lti_subscriptions.on_submission_graded in announcements.subscribers_of(
        Topic.SUBMISSION_GRADED
    )
    assert lms_subscriptions.on_certificate_revoked in announcements.subscribers_of(
        Topic.CERTIFICATE_REVOKED
    )
    assert certificate_subscriptions.on_display_name_changed in announcements.subscribers_of(
        Topic.DISPLAY_NAME_CHANGED
    )


@pytest.mark.django_db
def test_subscribing_twice_is_hearing_once(subscribed) -> None:
    heard: list[int] = []
    _subscribe(subscribed, Topic.ATTEMPT_GRADED, heard.append)
    _subscribe(subscribed, Topic.ATTEMPT_GRADED, heard.append)

    # No such attempt: the apps' own subscribers find nothing to do.
    announcements.publish(Topic.ATTEMPT_GRADED, 999_999)

    assert heard == [999_999]


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_is_rolled_back_alone_and_the_change_commits(
    subscribed, caplog
) -> None:
    # given: three subscribers in order; the middle one writes a row, then fails
    def write_then_fail(subject_id: int) -> None:
        _user_creator("failing@example.org")(subject_id)
        raise RuntimeError("boom")

    _subscribe(subscribed, Topic.ATTEMPT_GRADED, _user_creator("first@example.org"))
    _subscribe(subscribed, Topic.ATTEMPT_GRADED, write_then_fail)
    _subscribe(subscribed, Topic.ATTEMPT_GRADED, _user_creator("last@example.org"))

    # when: announced inside the transaction that makes the change
    with caplog.at_level(logging.ERROR, logger="quayside.announcements"), transaction.atomic():
        User.objects.create_user(email="change@example.org", password="x" * 12)
        announcements.publish(Topic.ATTEMPT_GRADED, 42)

    # then
    emails = set(User.objects.values_list("email", flat=True))
    assert {"change@example.org", "first@example.org", "last@example.org"} <= emails
    assert "failing@example.org" not in emails
    assert "write_then_fail failed for 42" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_subscriber_that_breaks_the_database_does_not_abort_the_transaction(
    subscribed,
) -> None:
    _subscribe(subscribed, Topic.SUBMISSION_GRADED, _user_creator("twin@example.org"))
    # The second insert of the same email violates the unique constraint inside the savepoint.
    _subscribe(subscribed, Topic.SUBMISSION_GRADED, _user_creator("TWIN@example.org"))
    _subscribe(subscribed, Topic.SUBMISSION_GRADED, _user_creator("after@example.org"))

    with transaction.atomic():
        announcements.publish(Topic.SUBMISSION_GRADED, 1)
        User.objects.create_user(email="change@example.org", password="x" * 12)

    emails = set(User.objects.values_list("email", flat=True))
    assert emails >= {"twin@example.org", "after@example.org", "change@example.org"}
    with pytest.raises(IntegrityError):
        _user_creator("twin@example.org")(2)


@pytest.mark.django_db
def test_after_commit_subscribers_run_only_once_the_transaction_commits(
    subscribed, django_capture_on_commit_callbacks, caplog
) -> None:
    heard: list[int] = []

    def fail(subject_id: int) -> None:
        raise RuntimeError("webhook down")

    _subscribe(subscribed, Topic.CERTIFICATE_ISSUED, fail)
    _subscribe(subscribed, Topic.CERTIFICATE_ISSUED, heard.append)

    with (
        caplog.at_level(logging.ERROR, logger="quayside.announcements"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        announcements.publish_after_commit(Topic.CERTIFICATE_ISSUED, 5)
        assert heard == []  # not before the commit

    # One hook per subscriber (the apps' own ones too).
    assert len(callbacks) == len(announcements.subscribers_of(Topic.CERTIFICATE_ISSUED))
    assert heard == [5]  # the failing subscriber before it did not silence it
    assert "fail failed for 5" in caplog.text


@pytest.mark.django_db
def test_an_after_commit_announcement_is_dropped_with_a_rolled_back_transaction(
    subscribed, django_capture_on_commit_callbacks
) -> None:
    heard: list[int] = []
    _subscribe(subscribed, Topic.CERTIFICATE_REVOKED, heard.append)

    def revoke_then_fail() -> None:
        with transaction.atomic():
            announcements.publish_after_commit(Topic.CERTIFICATE_REVOKED, 9)
            raise RuntimeError("the revocation failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        revoke_then_fail()

    assert callbacks == []
    assert heard == []
