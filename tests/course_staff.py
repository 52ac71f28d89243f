"""Test-only: make a person staff of every course a test has or builds, through the service."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import post_save

from accounts.models import User
from courses.access import course_staff_add_user
from courses.models import Course, StaffSource


@contextmanager
def staff_of_every_course(user: User) -> Iterator[None]:
    def on_course_saved(sender: Any, instance: Course, created: bool, **kwargs: Any) -> None:
        if created:
            course_staff_add_user(course=instance, user=user, source=StaffSource.PORTAL)

    for course in Course.objects.all():
        course_staff_add_user(course=course, user=user, source=StaffSource.PORTAL)
    receiver_uid = f"tests-staff-of-every-course-{user.pk}"
    post_save.connect(on_course_saved, sender=Course, dispatch_uid=receiver_uid, weak=False)
    try:
        yield
    finally:
        post_save.disconnect(sender=Course, dispatch_uid=receiver_uid)
