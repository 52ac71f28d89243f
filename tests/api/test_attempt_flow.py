"""The whole learner flow through the REST API alone: find, start, answer, submit, review."""

from decimal import Decimal

from assessments.models import FeedbackPolicy
from tests.question_examples import TYPE_NAMES, right_response


def test_a_learner_takes_an_assessment_through_the_api_alone(api, make_question, make_assessment):
    # given one question of every type, feedback after submission
    make_assessment([make_question(name) for name in TYPE_NAMES], slug="every-type")

    # when the learner finds the assessment, starts, answers everything and submits
    listed = api.get("/api/v1/assessments/", {"kind": "section_quiz"})
    slug = listed.json()["results"][0]["slug"]
    started = api.post(f"/api/v1/assessments/{slug}/attempts/")
    attempt = started.json()
    saves = [
        api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{item['position']}/",
            {"response": right_response(item["type"])},
            format="json",
        )
        for item in attempt["items"]
    ]
    submitted = api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    result = api.get(f"/api/v1/attempts/{attempt['id']}/result/")
    progress = api.get("/api/v1/me/progress/")
    standing = api.get(f"/api/v1/assessments/{slug}/")

    # then
    assert listed.status_code == 200
    assert started.status_code == 201
    assert [item["type"] for item in attempt["items"]] == TYPE_NAMES
    assert [save.status_code for save in saves] == [200] * len(TYPE_NAMES)
    assert submitted.status_code == 200
    assert submitted.json()["percent"] == 100.0
    assert result.json()["passed"] is True
    assert all(item["fraction"] == 1.0 for item in result.json()["items"])
    assert progress.json()["sections"][0]["percent"] == 100
    assert progress.json()["objectives"][0]["points"] == float(Decimal(len(TYPE_NAMES)))
    assert standing.json()["standing"] == {
        "attempts_used": 1,
        "attempts_left": None,
        "in_progress_attempt": None,
        "best_percent": 100.0,
        "passed": True,
        "result_percent": 100.0,
        "result_passed": True,
        # a gradebook sync reads when the result was reached and when the standing last changed
        "result_at": submitted.json()["submitted_at"],
        "updated_at": submitted.json()["submitted_at"],
    }


def test_starting_again_resumes_the_attempt_in_progress_with_200(api, quiz):
    first = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    again = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_the_learner_lists_their_own_attempts(api, client_for, other_learner, quiz):
    mine = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
    client_for(other_learner).post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    listed = api.get(f"/api/v1/assessments/{quiz.slug}/attempts/")

    assert [attempt["id"] for attempt in listed.json()["results"]] == [mine["id"]]


def test_assessments_filter_by_kind_and_section(api, quiz, section):
    by_section = api.get("/api/v1/assessments/", {"section": section.slug})
    by_other_kind = api.get("/api/v1/assessments/", {"kind": "final_exam"})

    assert [a["slug"] for a in by_section.json()["results"]] == [quiz.slug]
    assert by_other_kind.json()["results"] == []


def test_an_immediate_feedback_check_returns_the_grade(api, make_question, make_assessment):
    make_assessment(
        [make_question("numeric")], slug="practice", feedback_policy=FeedbackPolicy.IMMEDIATE
    )
    attempt = api.post("/api/v1/assessments/practice/attempts/").json()

    checked = api.post(
        f"/api/v1/attempts/{attempt['id']}/answers/1/check/",
        {"response": right_response("numeric")},
        format="json",
    )

    assert checked.status_code == 200
    assert checked.json()["item"]["fraction"] == 1.0
    assert checked.json()["item"]["checked"] is True
    assert checked.json()["save_count"] == 1


def test_the_result_of_an_attempt_in_progress_is_a_conflict(api, quiz):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()

    result = api.get(f"/api/v1/attempts/{attempt['id']}/result/")

    assert result.status_code == 409
    assert result.json()["code"] == "attempt_in_progress"


def test_an_invalid_answer_is_refused_with_its_reason(api, quiz):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()

    saved = api.put(
        f"/api/v1/attempts/{attempt['id']}/answers/1/", {"response": "nope"}, format="json"
    )

    assert saved.status_code == 422
    assert saved.json()["code"] == "invalid_response"
    assert "Unknown option id" in saved.json()["detail"]


def test_the_standing_gives_the_result_under_the_grading_method(
    api, make_question, make_assessment
):
    # given a quiz graded by the average, passed at the first attempt and failed at the second
    make_assessment([make_question("true_false")], slug="averaged", grading_method="average")
    for response in (True, False):
        attempt = api.post("/api/v1/assessments/averaged/attempts/").json()
        api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/1/", {"response": response}, format="json"
        )
        api.post(f"/api/v1/attempts/{attempt['id']}/submit/")

    # when
    standing = api.get("/api/v1/assessments/averaged/").json()["standing"]

    # then the best attempt passed, but the result certification counts (the average) did not
    assert (standing["best_percent"], standing["passed"]) == (100.0, True)
    assert (standing["result_percent"], standing["result_passed"]) == (50.0, False)
