"""`course.yaml`: what the package is (slug, title, version), its main module and its staff."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from coursepackages.layout import COURSE_FILE
from coursepackages.problems import PackageProblem, yaml_scalar_lines
from courses import api as courses_api

MANIFEST_FIELDS = frozenset({"slug", "title", "version", "module", "staff", "drafts"})
REQUIRED_FIELDS = ("slug", "title", "version")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The course slug is a URL part and a column of 100 characters (courses.content_shape).
MAX_SLUG_LENGTH = 100


@dataclass(frozen=True)
class CourseManifest:
    slug: str
    title: str
    version: str
    # The module the bank, assessments, tasks and certification belong to ("" = the only one).
    module: str
    # Emails of the people who may edit the course (courses.api.course_staff_set).
    staff: tuple[str, ...]
    # Generate draft questions from the modules' content blocks at each sync (review queue).
    drafts: bool = False


def _staff(raw: object, problem: Any) -> tuple[str, ...]:
    """The staff list, each entry checked by the courses app's own rule (so a list this
    accepts is one `courses.api.course_staff_set` accepts), at the entry's line."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(entry, str) for entry in raw):
        problem("staff", "staff must be a list of email addresses")
        return ()
    if len(raw) > courses_api.MAX_STAFF_PER_SOURCE:
        problem("staff", f"{len(raw)} staff listed; at most {courses_api.MAX_STAFF_PER_SOURCE}")
    staff = []
    for entry in raw:
        try:
            staff.append(courses_api.staff_identifier_normalize(entry))
        except courses_api.CourseStaffError as error:
            problem(entry, str(error))
    if len(set(staff)) != len(staff):
        problem("staff", "a staff member is listed twice")
    return tuple(staff)


def manifest_read(root: Path) -> tuple[CourseManifest | None, list[PackageProblem]]:
    """Parse and validate course.yaml; the manifest is None when a problem makes it unusable."""
    path = root / COURSE_FILE
    if not path.is_file():
        return None, [PackageProblem(COURSE_FILE, 1, "the package has no course.yaml")]
    text = path.read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    lines = yaml_scalar_lines(text)
    problems: list[PackageProblem] = []

    def problem(key: str, message: str) -> None:
        problems.append(PackageProblem(COURSE_FILE, lines.get(key, 1), message))

    if not isinstance(raw, Mapping):
        return None, [PackageProblem(COURSE_FILE, 1, "must be a mapping of slug, title, ...")]
    for name in sorted(set(raw) - MANIFEST_FIELDS):
        problem(str(name), f"unknown field {name!r}")
    for name in REQUIRED_FIELDS:
        if raw.get(name) in (None, ""):
            problem(name, f"{name} is required")
    slug = str(raw.get("slug") or "")
    if slug and (not _SLUG.match(slug) or len(slug) > MAX_SLUG_LENGTH):
        problem(slug, f"slug {slug!r} must be lowercase letters, digits and dashes")
    version = raw.get("version")
    if version is not None and not isinstance(version, str | int | float):
        problem("version", "version must be a string such as 1.0.0")
    module = raw.get("module") or ""
    if not isinstance(module, str):
        problem("module", "module must be a module slug such as module-1-1")
        module = ""
    staff = _staff(raw.get("staff"), problem)
    drafts = raw.get("drafts", False)
    if not isinstance(drafts, bool):
        problem("drafts", "drafts must be true or false")
    if problems:
        return None, problems
    manifest = CourseManifest(
        slug=slug,
        title=str(raw["title"]),
        version=str(version),
        module=module,
        staff=staff,
        drafts=bool(drafts),
    )
    return manifest, []
