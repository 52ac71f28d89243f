"""Deep linking, then launch -> exam -> grade returned -> certificate, driven by the platform."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from assessments.models import Assessment, Attempt
from certificates.models import Certificate, CertificationProgram
from certificates.services.issuance import certificate_revoke
from lti.models import DeliveryStatus, GradeDelivery
from tests.lti.conftest import Browser, lti_user
from tests.lti.platform import INSTRUCTOR, FakePlatform, PendingLaunch, form_in

pytestmark = pytest.mark.django_db


def deep_link(platform: FakePlatform, person: Browser, teacher: Any, target: str) -> dict:
    """The instructor adds one Quayside item through the LMS's content picker."""
    picker = person.launch(
        PendingLaunch(
            member=teacher, resource_link_id=None, custom={}, deep_link=True, lineitem_id=None
        )
    )
    assert picker.status_code == 200
    assert f'value="{target}"' in picker.content.decode()
    answer = person.post_page("/lti/deep-link/", {"target": target})
    assert answer.status_code == 200
    form = form_in(answer.content.decode())
    assert form.action == platform.url("/deep-link-return")
    # the page posts itself to the LMS, which the site's CSP names as the one form target
    directives = [part.strip() for part in answer["Content-Security-Policy"].split(";")]
    assert f"form-action 'self' {platform.base_url}" in directives
    assert "script-src 'self'" in directives
    before = len(platform.content_items)
    platform.deep_link_return(form.fields["JWT"])
    return platform.content_items[before]


def place(platform: FakePlatform, item: dict, resource_link_id: str) -> PendingLaunch:
    """What the LMS does with a content item: a placement, and its gradebook column."""
    lineitem_id = platform.lineitem_create(
        item["lineItem"]["label"], resource_link_id, item["lineItem"].get("resourceId", "")
    )
    return PendingLaunch(
        member=None,
        resource_link_id=resource_link_id,
        custom=item["custom"],
        deep_link=False,
        lineitem_id=lineitem_id,
    )


def take_exam(person: Browser, exam: Assessment, answer: str, capture: Any) -> Attempt:
    started = person.post_page(f"/learn/assessments/{exam.slug}/start/")
    assert started.status_code == 302
    attempt = Attempt.objects.filter(assessment=exam).latest("pk")
    for position in range(1, 4):
        saved = person.post_page(
            f"/learn/attempts/{attempt.pk}/questions/{position}/save/", {f"q{position}": answer}
        )
        assert saved.status_code in {200, 302}
    with capture(execute=True):
        submitted = person.post_page(f"/learn/attempts/{attempt.pk}/submit/")
    assert submitted.status_code == 302
    return attempt


