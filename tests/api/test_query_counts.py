"""The hot path: an answer save is authentication, one narrow read and one conditional write."""

from assessments.models import FeedbackPolicy
from tests.question_examples import right_response


def test_an_answer_save_takes_three_queries(api, quiz, django_assert_num_queries):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()

    # token, the frozen question, the conditional update
    with django_assert_num_queries(3):
        response = api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/1/",
            {"response": right_response("single_choice")},
            format="json",
        )

    assert response.status_code == 200


def test_an_immediate_feedback_check_takes_four_queries(
    api, make_question, make_assessment, django_assert_num_queries
):
    make_assessment([make_question("matching")], slug="p", feedback_policy=FeedbackPolicy.IMMEDIATE)
    attempt = api.post("/api/v1/assessments/p/attempts/").json()

    # token, the frozen question, the conditional update, the graded question read back
    with django_assert_num_queries(4):
        response = api.post(
            f"/api/v1/attempts/{attempt['id']}/answers/1/check/",
            {"response": right_response("matching")},
            format="json",
        )

    assert response.json()["item"]["fraction"] == 1.0


def test_a_start_of_the_exam_takes_a_fixed_number_of_queries(
    api, make_question, make_assessment, django_assert_num_queries
):
    # given an assessment of three fixed questions, started once before (and submitted)
    quiz = make_assessment([make_question(kind) for kind in ("matching", "ordering", "numeric")])
    first = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
    api.post(f"/api/v1/attempts/{first['id']}/submit/")

    # token, assessment; attempts so far, override, cycle, previous questions; the drawn versions
    # (the slots and pools are the process's drawing plan, read by the first start); the attempt
    # and its questions inserted (in a transaction): the new attempt is then shown without
    # reading its questions back
    with django_assert_num_queries(11):
        response = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    assert response.status_code == 201
    assert len(response.json()["items"]) == 3


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
            {"response": right_response("single_choice")},
            format="json",
        )

    assert response.status_code == 200
