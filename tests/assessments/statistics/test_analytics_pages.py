"""The instructors' analytics pages: access, charts with table alternatives, the item table,
the item page's actions, the course view, and flags in the authoring list."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from assessments.models import Assessment, Attempt, Question, QuestionStatus

ANALYTICS_ROUTES = {
    "analytics:index",
    "analytics:assessment_report",
    "analytics:assessment_report_csv",
    "analytics:course_report",
    "authoring:question_statistics",
    "authoring:question_retire",
    "authoring:question_difficulty_from_facility",
}


def _named_routes(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _urls(quiz: Assessment) -> dict[str, str]:
    module = quiz.module
    question_id = quiz.slots.get(position=1).question_id
    return {
        "analytics:index": reverse("analytics:index"),
        "analytics:assessment_report": reverse("analytics:assessment_report", args=[quiz.slug]),
        "analytics:assessment_report_csv": reverse(
            "analytics:assessment_report_csv", args=[quiz.slug]
        ),
        "analytics:course_report": reverse(
            "analytics:course_report", args=[module.course.slug, module.slug]
        ),
        "authoring:question_statistics": reverse(
            "authoring:question_statistics", args=[question_id]
        ),
        "authoring:question_retire": reverse("authoring:question_retire", args=[question_id]),
        "authoring:question_difficulty_from_facility": reverse(
            "authoring:question_difficulty_from_facility", args=[question_id]
        ),
    }


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_analytics_route_is_covered_by_the_access_tests(db: None) -> None:
    routes = _named_routes(get_resolver())
    analytics = {name for name in routes if name.startswith("analytics:")}
    statistics = {name for name in routes if "question_statistics" in name or "retire" in name}
    assert analytics | statistics <= ANALYTICS_ROUTES


def test_anonymous_visitors_are_sent_to_log_in_and_learners_refused(
    quiz: Assessment, learner: User
) -> None:
    for name, url in _urls(quiz).items():
        method = "post" if "retire" in name or "difficulty" in name else "get"
        anonymous = getattr(_client(None), method)(url)
        assert anonymous.status_code == 302, name
        assert anonymous.headers["Location"].startswith("/accounts/log-in/"), name
        assert getattr(_client(learner), method)(url).status_code == 403, name
    assert Question.objects.filter(status=QuestionStatus.RETIRED).count() == 0


def test_the_report_shows_both_charts_with_tables_and_the_item_table(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    page = _client(instructor).get(reverse("analytics:assessment_report", args=[quiz.slug]))

    assert page.status_code == 200
    html = page.content.decode()
    # the histogram, with the pass mark and a table of the same counts
    assert 'id="histogram"' in html
    assert "pass mark 60 %" in html
    assert "<caption>Attempts per score band</caption>" in html
    assert re.search(r"<th scope=\"row\">30 to under 40 %</th><td>2</td>", html)
    # the scatter: flagged items are squares that link to the item page
    copy_id = quiz.slots.get(position=1).question_id
    copy_url = reverse("authoring:question_statistics", args=[copy_id])
    assert re.search(rf'<a href="{copy_url}" class="point flagged" data-item="copy v1"', html)
    # the item table: its rows, flags and the per-item distractor breakdown
    assert "Non-functional distractors" in html
    assert "<summary>Options of copy v1</summary>" in html
    assert "non-functional</span>" in html


def test_the_item_table_sorts_by_any_column(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    url = reverse("analytics:assessment_report", args=[quiz.slug])
    ascending = _client(instructor).get(url, {"sort": "facility"}).content.decode()
    descending = _client(instructor).get(url, {"sort": "facility", "dir": "desc"}).content.decode()

    def order(html: str) -> list[str]:
        table = html.split('id="item-table"')[1]
        return re.findall(r"<th scope=\"row\"><a href=\"[^\"]+\">(\w+) v1</a>", table)

    # facilities: copy 50, kernel 75, pin 50
    assert order(ascending) == ["copy", "pin", "kernel"]
    assert order(descending) == ["kernel", "copy", "pin"]
    assert 'aria-sort="descending"' in descending


def test_the_report_counts_the_attempts_chosen(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    url = reverse("analytics:assessment_report", args=[quiz.slug])
    page = _client(instructor).get(url, {"attempts": "first"}).content.decode()
    csv_text = _client(instructor).get(reverse("analytics:assessment_report_csv", args=[quiz.slug]))
    assert '<option value="first" selected>' in page
    assert csv_text.content.decode().splitlines()[0].startswith("item,attempts,facility")


def test_the_item_page_shows_each_version_and_sets_difficulty_from_facility(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    kernel = quiz.slots.get(position=2).question
    url = reverse("authoring:question_statistics", args=[kernel.pk])
    client = _client(instructor)

    page = client.get(url).content.decode()
    assert "v1 (current)" in page
    assert "Set difficulty to 0.25" in page

    response = client.post(reverse("authoring:question_difficulty_from_facility", args=[kernel.pk]))
    kernel.refresh_from_db()
    assert response.status_code == 302
    assert kernel.current_version is not None
    assert (kernel.current_version.number, kernel.current_version.difficulty) == (2, 0.25)
    # the new version starts with no statistics of its own
    assert "v1</th>" in client.get(url).content.decode()
    assert "v2 (current)" not in client.get(url).content.decode()


def test_the_item_page_retires_the_item(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    pin = quiz.slots.get(position=3).question
    _client(instructor).post(reverse("authoring:question_retire", args=[pin.pk]))
    pin.refresh_from_db()
    assert pin.status == QuestionStatus.RETIRED


def test_the_course_view_shows_a_mastery_heatmap_with_a_table(
    quiz: Assessment, four_attempts: list[Attempt], instructor: User
) -> None:
    module = quiz.module
    page = _client(instructor).get(
        reverse("analytics:course_report", args=[module.course.slug, module.slug])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="heatmap"' in html
    assert "<caption>Mastery (%) per learner and section</caption>" in html
    # the four learners' section mastery: 3/3, 2/3, 1/3 and 1/3 of the points
    for percent in ("100", "67", "33"):
        assert f"<td>{percent}</td>" in html
    assert "No practical submission has been graded yet." in html


@pytest.mark.usefixtures("four_attempts")
def test_flags_appear_in_the_authoring_list(quiz: Assessment, instructor: User) -> None:
    html = _client(instructor).get(reverse("authoring:question_list")).content.decode()
    copy_id = quiz.slots.get(position=1).question_id
    row = html.split(f'id="q-{copy_id}"')[1].split("</tr>")[0]
    assert "Non-functional distractors" in row
    assert reverse("authoring:question_statistics", args=[copy_id]) in row
