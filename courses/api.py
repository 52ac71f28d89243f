"""The courses app's door for other apps: plain frozen dataclasses, never model instances.

Other apps (assessments, certificates) read course content through these functions only.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from courses import rendering
from courses.access import MAX_STAFF_PER_SOURCE as MAX_STAFF_PER_SOURCE

# Re-exported: the per-course staff rule and the staff list a course package syncs.
from courses.access import CourseStaffError as CourseStaffError
from courses.access import course_ids_for_staff as course_ids_for_staff
from courses.access import course_staff_add_user as _course_staff_add_user
from courses.access import course_staff_set as _course_staff_set
from courses.access import module_ids_for_staff as module_ids_for_staff
from courses.access import staff_identifier_normalize as staff_identifier_normalize
from courses.access import user_is_site_admin as user_is_site_admin
from courses.access import user_is_staff_anywhere as user_is_staff_anywhere
from courses.access import user_may_edit_course as _user_may_edit_course
from courses.access import user_may_edit_module as user_may_edit_module
from courses.enrolment import EnrolmentRefusedError as EnrolmentRefusedError
from courses.enrolment import course_list_for_learner as course_list_for_learner
from courses.enrolment import enrolment_create as enrolment_create
from courses.enrolment import enrolment_for_module as enrolment_for_module

# Re-exported: a course package's sync imports its modules through this door.
from courses.importer import CourseImportError as CourseImportError
from courses.importer import module_parse
from courses.models import ContentBlock, Course, LearningObjective, Module, ObjectiveOrigin, Section
from courses.models import EnrolmentSource as EnrolmentSource
from courses.models import StaffRole as StaffRole
from courses.models import StaffSource as StaffSource

# Re-exported: the question bank declares supplementary objectives through this door.
from courses.objective_supplements import ObjectiveSupplement as ObjectiveSupplement
from courses.objective_supplements import (
    objective_supplements_sync as _objective_supplements_sync,
)
from courses.services import module_import_file as _module_import_file
from courses.services import module_slug_for
from quayside.errors import NotFoundError
from quayside.scope import ModuleScope, in_scope


class CourseContentNotFoundError(NotFoundError):
    """The requested module or section does not exist."""


@dataclass(frozen=True)
class ModuleData:
    id: int
    course_slug: str
    slug: str
    number: str
    title: str


@dataclass(frozen=True)
class SectionData:
    id: int
    module_id: int
    course_slug: str
    module_slug: str
    slug: str
    position: int
    title: str
    body_markdown: str
    body_html: str
    is_archived: bool


@dataclass(frozen=True)
class ObjectiveData:
    id: int
    module_id: int
    position: int
    slug: str
    text: str
    section_ids: tuple[int, ...]
    is_archived: bool


@dataclass(frozen=True)
class ContentBlockData:
    id: int
    section_id: int
    key: str
    position: int
    kind: str
    payload: dict[str, Any]


def _section_data(section: Section) -> SectionData:
    return SectionData(
        id=section.pk,
        module_id=section.module_id,
        course_slug=section.module.course.slug,
        module_slug=section.module.slug,
        slug=section.slug,
        position=section.position,
        title=section.title,
        body_markdown=section.body_markdown,
        body_html=section.body_html,
        is_archived=section.is_archived,
    )


def module_get(*, course_slug: str, module_slug: str) -> ModuleData:
    module = (
        Module.objects.select_related("course")
        .filter(course__slug=course_slug, slug=module_slug)
        .first()
    )
    if module is None:
        raise CourseContentNotFoundError(f"No module {course_slug}/{module_slug}.")
    return ModuleData(
        id=module.pk,
        course_slug=module.course.slug,
        slug=module.slug,
        number=module.number,
        title=module.title,
    )


def section_get(*, section_id: int) -> SectionData:
    """A section by id, archived or not (questions may point at archived sections)."""
    section = Section.objects.select_related("module__course").filter(pk=section_id).first()
    if section is None:
        raise CourseContentNotFoundError(f"No section {section_id}.")
    return _section_data(section)


def section_list_for_module(*, module_id: int, include_archived: bool = False) -> list[SectionData]:
    sections = Section.objects.select_related("module__course").filter(module_id=module_id)
    if not include_archived:
        sections = sections.filter(is_archived=False)
    return [_section_data(section) for section in sections.order_by("is_archived", "position")]


def content_blocks_for_section(
    *, section_id: int, kind: str | None = None
) -> list[ContentBlockData]:
    """The live content blocks of a section in reading order, optionally of one kind."""
    blocks = ContentBlock.objects.filter(section_id=section_id, is_archived=False)
    if kind is not None:
        blocks = blocks.filter(kind=kind)
    return [
        ContentBlockData(
            id=block.pk,
            section_id=block.section_id,
            key=block.key,
            position=block.position,
            kind=block.kind,
            payload=block.payload,
        )
        for block in blocks.order_by("position")
    ]


def objective_list_for_module(*, module_id: int) -> list[ObjectiveData]:
    """The module's live learning objectives with the ids of the sections teaching each."""
    objectives = (
        LearningObjective.objects.filter(module_id=module_id, is_archived=False)
        .prefetch_related("taught_in")
        .order_by("position")
    )
    return [
        ObjectiveData(
            id=objective.pk,
            module_id=objective.module_id,
            position=objective.position,
            slug=objective.slug,
            text=objective.text,
            section_ids=tuple(sorted(section.pk for section in objective.taught_in.all())),
            is_archived=objective.is_archived,
        )
        for objective in objectives
    ]


