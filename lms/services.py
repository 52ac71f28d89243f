"""Writes of service accounts."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, User
from courses.models import Course
from lms.models import ServiceAccount
from lms.tokens import token_hash, token_new, token_prefix


class ServiceAccountError(Exception):
    """A service account cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class IssuedServiceAccount:
    account: ServiceAccount
    # Shown once: only its hash is stored.
    token: str


@transaction.atomic
def service_account_create(
    *, name: str, course_slugs: list[str], learner_emails: list[str]
) -> IssuedServiceAccount:
    """Create an active service account scoped to the given courses and learners.

    Raises ServiceAccountError for a taken name, an unknown course or learner, or a learner who is
    not a plain learner (a service account never acts for an instructor or administrator).
    """
    if ServiceAccount.objects.filter(name=name).exists():
        raise ServiceAccountError(f"A service account named {name!r} exists already.")
    courses = list(Course.objects.filter(slug__in=course_slugs))
    missing_courses = sorted(set(course_slugs) - {course.slug for course in courses})
    if missing_courses:
        raise ServiceAccountError(f"No course(s): {', '.join(missing_courses)}.")
    emails = [email.strip().lower() for email in learner_emails]
    learners = list(User.objects.filter(email__in=emails))
    missing_learners = sorted(set(emails) - {learner.email for learner in learners})
    if missing_learners:
        raise ServiceAccountError(f"No user(s): {', '.join(missing_learners)}.")
    not_learners = sorted(
        learner.email
        for learner in learners
        if learner.role != Role.LEARNER or learner.is_superuser
    )
    if not_learners:
        raise ServiceAccountError(f"Not learner account(s): {', '.join(not_learners)}.")
    token = token_new()
    account = ServiceAccount.objects.create(
        name=name, token_hash=token_hash(token), token_prefix=token_prefix(token)
    )
    account.courses.set(courses)
    account.learners.set(learners)
    return IssuedServiceAccount(account=account, token=token)
