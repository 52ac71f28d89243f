"""How many attempts a learner may start has one home, Assessment.attempts_allowed_for(override):
the API's start, the API's standing and the portal's page all follow it, an override included."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment, LearnerOverride


def _start_and_submit(api: APIClient, slug: str) -> str:
    """ "started", or the code of the problem that refused the start."""
    started = api.post(f"/api/v1/assessments/{slug}/attempts/")
    if started.status_code != 201:
        return str(started.json()["code"])
    assert api.post(f"/api/v1/attempts/{started.json()['id']}/submit/").status_code == 200
    return "started"


def test_an_extra_attempt_is_honoured_by_the_api_and_shown_alike_on_the_portal(
    api: APIClient, learner: User, quiz: Assessment, client_for: Callable[[User], APIClient]
):
    # given a quiz of two attempts, and an override granting the learner one more
    assert quiz.attempts_allowed == 2
    LearnerOverride.objects.create(assessment=quiz, learner=learner, extra_attempts=1)

    # when the learner starts and submits as often as the API lets them
    statuses = [_start_and_submit(api, quiz.slug) for _ in range(4)]

    # then three starts succeed and the fourth is refused
    assert statuses == ["started"] * 3 + ["no_attempts_left"]
    standing = api.get(f"/api/v1/assessments/{quiz.slug}/").json()["standing"]
    assert (standing["attempts_used"], standing["attempts_left"]) == (3, 0)
    portal = Client()
    portal.force_login(learner)
    page = portal.get(reverse("portal:assessment", args=[quiz.slug])).content.decode()
    assert "3 of 3 used" in page


def test_without_an_override_the_assessments_own_allowance_holds(api: APIClient, quiz: Assessment):
    statuses = [_start_and_submit(api, quiz.slug) for _ in range(3)]

    assert statuses == ["started"] * 2 + ["no_attempts_left"]
    standing = api.get(f"/api/v1/assessments/{quiz.slug}/").json()["standing"]
    assert (standing["attempts_used"], standing["attempts_left"]) == (2, 0)
