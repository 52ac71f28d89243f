"""quayside.announcements: subscribers hear each announcement once, at its moment, and one that
fails neither undoes the change nor silences the others."""

import logging
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from assessments.models import Attempt, AttemptStatus
from assessments.services.attempts import attempt_start, attempt_submit
from certificates import subscriptions as certificate_subscriptions
from certificates.models import Certificate, CertificationProgram, PendingEvaluation
from certificates.services.issuance import certificate_issue_manual
from lms import subscriptions as lms_subscriptions
from lti import subscriptions as lti_subscriptions
from quayside import announcements
from quayside.announcements import Subscriber, Topic
from tests.factories import ModuleFactory, SectionFactory, assessment_build, question_build


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


def _broken(**kwargs: object) -> None:
    raise RuntimeError("reaction broken")


@pytest.mark.django_db(transaction=True)
def test_the_lms_and_lti_reactions_failing_leave_the_grade_and_the_certificates_reaction(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, learner: User
) -> None:
    # given: the webhook and LTI reactions to a graded attempt fail (no handler of their own)
    monkeypatch.setattr(lms_subscriptions, "attempt_owner", _broken)
    monkeypatch.setattr(lti_subscriptions, "attempt_owner", _broken)
    section = SectionFactory(module=ModuleFactory())
    question = question_build(
        section=section,
        question_type="true_false",
        spec={
            "prompt": "Containers share the host's kernel.",
            "answer": True,
            "feedback": "Section 1: Containers vs Virtual Machines.",
        },
    )
    attempt = attempt_start(
        learner=learner, assessment=assessment_build(section=section, questions=[question])
    )

    # when the attempt is graded (the service publishes inside its transaction)
    with caplog.at_level(logging.ERROR, logger="quayside.announcements"):
        attempt_submit(attempt=attempt)

    # then: the grade and the certificates app's reaction committed; each failure was logged
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.SUBMITTED
    assert PendingEvaluation.objects.filter(learner=learner).exists()
    assert f"lms.subscriptions.on_attempt_graded failed for {attempt.pk}" in caplog.text
    assert f"lti.subscriptions.on_attempt_graded failed for {attempt.pk}" in caplog.text


@pytest.mark.django_db
def test_the_lms_and_lti_reactions_failing_after_a_certificate_commits_are_logged(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
    learner: User,
    instructor: User,
) -> None:
    settings.CERTIFICATE_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(lms_subscriptions, "certificate_change_get", _broken)
    monkeypatch.setattr(lti_subscriptions, "certificate_result", _broken)
    program = CertificationProgram.objects.create(
        slug="docker", title="Docker", module=ModuleFactory(), description="D.", final_exam_slug="x"
    )

    with (
        caplog.at_level(logging.ERROR, logger="quayside.announcements"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        certificate = certificate_issue_manual(
            program=program, learner=learner, instructor=instructor, reason="Proven at work."
        )

    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert f"lms.subscriptions.on_certificate_issued failed for {certificate.pk}" in caplog.text
    assert f"lti.subscriptions.on_certificate_changed failed for {certificate.pk}" in caplog.text
