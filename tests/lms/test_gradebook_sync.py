"""Gradebook sync: the results a service account's learners reached in its courses, since a time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus, FeedbackPolicy
from lms.services import service_account_create
from tests.factories import CourseFactory, ModuleFactory

pytestmark = pytest.mark.django_db


def exam(module, slug: str, policy: str = FeedbackPolicy.AFTER_SUBMISSION) -> Assessment:
    # Results after close: the exam closes tomorrow, so until then no grade may be seen.
    closes = timezone.now() + timedelta(days=1) if policy == FeedbackPolicy.AFTER_CLOSE else None
    return Assessment.objects.create(
        slug=slug,
        title=slug,
        kind=AssessmentKind.FINAL_EXAM,
        module=module,
        feedback_policy=policy,
        closes_at=closes,
    )


def submitted(assessment: Assessment, learner: User, percent: int, minutes_ago: int) -> Attempt:
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return Attempt.objects.create(
        assessment=assessment,
        learner=learner,
        number=Attempt.objects.filter(assessment=assessment, learner=learner).count() + 1,
        status=AttemptStatus.SUBMITTED,
        started_at=moment - timedelta(minutes=5),
        submitted_at=moment,
        score=Decimal(percent),
        max_score=Decimal(100),
        percent=Decimal(percent),
        passed=percent >= 70,
    )


def test_results_are_scoped_policy_bound_and_filtered_by_updated_since(
    learner: User, other_learner: User
) -> None:
    course = CourseFactory()
    module = ModuleFactory(course=course)
    visible = exam(module, "visible")
    hidden = exam(module, "hidden", policy=FeedbackPolicy.AFTER_CLOSE)
    elsewhere = exam(ModuleFactory(), "elsewhere")
    token = service_account_create(
        name="Canvas", course_slugs=[course.slug], learner_emails=[learner.email]
    ).token
    submitted(visible, learner, 60, minutes_ago=30)
    latest = submitted(visible, learner, 90, minutes_ago=10)
    submitted(hidden, learner, 90, minutes_ago=10)
    submitted(elsewhere, learner, 90, minutes_ago=10)
    submitted(visible, other_learner, 90, minutes_ago=10)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Service {token}")

    everything = client.get("/api/v1/lms/results/").json()
    since_later = client.get(
        "/api/v1/lms/results/",
        {"updated_since": (timezone.now() - timedelta(minutes=5)).isoformat()},
    ).json()
    malformed = client.get("/api/v1/lms/results/", {"updated_since": "yesterday"})

    assert [(r["email"], r["assessment"], r["percent"]) for r in everything["results"]] == [
        (learner.email, "visible", 90.0)
    ]
    assert everything["results"][0]["updated_at"].startswith(latest.submitted_at.isoformat()[:19])
    assert since_later["results"] == []
    assert malformed.status_code == 400
