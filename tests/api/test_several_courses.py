"""Several courses: enrolment through each channel, the learner API's course filter, and the
per-course dashboard (with its query count)."""

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role, User
from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    Provenance,
    QuestionStatus,
)
from assessments.services.attempts import attempt_start
from assessments.services.questions import QuestionContent, question_create
from courses import api as courses_api
from courses.models import Course, Enrolment, EnrolmentSource, Section
from tests.factories import LearningObjectiveFactory, ModuleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_course_quiz(section: Section) -> Assessment:
    """A published quiz in a second course ("second"), beside the section fixture's course."""
    other_section = SectionFactory(
        module=ModuleFactory(course=Course.objects.create(slug="second", title="Second")),
        position=1,
    )
    objective = LearningObjectiveFactory(module=other_section.module, position=1)
    question = question_create(
        key="second-question",
        section_id=other_section.pk,
        content=QuestionContent(
            type="true_false",
            spec={"prompt": "Yes?", "answer": True, "feedback": "Section 1."},
            objective_ids=(objective.pk,),
        ),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
    )
    assessment = Assessment.objects.create(
        slug="second-quiz",
        title="Second quiz",
        kind=AssessmentKind.SECTION_QUIZ,
        module=other_section.module,
        section=other_section,
    )
    AssessmentSlot.objects.create(assessment=assessment, position=1, question=question)
    return assessment


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_learner_enrols_from_the_catalogue_and_finds_the_course_on_the_dashboard(
    learner: User, section: Section, second_course_quiz: Assessment
) -> None:
    # given
    course = section.module.course
    client = _signed_in(learner)
    assert f"Enrol in {course.title}" in client.get("/").content.decode()
    # when
    response = client.post(f"/{course.slug}/enrol/")
    # then
    assert response.status_code == 302
    assert response["Location"].endswith(f"?course={course.slug}")
    enrolment = Enrolment.objects.get(learner=learner)
    assert (enrolment.course, enrolment.source) == (course, EnrolmentSource.SELF)
    dashboard = client.get("/learn/").content.decode()
    assert course.title in dashboard
    assert "Second" not in dashboard.split("Quizzes and exams")[0]  # not enrolled there
    assert client.post(f"/{course.slug}/enrol/").status_code == 302  # twice is harmless
    assert Enrolment.objects.filter(learner=learner).count() == 1


def test_the_first_attempt_in_a_course_enrols_its_learner(learner: User, quiz: Assessment) -> None:
    attempt_start(learner=learner, assessment=quiz)
    enrolment = Enrolment.objects.get(learner=learner)
    assert (enrolment.course_id, enrolment.source) == (
        quiz.module.course_id,
        EnrolmentSource.PRACTICE,
    )


def test_the_learner_api_filters_lists_by_course(
    api: APIClient, quiz: Assessment, second_course_quiz: Assessment
) -> None:
    everything = api.get("/api/v1/assessments/").json()
    one_course = api.get("/api/v1/assessments/", {"course": "second"}).json()
    unknown = api.get("/api/v1/assessments/", {"course": "no-such-course"}).json()

    def slugs(body: object) -> set[str]:
        rows = body["results"] if isinstance(body, dict) else body
        return {row["slug"] for row in rows}

    assert {"quiz", "second-quiz"} <= slugs(everything)
    assert slugs(one_course) == {"second-quiz"}
    assert slugs(unknown) == set()


def test_the_course_list_shows_the_learners_own_courses_on_request(
    api: APIClient, learner: User, quiz: Assessment, second_course_quiz: Assessment
) -> None:
    attempt_start(learner=learner, assessment=second_course_quiz)
    body = api.get("/api/v1/courses/", {"enrolled": "true"}).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [row["slug"] for row in rows] == ["second"]


def test_the_staff_of_a_course_enrol_a_learner_by_email(
    client_for: Callable[[User], APIClient], learner: User, section: Section
) -> None:
    course = section.module.course
    teacher = User.objects.create_user(
        email="teacher@example.org", password="x-Pass-1234", display_name="T", role=Role.INSTRUCTOR
    )
    courses_api.course_staff_set(course=course, identifiers=[teacher.email])
    url = f"/api/v1/courses/{course.slug}/enrolments/"
    first = client_for(teacher).post(url, {"learner_email": learner.email}, format="json")
    again = client_for(teacher).post(url, {"learner_email": learner.email}, format="json")
    unknown = client_for(teacher).post(url, {"learner_email": "x@example.org"}, format="json")
    assert (first.status_code, again.status_code, unknown.status_code) == (201, 200, 400)
    assert first.json()["how"] == EnrolmentSource.INSTRUCTOR
    listed = client_for(teacher).get(url).json()
    assert [row["learner_email"] for row in listed] == [learner.email]
    # the portal page does the same
    page = _signed_in(teacher).get(f"/{course.slug}/enrolments/")
    assert learner.email in page.content.decode()


def test_the_dashboard_of_a_learner_in_two_courses_costs_a_fixed_number_of_queries(
    learner: User,
    quiz: Assessment,
    second_course_quiz: Assessment,
    django_assert_num_queries: Callable[..., object],
) -> None:
    attempt_start(learner=learner, assessment=quiz)
    attempt_start(learner=learner, assessment=second_course_quiz)
    client = _signed_in(learner)
    client.get("/learn/")  # warm the session
    with django_assert_num_queries(DASHBOARD_QUERIES):  # type: ignore[operator]
        all_courses = client.get("/learn/")
    with django_assert_num_queries(DASHBOARD_ONE_COURSE_QUERIES):  # type: ignore[operator]
        one_course = client.get("/learn/", {"course": "second"})
    assert "Second quiz" in all_courses.content.decode()
    assert "Second quiz" in one_course.content.decode()
    assert "Quiz</a>" not in one_course.content.decode()
    assert client.get("/learn/", {"course": "no-such-course"}).status_code == 404


# Measured (see the report): the dashboard's reads do not grow with the number of courses.
DASHBOARD_QUERIES = 10
DASHBOARD_ONE_COURSE_QUERIES = 12
