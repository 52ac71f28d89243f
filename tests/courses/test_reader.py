"""The public reader pages, rendered from a real import."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Section
from courses.services import ImportSummary
from tests.courses.conftest import COURSE_SLUG
from tests.factories import ModuleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _section_url(slug: str) -> str:
    return reverse(
        "courses:section",
        kwargs={"course_slug": COURSE_SLUG, "module_slug": "module-1-1", "section_slug": slug},
    )


def test_home_features_the_only_module_for_anonymous_readers(
    client: Client, imported_module: ImportSummary
) -> None:
    response = client.get(reverse("courses:home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Module 1.1: Docker &amp; Containerization Basics" in content
    assert "Start reading: Understanding Containers vs Virtual Machines" in content


def test_home_lists_every_module_when_there_are_several(client: Client) -> None:
    # given
    first = ModuleFactory(title="Containers")
    ModuleFactory(course=first.course, title="Registries")
    SectionFactory(module=first)

    # when
    content = client.get(reverse("courses:home")).content.decode()

    # then
    assert "Containers" in content
    assert "Registries" in content
    assert "Start reading" not in content


def test_module_overview_shows_objectives_sections_and_takeaways(
    client: Client, imported_module: ImportSummary
) -> None:
    response = client.get(
        reverse("courses:module", kwargs={"course_slug": COURSE_SLUG, "module_slug": "module-1-1"})
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Configure Docker networking" in content
    assert _section_url("docker-networking-basics") in content
    assert "7. Essential Docker Commands" in content
    assert "<strong>Containers vs VMs</strong>: Containers are lightweight" in content
    assert "Next Steps" in content


def test_section_page_renders_highlighted_code_diagrams_and_tables(
    client: Client, imported_module: ImportSummary
) -> None:
    dockerfiles = client.get(_section_url("writing-production-ready-dockerfiles"))
    virtual_machines = client.get(_section_url("understanding-containers-vs-virtual-machines"))

    assert dockerfiles.status_code == 200
    code = dockerfiles.content.decode()
    assert '<div class="highlight"><pre><span></span><code><span class="c">' in code
    assert '<span class="k">FROM</span>' in code
    assert "❌ Bad - Uses latest, unpredictable" in code
    page = virtual_machines.content.decode()
    assert '<pre class="diagram"><code>┌──' in page
    assert '<div class="table-wrap"><table>' in page
    assert "<th>Feature</th>" in page


def test_section_page_has_contents_neighbours_and_objectives_taught_here(
    client: Client, imported_module: ImportSummary
) -> None:
    content = client.get(_section_url("docker-networking-basics")).content.decode()

    assert '<h1 id="section-title">Docker Networking Basics</h1>' in content
    assert '<a href="#h-network-types">Network Types</a>' in content
    assert '<h2 id="h-network-types">Network Types</h2>' in content
    assert f'rel="prev" href="{_section_url("multi-stage-builds-for-optimization")}"' in content
    assert f'rel="next" href="{_section_url("container-security-best-practices")}"' in content
    assert "Objectives taught here" in content
    assert "<li>Configure Docker networking</li>" in content
    assert 'aria-current="page"' in content


def test_the_last_section_links_back_to_the_overview(
    client: Client, imported_module: ImportSummary
) -> None:
    content = client.get(_section_url("essential-docker-commands")).content.decode()

    assert 'rel="next"' not in content
    assert "Back to the module overview" in content


def test_section_page_uses_three_queries(
    client: Client, imported_module: ImportSummary, django_assert_num_queries
) -> None:
    url = _section_url("docker-networking-basics")

    with django_assert_num_queries(3):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "slug", ["no-such-section", "essential-docker-commands"], ids=["unknown", "archived"]
)
def test_unknown_and_archived_sections_are_not_found(
    client: Client, imported_module: ImportSummary, slug: str
) -> None:
    Section.objects.filter(slug="essential-docker-commands").update(is_archived=True)

    assert client.get(_section_url(slug)).status_code == 404


def test_an_unknown_module_is_not_found(client: Client, imported_module: ImportSummary) -> None:
    url = reverse("courses:module", kwargs={"course_slug": COURSE_SLUG, "module_slug": "nope"})

    assert client.get(url).status_code == 404
