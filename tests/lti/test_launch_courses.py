"""An LTI launch places its user in the course of the placement: learners are enrolled, LMS
instructors become its staff (and of no other course)."""

from collections.abc import Callable

import pytest

from assessments.models import Assessment
from courses import api as courses_api
from courses.models import Course, CourseStaff, Enrolment, EnrolmentSource, StaffSource
from lti.models import LtiLink
from tests.lti.conftest import Browser, lti_user
from tests.lti.platform import INSTRUCTOR, FakePlatform
from tests.lti.test_launch import exam_launch

pytestmark = pytest.mark.django_db


def test_a_learners_launch_enrols_them_in_the_placed_course(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    member = platform.enrol("learner-21", "Ada", "ada21@lms.example.edu")
    assert browser().launch(exam_launch(member)).status_code == 302
    user = lti_user("learner-21")
    enrolment = Enrolment.objects.get(learner=user)
    assert (enrolment.course_id, enrolment.source) == (
        final_exam.module.course_id,
        EnrolmentSource.LMS,
    )
    assert LtiLink.objects.get().course_id == final_exam.module.course_id
    assert not CourseStaff.objects.filter(user=user).exists()


def test_an_lms_instructors_launch_makes_them_staff_of_that_course_only(
    platform: FakePlatform, browser: Callable[[], Browser], final_exam: Assessment
) -> None:
    other = Course.objects.create(slug="elsewhere", title="Elsewhere")
    member = platform.enrol("teacher-21", "Grace", "grace21@lms.example.edu")
    member.roles = [INSTRUCTOR]
    assert browser().launch(exam_launch(member)).status_code == 302
    user = lti_user("teacher-21")
    assert courses_api.user_may_edit_course(user, final_exam.module.course_id)
    assert not courses_api.user_may_edit_course(user, other)
    staff = CourseStaff.objects.get(user=user)
    assert staff.source == StaffSource.LMS
    assert not Enrolment.objects.filter(learner=user).exists()