# The demo course that scripts/start syncs (coursepackages.layout.DEMO_PACKAGE_DIR).
DEMO_COURSE_SLUG = "docker-basics"
DEMO_MODULE_SLUG = "module-1-1"


@dataclass(frozen=True)
class ModuleImportOutcome:
    """What importing one module file of a course package did."""

    module_id: int
    module_slug: str
    created: bool
    changed: bool


@dataclass(frozen=True)
class ModuleOutline:
    """What a module's Markdown declares, read without writing anything (for `new_course`)."""

    slug: str
    title: str
    # (slug, title) of each section, in order.
    sections: tuple[tuple[str, str], ...]
    objective_count: int


def module_outline(*, source: bytes) -> ModuleOutline:
    """Parse a module's Markdown as the import would; raises CourseImportError if it cannot."""
    parsed = module_parse(raw=source)
    return ModuleOutline(
        slug=module_slug_for(number=parsed.number, title=parsed.title),
        title=parsed.title,
        sections=tuple((section.slug, section.title) for section in parsed.sections),
        objective_count=len(parsed.objectives),
    )


def module_import_file(*, path: Path, course_slug: str, course_title: str) -> ModuleImportOutcome:
    """Import a module's Markdown into the course (`courses.services.module_import_file`);
    raises CourseImportError with nothing written when the file cannot be imported."""
    summary = _module_import_file(path=path, course_slug=course_slug, course_title=course_title)
    assert summary.module_id is not None  # set by every import that returns
    return ModuleImportOutcome(
        module_id=summary.module_id,
        module_slug=summary.module_slug,
        created=summary.counts["modules"].created > 0,
        changed=summary.changed,
    )


@dataclass(frozen=True)
class BlockInSection:
    """A content block with the section facts a question generator cites."""

    key: str
    kind: str
    payload: dict[str, Any]
    section_id: int
    section_position: int
    section_title: str


def course_slugs_for_staff(user: Any) -> frozenset[str] | None:
    """The slugs of the courses this user is staff of; None for site administrators (all)."""
    course_ids = course_ids_for_staff(user)
    if course_ids is None:
        return None
    return frozenset(Course.objects.filter(pk__in=course_ids).values_list("slug", flat=True))


def module_id_for(*, course_slug: str, module_slug: str) -> int | None:
    return (
        Module.objects.filter(course__slug=course_slug, slug=module_slug)
        .values_list("pk", flat=True)
        .first()
    )


def course_ids_by_slug(*, slugs: Iterable[str]) -> dict[str, int]:
    """The ids of those of the courses that exist, by slug (a missing slug is simply absent)."""
    return dict(Course.objects.filter(slug__in=list(slugs)).values_list("slug", "pk"))


def section_ids_by_slug(*, module_id: int) -> dict[str, int]:
    return dict(
        Section.objects.filter(module_id=module_id, is_archived=False).values_list("slug", "pk")
    )


def objective_ids_by_position(*, module_id: int) -> dict[int, int]:
    return dict(
        LearningObjective.objects.filter(module_id=module_id, is_archived=False).values_list(
            "position", "pk"
        )
    )


@dataclass(frozen=True)
class ObjectiveReferences:
    """How other apps name a module's live objectives: the course's own by their 1-based
    position in the text, any objective (supplements included) by its slug."""

    by_position: dict[int, int]
    by_slug: dict[str, int]


def _references(rows: list[tuple[int, int, str, str]]) -> ObjectiveReferences:
    return ObjectiveReferences(
        by_position={
            position: pk for pk, position, _, origin in rows if origin == ObjectiveOrigin.COURSE
        },
        by_slug={slug: pk for pk, _, slug, _ in rows},
    )


def objective_supplements_sync(
    *, module_id: int, supplements: list[ObjectiveSupplement]
) -> ObjectiveReferences:
    """Declare the objectives another app needs beyond the course text (see
    `courses.objective_supplements.objective_supplements_sync`); returns the module's references
    after."""
    rows = _objective_supplements_sync(module_id=module_id, supplements=supplements)
    return _references([(row.pk, row.position, row.slug, row.origin) for row in rows])


def section_choices(*, module_ids: ModuleScope = None) -> list[tuple[int, str]]:
    """Every live section in scope as (id, "Module N · position. title"), for instructors'
    forms: an instructor's form offers only the sections of the courses they teach."""
    sections = Section.objects.filter(
        in_scope("module", module_ids), is_archived=False
    ).select_related("module")
    return [
        (section.pk, f"{section.module.number} · {section.position}. {section.title}")
        for section in sections.order_by("module__number", "position")
    ]


