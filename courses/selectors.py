"""Reads for the course reader. Reading is public; archived sections and objectives are hidden."""

import html
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from courses.enrolment import course_catalogue
from courses.models import ContentBlock, Course, KeyTakeaway, LearningObjective, Module, Section
from quayside.scope import ModuleScope, in_scope

_BODY_HEADING = re.compile(r'<h2 id="(?P<anchor>[^"]+)">(?P<inner>.*?)</h2>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PageHeading:
    anchor: str
    text: str


@dataclass(frozen=True)
class ModuleOverview:
    module: Module
    sections: list[Section]
    objectives: list[LearningObjective]
    takeaways: list[KeyTakeaway]


@dataclass(frozen=True)
class SectionReading:
    section: Section
    module: Module
    sections: list[Section]
    previous: Section | None
    next: Section | None
    objectives: list[LearningObjective]
    headings: list[PageHeading]


def _live_sections() -> QuerySet[Section]:
    return Section.objects.filter(is_archived=False).order_by("position")


def course_list_for_reader(*, user: Any = None) -> list[Course]:
    """The catalogue: courses that have modules, each with its modules and their live sections
    prefetched, and `is_enrolled` for this user (False for anonymous visitors)."""
    modules = Module.objects.order_by("number", "slug").prefetch_related(
        Prefetch("sections", queryset=_live_sections().only("id", "module_id", "slug", "title"))
    )
    return list(course_catalogue(user=user).prefetch_related(Prefetch("modules", queryset=modules)))


def module_get_for_reader(
    *, course_slug: str, module_slug: str, module_ids: ModuleScope = None
) -> ModuleOverview:
    """The module's overview page content; raises Http404 when there is no such module."""
    module = (
        Module.objects.select_related("course")
        .filter(in_scope("id", module_ids), course__slug=course_slug, slug=module_slug)
        .first()
    )
    if module is None:
        raise Http404("No such module.")
    objectives = (
        module.objectives.filter(is_archived=False)
        .order_by("position")
        .prefetch_related(Prefetch("taught_in", queryset=_live_sections()))
    )
    return ModuleOverview(
        module=module,
        sections=list(_live_sections().filter(module=module)),
        objectives=list(objectives),
        takeaways=list(module.takeaways.order_by("position")),
    )


def _headings(body_html: str) -> list[PageHeading]:
    return [
        PageHeading(anchor=match["anchor"], text=html.unescape(_TAG.sub("", match["inner"])))
        for match in _BODY_HEADING.finditer(body_html)
    ]


def section_get_for_reader(
    *, course_slug: str, module_slug: str, section_slug: str
) -> SectionReading:
    """A section page: the section, its neighbours and the objectives it teaches. Three queries.

    Raises Http404 for unknown and archived sections.
    """
    section = (
        Section.objects.select_related("module__course")
        .filter(
            module__course__slug=course_slug,
            module__slug=module_slug,
            slug=section_slug,
            is_archived=False,
        )
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    siblings = list(
        _live_sections().filter(module_id=section.module_id).only("id", "slug", "title", "position")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == section.pk)
    objectives = list(
        LearningObjective.objects.filter(taught_in=section, is_archived=False).order_by("position")
    )
    return SectionReading(
        section=section,
        module=section.module,
        sections=siblings,
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(siblings) else None,
        objectives=objectives,
        headings=_headings(section.body_html),
    )


def course_list(*, module_ids: ModuleScope = None) -> QuerySet[Course]:
    """Courses with a module in scope (every course when the scope is unrestricted)."""
    if module_ids is None:
        return Course.objects.order_by("title", "slug")
    return (
        Course.objects.filter(in_scope("modules__id", module_ids))
        .distinct()
        .order_by("title", "slug")
    )


def module_list_for_course(*, course_slug: str, module_ids: ModuleScope = None) -> QuerySet[Module]:
    """The course's modules; raises Http404 when the course does not exist."""
    modules = Module.objects.filter(in_scope("id", module_ids), course__slug=course_slug)
    if not modules.exists():
        raise Http404("No such course.")
    return modules.order_by("number", "slug")


def section_list_for_module(
    *, course_slug: str, module_slug: str, module_ids: ModuleScope = None
) -> QuerySet[Section]:
    """The module's live sections; raises Http404 when the module does not exist."""
    if not Module.objects.filter(
        in_scope("id", module_ids), course__slug=course_slug, slug=module_slug
    ).exists():
        raise Http404("No such module.")
    return _live_sections().filter(module__course__slug=course_slug, module__slug=module_slug)


def section_get_with_blocks(
    *, course_slug: str, module_slug: str, section_slug: str, module_ids: ModuleScope = None
) -> Section:
    """A live section with its live content blocks in `live_blocks`; raises Http404."""
    live_blocks = ContentBlock.objects.filter(is_archived=False).order_by("position")
    section = (
        _live_sections()
        .filter(in_scope("module_id", module_ids))
        .filter(module__course__slug=course_slug, module__slug=module_slug, slug=section_slug)
        .prefetch_related(Prefetch("blocks", queryset=live_blocks, to_attr="live_blocks"))
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    return section
