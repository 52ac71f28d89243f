"""The per-course staff rule: course_staff_set (what a package sync calls) and who it admits."""

import pytest
from django.db import IntegrityError

from accounts.models import Role, User
from courses import api as courses_api
from courses.models import Course, CourseStaff, StaffSource
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _course() -> Course:
    course: Course = CourseFactory.create()
    return course


def _user(**fields: object) -> User:
    user: User = UserFactory.create(**fields)
    return user


def test_it_replaces_a_courses_package_staff_and_reports_the_change() -> None:
    # given
    course = _course()
    courses_api.course_staff_set(course=course, identifiers=["a@example.org", "B@Example.org"])
    # when
    added, removed = courses_api.course_staff_set(
        course=course.slug, identifiers=["b@example.org", "c@example.org"]
    )
    # then
    assert (added, removed) == (["c@example.org"], ["a@example.org"])
    listed = CourseStaff.objects.filter(course=course).values_list("identifier", flat=True)
    assert sorted(listed) == ["b@example.org", "c@example.org"]


def test_a_second_set_with_the_same_list_changes_nothing() -> None:
    course = _course()
    courses_api.course_staff_set(course=course, identifiers=["a@example.org"])
    before = list(CourseStaff.objects.values_list("pk", flat=True))
    assert courses_api.course_staff_set(course=course, identifiers=[" A@example.org "]) == ([], [])
    assert list(CourseStaff.objects.values_list("pk", flat=True)) == before


def test_it_rejects_a_list_with_a_non_email_and_changes_nothing() -> None:
    course = _course()
    courses_api.course_staff_set(course=course, identifiers=["a@example.org"])
    with pytest.raises(courses_api.CourseStaffError, match="grace"):
        courses_api.course_staff_set(course=course, identifiers=["b@example.org", "grace"])
    assert list(CourseStaff.objects.values_list("identifier", flat=True)) == ["a@example.org"]


def test_it_refuses_more_staff_than_the_named_limit() -> None:
    course = _course()
    too_many = [f"p{n}@example.org" for n in range(courses_api.MAX_STAFF_PER_SOURCE + 1)]
    with pytest.raises(courses_api.CourseStaffError, match="at most"):
        courses_api.course_staff_set(course=course, identifiers=too_many)


def test_a_package_sync_leaves_staff_from_the_lms_alone() -> None:
    course = _course()
    lms_instructor = _user(role=Role.INSTRUCTOR)
    CourseStaff.objects.create(course=course, user=lms_instructor, source=StaffSource.LMS)
    courses_api.course_staff_set(course=course, identifiers=[])
    assert courses_api.user_may_edit_course(lms_instructor, course)


def test_a_listed_email_admits_its_account_only_in_that_course() -> None:
    # given
    course_a, course_b = _course(), _course()
    grace = _user(email="grace@example.org", role=Role.INSTRUCTOR)
    courses_api.course_staff_set(course=course_a, identifiers=["Grace@example.org"])
    # then
    assert courses_api.user_may_edit_course(grace, course_a)
    assert courses_api.user_may_edit_course(grace, course_a.slug)
    assert not courses_api.user_may_edit_course(grace, course_b)
    assert courses_api.course_ids_for_staff(grace) == frozenset({course_a.pk})


def test_a_person_listed_before_signing_up_becomes_staff_once_their_email_is_proven() -> None:
    course = _course()
    courses_api.course_staff_set(course=course, identifiers=["new@example.org"])
    # given: signed up, link not followed yet (inactive, no password)
    pending = User.objects.create_user(
        email="new@example.org", password=None, display_name="New", is_active=False
    )
    assert not courses_api.user_may_edit_course(pending, course)
    # when: the activation link sets the password
    pending.set_password("correct-horse-battery-staple")
    pending.is_active = True
    pending.save()
    # then
    assert courses_api.user_may_edit_course(pending, course)


def test_an_lms_account_claiming_a_listed_email_is_not_staff_by_that_email() -> None:
    course = _course()
    courses_api.course_staff_set(course=course, identifiers=["boss@example.org"])
    lms_account = User.objects.create_user(
        email="boss@example.org", password=None, display_name="Claimed", role=Role.INSTRUCTOR
    )
    assert not courses_api.user_may_edit_course(lms_account, course)


def test_site_administrators_reach_every_course_and_learners_none() -> None:
    course = _course()
    admin = _user(role=Role.ADMIN)
    superuser = _user(is_superuser=True)
    learner = _user(role=Role.LEARNER)
    instructor_elsewhere = _user(role=Role.INSTRUCTOR)
    assert courses_api.user_may_edit_course(admin, course)
    assert courses_api.user_may_edit_course(superuser, course)
    assert courses_api.course_ids_for_staff(admin) is None
    assert not courses_api.user_may_edit_course(learner, course)
    assert not courses_api.user_may_edit_course(instructor_elsewhere, course)
    assert courses_api.course_ids_for_staff(instructor_elsewhere) == frozenset()


def test_the_database_refuses_a_row_with_both_a_user_and_an_identifier() -> None:
    course = _course()
    with pytest.raises(IntegrityError):
        CourseStaff.objects.create(
            course=course,
            user=_user(),
            identifier="x@example.org",
            source=StaffSource.PORTAL,
        )