def test_launch_exam_grade_and_certificate_go_round_the_platform(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    program: CertificationProgram,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given an instructor who places the final exam and the certification program
    teacher = platform.enrol("teacher-1", "Grace Hopper", "grace@lms.example.edu", [INSTRUCTOR])
    instructor = browser()
    exam_item = deep_link(platform, instructor, teacher, f"assessment:{final_exam.slug}")
    program_item = deep_link(platform, instructor, teacher, f"certification_program:{program.slug}")
    assert exam_item["custom"] == {"quayside_target": f"assessment:{final_exam.slug}"}
    assert exam_item["lineItem"]["scoreMaximum"] == 100
    exam_placement = place(platform, exam_item, "rl-exam")
    program_placement = place(platform, program_item, "rl-program")
    for placement in (exam_placement, program_placement):
        placement.member = teacher
        assert instructor.launch(placement).status_code == 302

    # when a learner launches the exam from the LMS and passes it
    learner_member = platform.enrol("learner-1", "Ada Lovelace", "ada@lms.example.edu")
    exam_placement.member = learner_member
    learner = browser()
    landing = learner.launch(exam_placement)
    assert landing["Location"] == f"/learn/assessments/{final_exam.slug}/"
    take_exam(learner, final_exam, "true", django_capture_on_commit_callbacks)

    # then the platform received the exam score and the certificate, each exactly once
    exam_scores = platform.scores[exam_placement.lineitem_id or ""]
    assert [(s["userId"], s["scoreGiven"], s["scoreMaximum"]) for s in exam_scores] == [
        ("learner-1", 100.0, 100.0)
    ]
    assert exam_scores[0]["activityProgress"] == "Completed"
    assert exam_scores[0]["gradingProgress"] == "FullyGraded"
    account = lti_user("learner-1")
    assert account is not None
    certificate = Certificate.objects.get(learner=account)
    program_scores = platform.scores[program_placement.lineitem_id or ""]
    assert [(s["userId"], s["scoreGiven"]) for s in program_scores] == [("learner-1", 100.0)]
    assert certificate.display_code.replace("-", "") in program_scores[0]["comment"].replace(
        "-", ""
    )
    assert set(GradeDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert platform.violations == []

    # and when the certificate is revoked, the gradebook hears that too
    revoker = User.objects.get(lti_users__sub="teacher-1")
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, instructor=revoker, reason="Exam leaked.")
    assert [s["scoreGiven"] for s in platform.scores[program_placement.lineitem_id or ""]] == [
        100.0,
        0.0,
    ]


def test_a_failed_attempt_reports_its_score_and_a_regrade_of_the_same_result_is_not_resent(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    member = platform.enrol("learner-2", "Alan Turing", "alan@lms.example.edu")
    placement = PendingLaunch(
        member=member,
        resource_link_id="rl-exam",
        custom={"quayside_target": f"assessment:{final_exam.slug}"},
        deep_link=False,
        lineitem_id=platform.lineitem_create("Final exam", "rl-exam"),
    )
    learner = browser()
    learner.launch(placement)

    attempt = take_exam(learner, final_exam, "false", django_capture_on_commit_callbacks)

    scores = platform.scores[placement.lineitem_id or ""]
    assert [(s["scoreGiven"], s["comment"]) for s in scores] == [(0.0, "Not passed.")]
    # hearing of the same graded attempt again sends nothing new
    from lti.subscriptions import on_attempt_graded

    with django_capture_on_commit_callbacks(execute=True):
        on_attempt_graded(attempt.pk)
    assert len(platform.scores[placement.lineitem_id or ""]) == 1


def test_a_placement_without_a_line_item_gets_one_created_on_the_first_score(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    member = platform.enrol("learner-3", "Ada", "ada3@lms.example.edu")
    placement = PendingLaunch(
        member=member,
        resource_link_id="rl-no-column",
        custom={"quayside_target": f"assessment:{final_exam.slug}"},
        deep_link=False,
        lineitem_id=None,
    )
    learner = browser()
    learner.launch(placement)

    take_exam(learner, final_exam, "true", django_capture_on_commit_callbacks)

    ((lineitem_id, item),) = platform.lineitems.items()
    assert item["resourceLinkId"] == "rl-no-column"
    assert [s["scoreGiven"] for s in platform.scores[lineitem_id]] == [100.0]


def test_a_platform_outage_is_retried_and_an_instructor_can_resend(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    django_capture_on_commit_callbacks: Any,
    instructor: User,
) -> None:
    member = platform.enrol("learner-4", "Ada", "ada4@lms.example.edu")
    placement = PendingLaunch(
        member=member,
        resource_link_id="rl-exam",
        custom={"quayside_target": f"assessment:{final_exam.slug}"},
        deep_link=False,
        lineitem_id=platform.lineitem_create("Final exam", "rl-exam"),
    )
    learner = browser()
    learner.launch(placement)
    platform.fail_scores = [503, 502]

    take_exam(learner, final_exam, "true", django_capture_on_commit_callbacks)

    delivery = GradeDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.tries == 3
    assert len(platform.scores[placement.lineitem_id or ""]) == 1

    # an instructor resends it from the LTI page
    from django.test import Client

    page = Client()
    page.force_login(instructor)
    assert "learner-4" not in page.get("/lti/manage/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resent = page.post(f"/lti/manage/deliveries/{delivery.pk}/resend/")
    assert resent.status_code == 302
    assert len(platform.scores[placement.lineitem_id or ""]) == 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.resends) == (DeliveryStatus.SENT, 1)


def test_a_refused_score_is_marked_failed_with_the_platforms_answer(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    member = platform.enrol("learner-5", "Ada", "ada5@lms.example.edu")
    placement = PendingLaunch(
        member=member,
        resource_link_id="rl-exam",
        custom={"quayside_target": f"assessment:{final_exam.slug}"},
        deep_link=False,
        lineitem_id=platform.lineitem_create("Final exam", "rl-exam"),
    )
    learner = browser()
    learner.launch(placement)
    platform.fail_scores = [403]

    take_exam(learner, final_exam, "true", django_capture_on_commit_callbacks)

    delivery = GradeDelivery.objects.get()
    assert (delivery.status, delivery.tries, delivery.last_status_code) == (
        DeliveryStatus.FAILED,
        1,
        403,
    )


def test_the_tool_configuration_names_every_endpoint(platform: FakePlatform) -> None:
    from tests.lti.conftest import tool_config

    config = tool_config()

    assert config["initiate_login_uri"] == "https://quayside.test/lti/login/"
    assert config["redirect_uris"] == ["https://quayside.test/lti/launch/"]
    assert config["jwks_uri"] == "https://quayside.test/lti/jwks.json"
    assert config["deep_linking_url"] == "https://quayside.test/lti/launch/"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scope"].split()
    call_command("check")


def test_results_hidden_until_the_exam_closes_go_back_once_it_has_closed(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import time_machine
    from django.utils import timezone

    from assessments.models import FeedbackPolicy
    from lti.tasks import refresh_results

    final_exam.feedback_policy = FeedbackPolicy.AFTER_CLOSE
    final_exam.closes_at = timezone.now() + timedelta(hours=1)
    final_exam.save(update_fields=["feedback_policy", "closes_at"])
    member = platform.enrol("learner-6", "Ada", "ada6@lms.example.edu")
    placement = PendingLaunch(
        member=member,
        resource_link_id="rl-exam",
        custom={"quayside_target": f"assessment:{final_exam.slug}"},
        deep_link=False,
        lineitem_id=platform.lineitem_create("Final exam", "rl-exam"),
    )
    learner = browser()
    learner.launch(placement)

    take_exam(learner, final_exam, "true", django_capture_on_commit_callbacks)

    # graded, but the review policy hides it: nothing reaches the gradebook
    assert platform.scores == {}
    assert refresh_results() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert refresh_results() == 1
    assert [s["scoreGiven"] for s in platform.scores[placement.lineitem_id or ""]] == [100.0]
