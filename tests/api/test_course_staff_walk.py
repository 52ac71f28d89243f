"""Staff per course, walked from the URL resolver: an instructor of one course is refused every
instructor route, page and endpoint, on the objects of another course, and their lists there
mention none of it. The instructor of that other course (the `instructor` fixture) is let in.

The world is the scope walk's: every object lives in "out-course". The stranger teaches
"in-course" only. A new instructor route is covered as soon as it exists: API routes through
the scope walk's EXPECTED, pages by finding the routes that refuse a signed-in learner.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from courses import api as courses_api
from courses.models import Course, Section
from tests.api.test_scope_walk import (
    BODIES,
    EXPECTED,
    OUT_MARKERS,
    _client,
    _url,
    api_routes,
    methods_of,
    s,
    world,  # noqa: F401  (the fixture)
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Instructor routes that take no object: the stranger is let in, and sees only their course.
API_OWN_COURSE_ONLY = {
    ("api-question-list", "GET"): s(200),
    ("api-certification-programs", "GET"): s(200),
    # Empty bodies and missing parameters: the stranger is told what is missing, nothing more.
    ("api-question-list", "POST"): s(400),
    ("api-question-import", "POST"): s(415),
    ("api-question-export", "GET"): s(400),
}


@pytest.fixture
def stranger(world: Any) -> User:  # noqa: F811
    """An instructor of in-course only, listed by email in its package (proven: has a password)."""
    user = User.objects.create_user(
        email="stranger@example.org",
        password=PASSWORD,
        display_name="Stranger",
        role=Role.INSTRUCTOR,
    )
    courses_api.course_staff_set(
        course=Course.objects.get(slug="in-course"), identifiers=[user.email]
    )
    return user


def _token(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def _instructor_only(name: str, method: str) -> bool:
    expect = EXPECTED[(name, method)]
    return expect.other in (s(403), s(404)) and expect.instructor != expect.other


def test_an_instructor_of_another_course_is_refused_on_every_instructor_api_route(
    world: Any,  # noqa: F811
    stranger: User,
) -> None:
    kwargs, slugs, _people, code = world
    client = _client(f"Token {_token(stranger)}")
    checked = 0
    failures: list[str] = []
    for name, pattern in api_routes():
        for method in methods_of(pattern):
            if not _instructor_only(name, method):
                continue
            checked += 1
            url = _url(name, pattern, kwargs, slugs)
            response = getattr(client, method.lower())(url, BODIES.get(name, {}), format="json")
            allowed = API_OWN_COURSE_ONLY.get((name, method), s(404))
            if response.status_code not in allowed:
                failures.append(f"{method} {url}: {response.status_code}")
            # A refusal names the URL asked for (problem+json "instance"); answers must not.
            body = response.content.decode(errors="replace")
            leaked = [marker for marker in (*OUT_MARKERS, code) if marker in body]
            if leaked and response.status_code == 200:
                failures.append(f"{method} {url} leaks {leaked}")
    assert failures == [], "\n".join(failures)
    assert checked >= 20  # the walk really met the instructor routes


def test_an_instructor_of_another_course_cannot_put_a_question_into_it(
    world: Any,  # noqa: F811
    stranger: User,
) -> None:
    out_section = Section.objects.get(slug="out-section")
    client = _client(f"Token {_token(stranger)}")
    response = client.post(
        "/api/v1/authoring/questions/",
        {
            "key": "smuggled",
            "section": out_section.pk,
            "type": "true_false",
            "spec": {"prompt": "Yes?", "answer": True, "feedback": "Section 1."},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "section" in response.json()["errors"] or "section" in response.content.decode()


def test_an_instructor_of_another_course_exports_none_of_its_questions(
    world: Any,  # noqa: F811
    stranger: User,
    instructor: User,
) -> None:
    stranger_export = _client(f"Token {_token(stranger)}").get(
        "/api/v1/authoring/questions/export/", {"format": "gift"}
    )
    owner_export = _client(f"Token {_token(instructor)}").get(
        "/api/v1/authoring/questions/export/", {"format": "gift"}
    )
    assert owner_export.status_code == 200
    assert b"Yes?" in owner_export.content
    assert b"Yes?" not in stranger_export.content


# Pages ----------------------------------------------------------------------------------------

# Pages that end the walker's session rather than answer it.
SESSION_ENDING = {"accounts:logout"}
PAGE_KWARGS_BY_KIND = {
    "practicals": "out-task",
    "certificates": "out-program",
}


def page_routes() -> Iterator[tuple[str, URLPattern]]:
    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Any]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace
                )
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield prefix + str(pattern.pattern), name, pattern

    for route, name, pattern in walk(get_resolver().url_patterns, "", None):
        if not route.startswith(("api/", "admin/")):
            yield name, pattern


def _page_url(name: str, pattern: URLPattern, kwargs: dict[str, Any]) -> str | None:
    wanted = dict(pattern.pattern.converters)
    values: dict[str, Any] = {}
    for key in wanted:
        if key == "slug":
            values["slug"] = PAGE_KWARGS_BY_KIND.get(name.split(":")[0], "out-quiz")
        elif key in kwargs:
            values[key] = kwargs[key]
        elif key.endswith("_id"):
            values[key] = 1
        else:
            return None
    return reverse(name, kwargs=values)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_instructor_of_another_course_is_refused_on_every_instructor_page(
    world: Any,  # noqa: F811
    stranger: User,
    instructor: User,
    learner: User,
) -> None:
    kwargs, _, _, code = world
    as_learner, as_stranger = _signed_in(learner), _signed_in(stranger)
    as_owner = _signed_in(instructor)
    instructor_pages = 0
    failures: list[str] = []
    for name, pattern in page_routes():
        url = _page_url(name, pattern, kwargs)
        if url is None or name in SESSION_ENDING:
            continue
        for method in ("get", "post"):
            if getattr(as_learner, method)(url).status_code != 403:
                continue  # not an instructor page (or not for this method)
            instructor_pages += 1
            refused = getattr(as_stranger, method)(url)
            body = refused.content.decode(errors="replace")
            takes_object = bool(pattern.pattern.converters)
            # 405: past the gate, the page answers only its other method (walked too).
            if takes_object and refused.status_code not in (404, 405):
                failures.append(f"{method.upper()} {url} as stranger: {refused.status_code}")
            leaked = [
                marker for marker in ("out-quiz", "out-task", "out-program", code) if marker in body
            ]
            if leaked and refused.status_code == 200:
                failures.append(f"{method.upper()} {url} as stranger leaks {leaked}")
            if takes_object and not name.startswith("lti:"):
                # The URL really names an object of out-course: its own staff get past the gate.
                let_in = getattr(as_owner, method)(url)
                if let_in.status_code in (403, 404) and refused.status_code == 404:
                    failures.append(f"{method.upper()} {url} as its staff: {let_in.status_code}")
    assert failures == [], "\n".join(failures)
    assert instructor_pages >= 20
