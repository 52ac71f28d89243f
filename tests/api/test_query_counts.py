"""The hot path: an answer save is authentication, one narrow read and one conditional write."""

from assessments.models import FeedbackPolicy
from tests.api.conftest import right_answer


def test_an_answer_save_takes_three_queries(api, quiz, django_assert_num_queries):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()

    # token, the frozen question, the conditional update
    with django_assert_num_queries(3):
        response = api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/1/",
            {"response": right_answer("single_choice")},
            format="json",
        )

    assert response.status_code == 200


def test_an_immediate_feedback_save_takes_four_queries(
    api, make_question, make_assessment, django_assert_num_queries
):
    make_assessment([make_question("matching")], slug="p", policy=FeedbackPolicy.IMMEDIATE)
    attempt = api.post("/api/v1/assessments/p/attempts/").json()

    # token, the frozen question, the conditional update, the graded question read back
    with django_assert_num_queries(4):
        response = api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/1/",
            {"response": right_answer("matching")},
            format="json",
        )

    assert response.json()["item"]["fraction"] == 1.0


def test_a_service_account_save_takes_five_queries(
    learner, quiz, section, django_assert_num_queries
):
    from lms.services import service_account_create
    from tests.api.test_permissions import service_client

    token = service_account_create(
        name="LMS", course_slugs=[section.module.course.slug], learner_emails=[learner.email]
    ).token
    client = service_client(token, learner.email)
    attempt = client.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()

    # the account, the learner in its scope, its modules; the frozen question, the update
    with django_assert_num_queries(5):
        response = client.put(
            f"/api/v1/attempts/{attempt['id']}/answers/1/",
            {"response": right_answer("single_choice")},
            format="json",
        )

    assert response.status_code == 200
