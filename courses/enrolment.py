"""Enrolment: which learners take which course. Every channel enrols through these functions.

The product rule (docs: docs/courses.md, "Several courses"):
- Every course is open: its reader, practice and exams are there for any signed-in user, so
  existing links and LMS placements keep working. Enrolling puts the course on the learner's
  dashboard and in their API's course list.
- A learner enrols from the catalogue (self), an instructor of the course enrols them by email,
  an LMS enrols them on launch or provisioning, and starting an attempt in a course enrols its
  learner (practice: they are taking the course, whatever door they came in by).
- Enrolling twice is harmless: the first channel is kept.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from courses.access import user_may_edit_course
from courses.models import Course, Enrolment, EnrolmentSource, Module


class EnrolmentRefusedError(Exception):
    """The enrolment cannot be made (not staff of the course, no such learner)."""


def enrolment_create(
    *, course: Course, learner: Any, source: EnrolmentSource, enrolled_by: Any = None
) -> bool:
    """Enrol the learner in the course; True when they were not enrolled yet. Idempotent, and
    safe against a concurrent enrolment of the same learner (the unique constraint decides)."""
    if Enrolment.objects.filter(course=course, learner=learner).exists():
        return False
    try:
        with transaction.atomic():
            Enrolment.objects.create(
                course=course, learner=learner, source=source, enrolled_by=enrolled_by
            )
    except IntegrityError:
        return False  # enrolled meanwhile by another channel
    return True


def enrolment_by_instructor(*, course: Course, instructor: Any, learner_email: str) -> bool:
    """An instructor of the course enrols an existing account by its email; True when new.

    Raises EnrolmentRefusedError when the instructor does not teach the course or no account
    has the email (accounts are made by sign-up, an LMS, or an administrator, not here).
    """
    if not user_may_edit_course(instructor, course):
        raise EnrolmentRefusedError("Only the staff of this course may enrol learners in it.")
    learner = get_user_model().objects.filter(email__iexact=learner_email.strip()).first()
    if learner is None:
        raise EnrolmentRefusedError(f"No account has the email {learner_email!r}.")
    return enrolment_create(
        course=course, learner=learner, source=EnrolmentSource.INSTRUCTOR, enrolled_by=instructor
    )


def enrolment_for_module(*, learner_id: int, module_id: int, source: EnrolmentSource) -> None:
    """Enrol a learner in the course of a module, in one statement (hot path: starting an
    attempt). Nothing happens when they are enrolled already."""
    table = Enrolment._meta.db_table
    module_table = Module._meta.db_table
    # The time as the backend stores it (PostgreSQL and the embedded SQLite alike; SQLite has no
    # NOW()). Both read INSERT ... SELECT ... WHERE ... ON CONFLICT DO NOTHING.
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (course_id, learner_id, source, created_at) "  # noqa: S608
            f"SELECT course_id, %s, %s, %s FROM {module_table} WHERE id = %s "
            "ON CONFLICT (course_id, learner_id) DO NOTHING",
            [learner_id, source.value, created_at, module_id],
        )


def course_list_for_learner(*, learner: Any) -> list[Course]:
    """The courses the learner is enrolled in, by title."""
    if not getattr(learner, "is_authenticated", False):
        return []
    return list(Course.objects.filter(enrolments__learner=learner).order_by("title", "slug"))


def course_catalogue(*, user: Any) -> QuerySet[Course]:
    """Every course that has modules, each annotated with `is_enrolled` for this user."""
    courses = Course.objects.filter(modules__isnull=False).distinct()
    if not getattr(user, "is_authenticated", False):
        return courses.annotate(is_enrolled=Exists(Enrolment.objects.none()))
    mine = Enrolment.objects.filter(course=OuterRef("pk"), learner=user)
    return courses.annotate(is_enrolled=Exists(mine))


def enrolment_list_for_course(*, course: Course) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(course=course).select_related("learner").order_by("learner__email")
    )
