"""One limit on an answer's size, MAX_RESPONSE_CHARACTERS (assessments.services.answers), and
every channel that saves an answer refuses past it with the same message: the API and the
portal's autosave."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Assessment
from assessments.services.answers import MAX_RESPONSE_CHARACTERS

LIMIT_MESSAGE = f"longer than {MAX_RESPONSE_CHARACTERS} characters"


def _api_save(api: APIClient, attempt_id: int, response: str) -> tuple[int, str]:
    saved = api.put(
        f"/api/v1/attempts/{attempt_id}/answers/1/", {"response": response}, format="json"
    )
    return saved.status_code, saved.content.decode()


def _portal_save(learner: User, attempt_id: int, response: str) -> tuple[int, str]:
    portal = Client()
    portal.force_login(learner)
    saved = portal.post(reverse("portal:answer_save", args=[attempt_id, 1]), {"q1": response})
    return saved.status_code, saved.content.decode()


def test_every_channel_refuses_an_answer_over_the_one_limit(
    api: APIClient, learner: User, quiz: Assessment
):
    attempt_id = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()["id"]
    too_long = "x" * (MAX_RESPONSE_CHARACTERS + 1)

    api_status, api_body = _api_save(api, attempt_id, too_long)
    portal_status, portal_body = _portal_save(learner, attempt_id, too_long)

    assert api_status == 400
    assert LIMIT_MESSAGE in api_body
    assert portal_status == 422
    assert LIMIT_MESSAGE in portal_body


def test_an_answer_at_the_limit_is_judged_on_its_content_not_its_size(
    api: APIClient, learner: User, quiz: Assessment
):
    attempt_id = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()["id"]
    at_limit = "x" * MAX_RESPONSE_CHARACTERS

    for status, body in (
        _api_save(api, attempt_id, at_limit),
        _portal_save(learner, attempt_id, at_limit),
    ):
        # not an option of the question: refused, but not for its size
        assert status in {400, 422}
        assert LIMIT_MESSAGE not in body
