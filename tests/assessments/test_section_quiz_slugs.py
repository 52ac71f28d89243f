"""A section quiz's slug: unique across courses although section slugs come from headings, at most
the column's length, and stable over re-syncs (assessments/services/catalogue.py)."""

import pytest

from assessments.models import Assessment, AssessmentKind
from assessments.services.catalogue import ASSESSMENT_SLUG_MAX_LENGTH, section_quiz_slug
from courses import api as courses_api
from courses.content_shape import SLUG_MAX_LENGTH
from courses.models import Section
from tests.factories import CourseFactory, ModuleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _data(section: Section) -> courses_api.SectionData:
    (found,) = [
        data
        for data in courses_api.section_list_for_module(module_id=section.module_id)
        if data.id == section.pk
    ]
    return found


def _section(course_slug: str, slug: str) -> Section:
    module = ModuleFactory(course=CourseFactory(slug=course_slug))
    return SectionFactory(module=module, slug=slug)


def _quiz(slug: str, section: Section) -> Assessment:
    return Assessment.objects.create(
        slug=slug,
        title=slug,
        kind=AssessmentKind.SECTION_QUIZ,
        module=section.module,
        section=section,
    )


def test_a_free_name_is_quiz_and_the_section() -> None:
    section = _section("ops", "networking")

    assert section_quiz_slug(section=_data(section)) == "quiz-networking"


def test_a_name_another_course_holds_gets_the_course_in_it_then_a_number() -> None:
    _quiz("quiz-networking", _section("first", "networking"))
    second = _section("second", "networking")

    assert section_quiz_slug(section=_data(second)) == "quiz-second-networking"

    _quiz("quiz-second-networking", _section("third", "other"))
    assert section_quiz_slug(section=_data(second)) == "quiz-second-networking-2"


def test_the_quiz_a_section_has_keeps_its_name() -> None:
    section = _section("ops", "networking")
    _quiz("quiz-ops-networking", section)

    assert section_quiz_slug(section=_data(section)) == "quiz-ops-networking"


def test_the_longest_section_slug_gives_a_slug_the_column_holds() -> None:
    long_slug = "a" * (SLUG_MAX_LENGTH - 4)
    first = _section("first", long_slug)
    second = _section("second", long_slug)
    third = _section("third-course", long_slug)

    names = []
    for section in (first, second, third):
        name = section_quiz_slug(section=_data(section))
        _quiz(name, section)
        names.append(name)

    assert len(set(names)) == 3
    assert all(len(name) <= ASSESSMENT_SLUG_MAX_LENGTH for name in names)
    assert names[0] == f"quiz-{long_slug}"[:ASSESSMENT_SLUG_MAX_LENGTH]
