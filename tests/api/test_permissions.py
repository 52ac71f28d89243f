"""Who reaches what: a learner only their own attempts; a service account only its learners and
courses; instructors alone export results."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Role
from lms.services import ServiceAccountError, service_account_create
from tests.factories import CourseFactory, ModuleFactory, UserFactory


def service_client(token: str, on_behalf_of: str | None) -> APIClient:
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Service {token}"}
    if on_behalf_of is not None:
        headers["HTTP_X_ON_BEHALF_OF"] = on_behalf_of
    client.credentials(**headers)
    return client


@pytest.fixture
def lms_token(learner, section):
    return service_account_create(
        name="Moodle", course_slugs=[section.module.course.slug], learner_emails=[learner.email]
    ).token


def test_another_learners_attempt_is_not_found(api, client_for, other_learner, quiz):
    theirs = client_for(other_learner).post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
    url = f"/api/v1/attempts/{theirs['id']}/"

    responses = [
        api.get(url),
        api.put(f"{url}answers/1/", {"response": "x"}, format="json"),
        api.post(f"{url}submit/"),
        api.get(f"{url}result/"),
    ]

    assert [response.status_code for response in responses] == [404] * 4
    assert all(r.headers["Content-Type"] == "application/problem+json" for r in responses)


def test_an_anonymous_request_is_unauthorised():
    response = APIClient().get("/api/v1/me/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_a_service_account_acts_for_a_learner_in_scope(lms_token, learner, quiz):
    client = service_client(lms_token, learner.email)

    me = client.get("/api/v1/me/")
    started = client.post(f"/api/v1/assessments/{quiz.slug}/attempts/")

    assert me.json()["id"] == learner.pk
    assert me.json()["service_account"] == "Moodle"
    assert started.status_code == 201
    assert client.get(f"/api/v1/attempts/{started.json()['id']}/").status_code == 200
    # by id as well as by email
    assert service_client(lms_token, str(learner.pk)).get("/api/v1/me/").status_code == 200


def test_a_service_account_cannot_act_for_a_learner_outside_its_scope(lms_token, other_learner):
    response = service_client(lms_token, other_learner.email).get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_service_account_must_name_a_learner(lms_token):
    response = service_client(lms_token, None).get("/api/v1/me/")

    assert response.status_code == 401


def test_a_wrong_or_inactive_service_token_is_refused(lms_token, learner):
    from lms.models import ServiceAccount

    wrong = service_client("not-a-token", learner.email).get("/api/v1/me/")
    ServiceAccount.objects.update(is_active=False)
    inactive = service_client(lms_token, learner.email).get("/api/v1/me/")

    assert (wrong.status_code, inactive.status_code) == (401, 401)


def test_a_service_account_sees_nothing_outside_its_courses(
    lms_token, learner, api, make_question, make_assessment
):
    # given an assessment in another course, which the learner has started themselves
    other_module = ModuleFactory(course=CourseFactory())
    elsewhere = make_assessment([make_question("true_false")], slug="elsewhere")
    elsewhere.module = other_module
    elsewhere.section = None
    elsewhere.kind = "practice"
    elsewhere.save()
    own_attempt = api.post("/api/v1/assessments/elsewhere/attempts/").json()
    client = service_client(lms_token, learner.email)

    # when the service account looks for it
    listed = client.get("/api/v1/assessments/")
    detail = client.get("/api/v1/assessments/elsewhere/")
    start = client.post("/api/v1/assessments/elsewhere/attempts/")
    attempt = client.get(f"/api/v1/attempts/{own_attempt['id']}/")
    save = client.put(
        f"/api/v1/attempts/{own_attempt['id']}/answers/1/", {"response": True}, format="json"
    )

    # then it is not there
    assert "elsewhere" not in [a["slug"] for a in listed.json()["results"]]
    assert [detail.status_code, start.status_code, attempt.status_code, save.status_code] == [
        404
    ] * 4


def test_a_service_account_never_acts_for_an_instructor(learner, instructor, section):
    with pytest.raises(ServiceAccountError, match="Not learner"):
        service_account_create(
            name="Sneaky",
            course_slugs=[section.module.course.slug],
            learner_emails=[instructor.email],
        )


def test_the_command_prints_a_token_that_works(learner, section, capsys):
    call_command(
        "create_service_account",
        "Canvas",
        "--course",
        section.module.course.slug,
        "--learner",
        learner.email,
    )

    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert service_client(token, learner.email).get("/api/v1/me/").status_code == 200


def test_only_instructors_export_results(api, client_for, instructor, learner, quiz):
    attempt = api.post(f"/api/v1/assessments/{quiz.slug}/attempts/").json()
    api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    teacher = client_for(instructor)

    as_learner = api.get(f"/api/v1/assessments/{quiz.slug}/results/")
    as_instructor = teacher.get(f"/api/v1/assessments/{quiz.slug}/results/", {"passed": "false"})
    as_csv = teacher.get(f"/api/v1/assessments/{quiz.slug}/results.csv", HTTP_ACCEPT="text/csv")
    filtered_out = teacher.get(f"/api/v1/assessments/{quiz.slug}/results/", {"learner": "nobody"})

    assert as_learner.status_code == 403
    row = as_instructor.json()["results"][0]
    assert (row["learner"]["email"], row["score"], row["passed"]) == (learner.email, 0.0, False)
    assert as_csv.headers["Content-Type"] == "text/csv"
    lines = b"".join(as_csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("learner_email,")
    assert lines[1].startswith(learner.email)
    assert filtered_out.json()["count"] == 0


def test_a_bad_results_filter_is_a_validation_problem(client_for, instructor, quiz):
    response = client_for(instructor).get(
        f"/api/v1/assessments/{quiz.slug}/results.csv", {"submitted_after": "yesterday"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "submitted_after"


def test_unknown_people_cannot_be_put_in_scope(section):
    UserFactory(email="x@example.org", role=Role.LEARNER)

    with pytest.raises(ServiceAccountError, match="No user"):
        service_account_create(
            name="LMS", course_slugs=[section.module.course.slug], learner_emails=["y@example.org"]
        )
