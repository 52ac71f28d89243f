"""The tool's key ring (files, rotation, JWKS overlap) and the roster sync (NRPS)."""

import io
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Role, User
from assessments.models import Assessment
from lti.keys import ToolKeyError, tool_jwks, tool_key_rotate, tool_signing_key
from tests.lti.conftest import Browser, lti_user
from tests.lti.platform import INSTRUCTOR, FakePlatform, PendingLaunch

pytestmark = pytest.mark.django_db


def test_the_key_lives_in_a_private_file_beside_the_certificate_keys(settings: Any) -> None:
    key = tool_signing_key()

    assert key.path.parent == settings.LTI_KEY_DIR
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.LTI_KEY_DIR.stat().st_mode) == 0o700
    assert tool_signing_key().kid == key.kid  # created once, then read


def test_a_key_readable_by_others_is_refused(settings: Any) -> None:
    key = tool_signing_key()
    key.path.chmod(0o644)

    with pytest.raises(ToolKeyError, match="chmod 600"):
        tool_signing_key()


def test_rotation_publishes_old_and_new_key_until_the_overlap_ends(settings: Any) -> None:
    settings.LTI_KEY_OVERLAP_DAYS = 7
    start = datetime(2026, 1, 1, tzinfo=UTC)
    old, _ = tool_key_rotate(now=start)

    new, retired = tool_key_rotate(now=start + timedelta(days=1))

    assert retired == []
    assert tool_signing_key().kid == new.kid
    published = {key["kid"] for key in tool_jwks(now=start + timedelta(days=2))["keys"]}
    assert published == {old.kid, new.kid}
    # once the overlap has passed, the old key leaves the JWKS and the next rotation retires it
    later = start + timedelta(days=9)
    assert {key["kid"] for key in tool_jwks(now=later)["keys"]} == {new.kid}
    newest, retired = tool_key_rotate(now=later)
    assert [key.kid for key in retired] == [old.kid]
    assert (settings.LTI_KEY_DIR / "retired" / old.path.name).exists()
    assert {key["kid"] for key in tool_jwks(now=later)["keys"]} == {new.kid, newest.kid}


def test_the_jwks_endpoint_serves_public_keys_only() -> None:
    tool_signing_key()

    keys = Client().get("/lti/jwks.json").json()["keys"]

    assert len(keys) == 1
    assert keys[0]["alg"] == "RS256"
    assert keys[0]["use"] == "sig"
    assert "d" not in keys[0]
    assert "p" not in keys[0]


def test_after_a_rotation_the_platform_still_accepts_grades_and_deep_links(
    platform: FakePlatform,
    browser: Callable[[], Browser],
    final_exam: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a deep-link answer signed with the old key, then a rotation
    teacher = platform.enrol("teacher-1", "Grace", "grace@lms.example.edu", [INSTRUCTOR])
    person = browser()
    person.launch(
        PendingLaunch(
            member=teacher, resource_link_id=None, custom={}, deep_link=True, lineitem_id=None
        )
    )
    answer = person.post_page("/lti/deep-link/", {"target": f"assessment:{final_exam.slug}"})
    from tests.lti.platform import form_in

    signed_before = form_in(answer.content.decode()).fields["JWT"]
    out = io.StringIO()
    call_command("lti_rotate_key", stdout=out)
    assert "New signing key" in out.getvalue()

    # when the old message arrives and a score is signed with the new key
    platform.deep_link_return(signed_before)
    member = platform.enrol("learner-1", "Ada", "ada@lms.example.edu")
    placement = PendingLaunch(
        member=member,
        resource_link_id="rl-1",
        custom={"quayside_target": f"assessment:{final_exam.slug}"},
        deep_link=False,
        lineitem_id=platform.lineitem_create("Exam", "rl-1"),
    )
    learner = browser()
    learner.launch(placement)
    from tests.lti.test_full_cycle import take_exam

    take_exam(learner, final_exam, "true", django_capture_on_commit_callbacks)

    # then the platform verified both against the tool's JWKS
    assert len(platform.content_items) == 1
    assert len(platform.scores[placement.lineitem_id or ""]) == 1
    assert platform.violations == []


def test_an_instructor_syncs_the_course_members_across_pages(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    # given a course of five members, one of them gone, and an instructor who launched it
    teacher = platform.enrol("teacher-1", "Grace", "grace@lms.example.edu", [INSTRUCTOR])
    for number in range(1, 4):
        platform.enrol(f"learner-{number}", f"Learner {number}", f"l{number}@lms.example.edu")
    platform.enrol("learner-gone", "Gone", "gone@lms.example.edu").status = "Inactive"
    person = browser()
    person.launch(
        PendingLaunch(
            member=teacher,
            resource_link_id="rl-1",
            custom={"quayside_target": f"assessment:{final_exam.slug}"},
            deep_link=False,
            lineitem_id=None,
        )
    )
    from lti_tool.models import LtiContext

    context = LtiContext.objects.get()
    teacher_account = User.objects.get(lti_users__sub="teacher-1")
    assert teacher_account.role == Role.INSTRUCTOR

    # when the instructor presses "Sync members"
    response = person.post_page(f"/lti/manage/contexts/{context.pk}/sync-members/")

    # then every active member has an account, matched as a launch would match them
    assert response.status_code == 302
    for number in range(1, 4):
        account = lti_user(f"learner-{number}")
        assert account is not None
        assert account.role == Role.LEARNER
    assert lti_user("learner-gone") is None
    assert platform.violations == []


def test_a_learner_cannot_use_the_instructor_pages(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-1", "Ada", "ada@lms.example.edu")
    person = browser()
    person.launch(
        PendingLaunch(
            member=member,
            resource_link_id="rl-1",
            custom={"quayside_target": f"assessment:{final_exam.slug}"},
            deep_link=False,
            lineitem_id=None,
        )
    )

    assert person.get("/lti/manage/").status_code == 403
    assert person.post_page("/lti/deep-link/", {"target": "assessment:x"}).status_code == 403
