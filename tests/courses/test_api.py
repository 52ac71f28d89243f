"""The internal Python API other apps call, and the read-only REST endpoints."""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from courses import api, api_urls
from courses.models import Section
from courses.services import ImportSummary
from tests.courses.conftest import COURSE_SLUG

pytestmark = pytest.mark.django_db

API_MODULE = f"/api/v1/courses/{COURSE_SLUG}/modules/module-1-1/"


def test_section_get_returns_plain_data(imported_module: ImportSummary) -> None:
    section_id = Section.objects.get(position=7).pk

    section = api.section_get(section_id=section_id)

    assert isinstance(section, api.SectionData)
    assert (section.title, section.course_slug, section.module_slug) == (
        "Essential Docker Commands",
        COURSE_SLUG,
        "module-1-1",
    )


def test_section_get_raises_for_an_unknown_id(db: None) -> None:
    with pytest.raises(api.CourseContentNotFoundError):
        api.section_get(section_id=404)


def test_section_list_for_module_hides_archived_sections_unless_asked(
    imported_module: ImportSummary,
) -> None:
    Section.objects.filter(position=7).update(is_archived=True)
    module = api.module_get(course_slug=COURSE_SLUG, module_slug="module-1-1")

    live = api.section_list_for_module(module_id=module.id)
    everything = api.section_list_for_module(module_id=module.id, include_archived=True)

    assert [section.position for section in live] == [1, 2, 3, 4, 5, 6]
    assert len(everything) == 7


def test_content_blocks_for_section_filters_by_kind(imported_module: ImportSummary) -> None:
    section_id = Section.objects.get(position=7).pk

    commands = api.content_blocks_for_section(section_id=section_id, kind="command")

    assert len(commands) == 45
    assert commands[1].payload["command"] == "docker build -t myapp:latest --target production ."
    assert all(isinstance(block, api.ContentBlockData) for block in commands)


def test_objective_list_for_module_names_the_teaching_sections(
    imported_module: ImportSummary,
) -> None:
    module_id = imported_module.module_id
    assert module_id is not None

    objectives = api.objective_list_for_module(module_id=module_id)

    assert [objective.position for objective in objectives] == [1, 2, 3, 4, 5]
    assert objectives[4].section_ids == (Section.objects.get(position=6).pk,)


def test_the_rest_api_needs_a_signed_in_user(
    client: Client, imported_module: ImportSummary
) -> None:
    assert client.get("/api/v1/courses/").status_code in {401, 403}


def test_a_learner_lists_courses_modules_and_sections(
    client: Client, learner: User, imported_module: ImportSummary
) -> None:
    client.force_login(learner)

    courses = client.get("/api/v1/courses/").json()
    modules = client.get(f"/api/v1/courses/{COURSE_SLUG}/modules/").json()
    sections = client.get(f"{API_MODULE}sections/").json()

    assert courses["results"] == [{"slug": COURSE_SLUG, "title": "Docker Basics"}]
    assert [module["slug"] for module in modules["results"]] == ["module-1-1"]
    assert sections["count"] == 7
    assert sections["results"][0]["slug"] == "understanding-containers-vs-virtual-machines"


def test_a_learner_reads_a_module_and_a_section_with_its_blocks(
    client: Client, learner: User, imported_module: ImportSummary
) -> None:
    client.force_login(learner)

    module = client.get(API_MODULE).json()
    section = client.get(f"{API_MODULE}sections/essential-docker-commands/").json()

    assert module["objectives"][3] == {
        "position": 4,
        "slug": "configure-docker-networking",
        "text": "Configure Docker networking",
        "section_slugs": ["docker-networking-basics"],
    }
    assert len(module["takeaways"]) == 5
    assert len(section["blocks"]) == 45
    assert section["blocks"][14]["payload"]["command"] == "docker ps -a"
    assert "<h2" in section["body_html"]


def test_unknown_api_resources_are_404(
    client: Client, learner: User, imported_module: ImportSummary
) -> None:
    client.force_login(learner)

    assert client.get("/api/v1/courses/nope/modules/").status_code == 404
    assert client.get(f"{API_MODULE}sections/nope/").status_code == 404


def test_the_endpoints_are_documented_in_the_openapi_schema() -> None:
    schema = SchemaGenerator(patterns=api_urls.urlpatterns).get_schema(request=None, public=True)

    paths = schema["paths"]
    detail = "/courses/{course_slug}/modules/{module_slug}/sections/{section_slug}/"
    assert set(paths) >= {"/courses/", "/courses/{course_slug}/modules/", detail}
    assert paths[detail]["get"]["summary"].startswith("A section with")
    assert "SectionDetailOutput" in schema["components"]["schemas"]
