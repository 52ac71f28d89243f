"""Resource-link launches from an independent platform: who arrives, where, and what is refused."""

import base64
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from lti_tool.models import LtiDeployment

from accounts.models import Role
from assessments.models import Assessment
from lti.models import LtiLink, UsedLaunchNonce
from tests.lti.conftest import Browser, lti_user
from tests.lti.platform import INSTRUCTOR, FakePlatform, PendingLaunch

pytestmark = pytest.mark.django_db


def exam_launch(member: Any, **changes: Any) -> PendingLaunch:
    fields: dict[str, Any] = {
        "member": member,
        "resource_link_id": "rl-exam",
        "custom": {"quayside_target": "assessment:docker-final"},
        "deep_link": False,
        "lineitem_id": None,
    }
    return PendingLaunch(**(fields | changes))


def test_a_launch_signs_in_a_new_learner_and_lands_on_the_linked_exam(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    # given a learner of the LMS course who never used Quayside
    member = platform.enrol("learner-7", "Ada Lovelace", "ada@lms.example.edu")

    # when they open the placement
    response = browser().launch(exam_launch(member))

    # then they are signed in as a new learner, named by the LMS, on the exam's page
    assert response.status_code == 302
    assert response["Location"] == f"/learn/assessments/{final_exam.slug}/"
    user = lti_user("learner-7")
    assert user is not None
    assert (user.email, user.display_name, user.role) == (
        "ada@lms.example.edu",
        "Ada Lovelace",
        Role.LEARNER,
    )
    assert not user.has_usable_password()
    assert LtiLink.objects.get().target_slug == final_exam.slug
    assert platform.violations == []


def test_the_same_platform_user_is_the_same_account_and_their_role_follows_the_lms(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("teacher-1", "Grace Hopper", "grace@lms.example.edu")
    browser().launch(exam_launch(member))
    first = lti_user("teacher-1")

    member.roles = [INSTRUCTOR]
    member.name = "Rear Admiral Hopper"
    browser().launch(exam_launch(member))

    second = lti_user("teacher-1")
    assert first is not None
    assert second is not None
    assert second.pk == first.pk
    assert second.role == Role.INSTRUCTOR
    assert second.display_name == "Rear Admiral Hopper"


def test_a_platform_email_never_takes_over_an_existing_account(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment, instructor: Any
) -> None:
    # given an LMS asserting the email of an existing Quayside instructor
    member = platform.enrol("intruder", "Mallory", instructor.email)

    browser().launch(exam_launch(member))

    # then the platform user gets an account of their own, with a placeholder address
    user = lti_user("intruder")
    assert user is not None
    assert user.pk != instructor.pk
    assert user.email.endswith("@lti.invalid")
    assert user.role == Role.LEARNER


def test_the_session_cookie_works_in_a_third_party_iframe(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-8", "Alan Turing", "alan@lms.example.edu")
    person = browser()

    response = person.launch(exam_launch(member))

    session_cookie = response.cookies["sessionid"]
    assert session_cookie["samesite"] == "None"
    assert session_cookie["secure"] is True
    assert "Partitioned" in session_cookie.OutputString()
    # the LMS may frame the pages of this session, and no one else
    page = person.get(response["Location"])
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    directives = [part.strip() for part in page["Content-Security-Policy"].split(";")]
    assert f"frame-ancestors 'self' {platform.base_url} {platform.issuer}" in directives
    assert "script-src 'self'" in directives
    # a session that did not start in the LMS keeps DENY
    assert browser().get("/")["X-Frame-Options"] == "DENY"


def test_a_replayed_launch_is_refused_with_a_clear_page(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-9", "Ada", "ada9@lms.example.edu")
    person = browser()
    first = person.launch(exam_launch(member))
    assert first.status_code == 302
    assert person.last_form is not None

    # when the very same id_token and state are posted again (same browser, same cookies)
    replay = person.post(person.last_form)

    assert replay.status_code == 400
    assert "This launch has already been used" in replay.content.decode()
    assert UsedLaunchNonce.objects.count() == 1


def _tampered(platform: FakePlatform, member: Any, change: Callable[[dict[str, Any]], None]):
    return exam_launch(member, tamper=change)


@pytest.mark.parametrize(
    ("change", "title"),
    [
        pytest.param(
            lambda message: message.update(aud="some-other-tool"),
            "This launch is addressed to another tool",
            id="wrong-audience",
        ),
        pytest.param(
            lambda message: message.update(aud=["quayside-client-1", "other"], azp="other"),
            "This launch is addressed to another tool",
            id="wrong-authorised-party",
        ),
    ],
)
def test_a_launch_for_another_audience_is_refused(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    change: Callable[[dict[str, Any]], None],
    title: str,
) -> None:
    member = platform.enrol("learner-10", "Ada", "ada10@lms.example.edu")

    response = browser().launch(_tampered(platform, member, change))

    assert response.status_code == 400
    assert title in response.content.decode()
    assert lti_user("learner-10") is None


def test_an_expired_launch_is_refused(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-11", "Ada", "ada11@lms.example.edu")
    person = browser()
    form = person.login(exam_launch(member, id_token_lifetime=1))
    time.sleep(2.1)

    response = person.post(form)

    assert response.status_code == 400
    assert "This launch has expired" in response.content.decode()
    assert lti_user("learner-11") is None


def test_a_launch_with_a_bad_signature_is_refused(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-12", "Ada", "ada12@lms.example.edu")
    person = browser()
    form = person.login(exam_launch(member))
    header, body, signature = form.fields["id_token"].split(".")
    # the platform's header and signature over a body that claims another user
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    form.fields["id_token"] = f"{header}.{forged}.{signature}"

    response = person.post(form)

    assert response.status_code == 400
    content = response.content.decode()
    assert "The LMS&#x27;s signature does not verify" in content
    assert lti_user("learner-12") is None
    assert lti_user("someone-else") is None


def test_an_unknown_deployment_is_recorded_inactive_and_refused_until_activated(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-13", "Ada", "ada13@lms.example.edu")
    platform.deployment_id = "deployment-new"

    refused = browser().launch(exam_launch(member))

    assert refused.status_code == 403
    assert "not activated" in refused.content.decode()
    deployment = LtiDeployment.objects.get(deployment_id="deployment-new")
    assert deployment.is_active is False

    deployment.is_active = True
    deployment.save()
    assert browser().launch(exam_launch(member)).status_code == 302


def test_a_launch_of_a_link_without_content_is_refused(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-14", "Ada", "ada14@lms.example.edu")

    response = browser().launch(exam_launch(member, custom={}))

    assert response.status_code == 404
    assert "does not open any Quayside content" in response.content.decode()


def test_a_login_from_an_unregistered_issuer_is_refused_with_a_page(
    platform: FakePlatform, browser: Callable[[], Browser]
) -> None:
    query = {
        "iss": "https://unknown.example",
        "login_hint": "someone",
        "target_link_uri": "https://quayside.test/lti/launch/",
        "lti1p3_new_window": "1",
    }

    page = browser().get(f"/lti/login/?{urlencode(query)}")

    assert page.status_code == 400
    assert "login request was refused" in page.content.decode()