def objective_choices(*, module_ids: ModuleScope = None) -> list[tuple[int, str]]:
    objectives = LearningObjective.objects.filter(
        in_scope("module", module_ids), is_archived=False
    ).select_related("module")
    return [
        (objective.pk, f"{objective.module.number} · {objective.position}. {objective.text}")
        for objective in objectives.order_by("module__number", "position")
    ]


def section_citations() -> dict[int, str]:
    """{section id: "Section N: Title"}: how feedback sends a learner back to the course."""
    return {
        pk: f"Section {position}: {title}"
        for pk, position, title in Section.objects.values_list("pk", "position", "title")
    }


def content_blocks_for_module(*, module_id: int) -> list[BlockInSection]:
    blocks = (
        ContentBlock.objects.filter(
            section__module_id=module_id, section__is_archived=False, is_archived=False
        )
        .select_related("section")
        .order_by("section__position", "position")
    )
    return [
        BlockInSection(
            key=block.key,
            kind=block.kind,
            payload=block.payload,
            section_id=block.section_id,
            section_position=block.section.position,
            section_title=block.section.title,
        )
        for block in blocks
    ]


def markdown_render(text: str) -> str:
    """Sanitised HTML for Markdown written by instructors (question prompts, options, feedback)."""
    return rendering.markdown_render(text=text)


def course_titles() -> list[tuple[str, str]]:
    """Every course as (slug, title): what an LMS can place."""
    return list(Course.objects.order_by("title", "slug").values_list("slug", "title"))


def course_first_module(*, course_slug: str) -> ModuleData | None:
    """The course's first module, where a learner arriving at the course starts."""
    module = (
        Module.objects.filter(course__slug=course_slug)
        .select_related("course")
        .order_by("number", "slug")
        .first()
    )
    if module is None:
        return None
    return ModuleData(
        id=module.pk,
        course_slug=module.course.slug,
        slug=module.slug,
        number=module.number,
        title=module.title,
    )


def markdown_render_inline(text: str) -> str:
    """Sanitised inline HTML for one line of instructors' Markdown (a matching item, a label)."""
    return rendering.markdown_render_inline(text=text)


def course_staff_set(
    *,
    course: Course | str,
    identifiers: Sequence[str],
    role: StaffRole = StaffRole.INSTRUCTOR,
    source: StaffSource = StaffSource.PACKAGE,
) -> tuple[list[str], list[str]]:
    """Replace the staff a course package lists (see `courses.access.course_staff_set`).

    `course` is a Course or its slug; `identifiers` are emails (CourseStaffError otherwise).
    Returns (added, removed). A person listed before they have an account becomes staff when
    their account's email is proven: the match is made when access is checked, not here.
    """
    row = course if isinstance(course, Course) else Course.objects.get(slug=course)
    return _course_staff_set(course=row, identifiers=identifiers, role=role, source=source)


def user_may_edit_course(user: Any, course: Course | int | str) -> bool:
    """The per-course staff rule: may this user author, grade and read results in the course?
    `course` is a Course, its id or its slug."""
    if isinstance(course, str):
        course_id = Course.objects.filter(slug=course).values_list("pk", flat=True).first()
        if course_id is None:
            return False
        return _user_may_edit_course(user, course_id)
    return _user_may_edit_course(user, course)


def module_ids_of_course(*, course_slug: str) -> frozenset[int] | None:
    """The modules of a course (a course's scope, quayside.scope); None when no such course."""
    if not Course.objects.filter(slug=course_slug).exists():
        return None
    return frozenset(Module.objects.filter(course__slug=course_slug).values_list("pk", flat=True))


def course_filter_scope(*, course_slug: str | None) -> frozenset[int] | None:
    """A page's `?course=<slug>` filter as a module scope (quayside.scope): None (every course)
    when no course is asked for; raises CourseContentNotFoundError for an unknown course."""
    if not course_slug:
        return None
    module_ids = module_ids_of_course(course_slug=course_slug)
    if module_ids is None:
        raise CourseContentNotFoundError(f"No course {course_slug!r}.")
    return module_ids


def course_id_for(*, course_slug: str) -> int | None:
    return Course.objects.filter(slug=course_slug).values_list("pk", flat=True).first()


def enrolment_for_course(*, course_id: int, learner: Any, source: EnrolmentSource) -> bool:
    """Enrol a learner in a course by its id (an LMS launch or roster); True when new."""
    course = Course.objects.get(pk=course_id)
    return enrolment_create(course=course, learner=learner, source=source)


def course_staff_add_from_lms(*, course_id: int, user: Any) -> bool:
    """An LMS says this user teaches the course (an instructor role in a context placing it)."""
    course = Course.objects.get(pk=course_id)
    return _course_staff_add_user(course=course, user=user, source=StaffSource.LMS)
