"""No 500 on hostile input, on any route: out-of-range numbers in paths and filters, JSON nested
50,000 levels deep (anonymous endpoints included)."""

import json

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.urls.converters import IntConverter, get_converters
from rest_framework.test import APIClient

from accounts.models import Role, User
from quayside.identifiers import MAX_DATABASE_INTEGER
from quayside.parsers import StrictJSONParser
from quayside.untrusted_json import MAX_JSON_DEPTH
from tests.quayside.routes import Route, project_routes

PROBLEM = "application/problem+json"
PAST_ANY_INTEGER = "99999999999999999999"
DEEP_JSON = "[" * 50_000 + "]" * 50_000
BODY_METHODS = ("post", "put", "patch")

ROUTES = project_routes()
NUMBER_ROUTES = [route for route in ROUTES if "number" in route.converters]
API_ROUTES = [route for route in ROUTES if route.template.startswith("api/v1/")]


@pytest.fixture
def instructor_client(db: None) -> Client:
    instructor = User.objects.create_user(
        email="grace@example.org", password=None, display_name="Grace", role=Role.INSTRUCTOR
    )
    client = Client()
    client.force_login(instructor)
    return client


def _reaches(url: str, route: Route) -> bool:
    try:
        return resolve(url).func is route.callback
    except Resolver404:
        return False


def test_the_walk_finds_the_routes_that_take_numbers():
    assert "api/v1/attempts/<number:attempt_id>/answers/<number:position>/" in {
        route.template for route in NUMBER_ROUTES
    }
    assert len(API_ROUTES) > 30


def test_no_route_takes_an_unbounded_integer():
    unbounded = {
        name for name, converter in get_converters().items() if type(converter) is IntConverter
    }
    offenders = [route.template for route in ROUTES if unbounded & set(route.converters)]

    assert offenders == []


@pytest.mark.parametrize("route", NUMBER_ROUTES, ids=lambda route: route.template)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_out_of_range_number_in_any_path_matches_no_route(
    instructor_client, route: Route, method
):
    url = route.url(number=PAST_ANY_INTEGER, slug="x")

    response = getattr(instructor_client, method)(url)

    assert not _reaches(url, route)
    if route.template.startswith("api/"):
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    else:
        # another route answers, if any (the course reader's catch-all, APPEND_SLASH): never a 500
        assert 300 <= response.status_code < 500


@pytest.mark.parametrize("route", NUMBER_ROUTES, ids=lambda route: route.template)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_largest_stored_number_in_any_path_reaches_the_view_without_a_500(
    instructor_client, route: Route, method
):
    response = getattr(instructor_client, method)(
        route.url(number=str(MAX_DATABASE_INTEGER), slug="x")
    )

    assert response.status_code < 500


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/authoring/questions/?section=18446744073709551615",
        "/api/v1/authoring/questions/?objective=99999999999999999999",
        "/api/v1/authoring/questions/?section=%C2%B2",
        "/api/v1/authoring/questions/export/?format=gift&section=18446744073709551615",
    ],
)
def test_an_out_of_range_number_in_a_filter_is_a_validation_problem(instructor_client, query):
    response = instructor_client.get(query)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["field"] in {"section", "objective"}


@pytest.mark.parametrize(
    "page",
    [
        "/authoring/?section=18446744073709551615&objective=%C2%B2",
        "/authoring/export/?format=gift&section=18446744073709551615",
    ],
)
def test_out_of_range_filters_on_pages_are_ignored_not_a_500(instructor_client, page):
    assert instructor_client.get(page).status_code == 200


def test_every_api_view_reads_json_strictly():
    lax = sorted(
        route.template
        for route in API_ROUTES
        if route.view_class is not None
        for parser in route.view_class.parser_classes
        if "json" in parser.media_type and not issubclass(parser, StrictJSONParser)
    )

    assert lax == []


def _takes_a_body(route: Route) -> list[str]:
    view = route.view_class
    return [method for method in BODY_METHODS if view is not None and hasattr(view, method)]


BODY_ROUTES = [
    pytest.param(route, method, id=f"{method} {route.template}")
    for route in API_ROUTES
    for method in _takes_a_body(route)
]


@pytest.mark.parametrize(("route", "method"), BODY_ROUTES)
def test_json_nested_50000_deep_is_a_4xx_problem_on_every_endpoint(
    instructor_client, route: Route, method
):
    url = route.url(number="1", slug="x", str="x")

    signed_in = getattr(instructor_client, method)(url, DEEP_JSON, content_type="application/json")
    anonymous = getattr(APIClient(), method)(url, DEEP_JSON, content_type="application/json")

    for response in (signed_in, anonymous):
        assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
        assert response["Content-Type"] == PROBLEM


def test_the_anonymous_verify_endpoint_names_the_depth_limit(db):
    response = APIClient().post("/api/v1/verify/", DEEP_JSON, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert f"deeper than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


def test_a_repeated_key_in_a_request_body_is_refused(db):
    body = '{"code": "ABCDE-FGHJK-MNPQR-STVWX", "code": "00000-00000-00000-00000"}'

    response = APIClient().post("/api/v1/verify/", body, content_type="application/json")

    assert response.status_code == 400
    assert "repeats the key 'code'" in response.json()["detail"]


def test_json_at_the_depth_limit_is_still_read(db):
    nested: object = "ABCDE-FGHJK-MNPQR-STVWX"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    body = json.dumps({"credential": nested})

    response = APIClient().post("/api/v1/verify/", body, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["verdict"] == "invalid"
