"""The one sync of a course package: validate everything, apply all or nothing, report the diff.

Each part is loaded by its own app's loader (courses, assessments, practicals, certificates), so
the rules of a part (versioning, exam pool, blueprint shortfalls, rubric checks) keep their one
home; this module orders the loaders, turns their problems into `file:line` problems, retires
what the package no longer holds and records the run (`CourseSync`).
"""

import logging
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from accounts.models import User
from assessments import api as assessments_api
from certificates import api as certificates_api
from coursepackages import staff as package_staff
from coursepackages.diff import (
    CREATED,
    NEW_VERSION,
    RETIRED,
    UNCHANGED,
    UPDATED,
    SyncDiff,
)
from coursepackages.layout import (
    ASSESSMENTS_FILE,
    BANK_DIR,
    CERTIFICATION_FILE,
    MODULES_DIR,
    TASKS_DIR,
)
from coursepackages.manifest import CourseManifest, manifest_read
from coursepackages.models import CourseSync, SourceKind, SyncStatus
from coursepackages.permissions import may_sync
from coursepackages.problems import (
    PackageInvalid,
    PackageProblem,
    catalogue_problem_keys,
    problem_locate,
    yaml_syntax_problem,
)
from coursepackages.sources import (
    PackageSource,
    PackageSourceError,
    package_from_git,
    package_from_zip_bytes,
)
from courses import api as courses_api
from practicals import api as practicals_api

logger = logging.getLogger(__name__)


class SyncNotAllowed(PermissionError):
    """The user may not sync this course (`coursepackages.permissions.may_sync`)."""


class _DryRunRollback(Exception):
    """Raised inside the sync's transaction to undo a dry run after its diff is known."""


@dataclass(frozen=True)
class SyncOutcome:
    course_slug: str
    diff: SyncDiff
    applied: bool
    course_sync_id: int
    duration_ms: int


@dataclass(frozen=True)
class SyncRequest:
    """How a sync was asked for: recorded in its history row."""

    source_kind: SourceKind
    requested_by: User | None = None
    git_url: str = ""
    git_branch: str = ""
    package_zip: bytes | None = None
    preview_id: int | None = None


class _Run:
    """One sync in progress: the package root, the diff so far and the problems found."""

    def __init__(self, root: Path, manifest: CourseManifest) -> None:
        self.root = root
        self.manifest = manifest
        self.diff = SyncDiff()
        self.problems: list[PackageProblem] = []

    def problem(self, relative: str, message: str, *keys: str) -> None:
        self.problems.append(
            problem_locate(root=self.root, relative=relative, message=message, keys=list(keys))
        )


def _syntax_problems(root: Path) -> list[PackageProblem]:
    found = (yaml_syntax_problem(root=root, path=path) for path in sorted(root.rglob("*.yaml")))
    return [problem for problem in found if problem is not None]


def _course_sync(run: _Run) -> None:
    titles = dict(courses_api.course_titles())
    slug = run.manifest.slug
    action = (
        CREATED
        if slug not in titles
        else UPDATED
        if titles[slug] != run.manifest.title
        else UNCHANGED
    )
    run.diff.add("course", action, [slug])


def _modules_sync(run: _Run) -> tuple[int, str] | None:
    """Import every module file; return the (id, slug) of the module the other parts use."""
    module_ids: dict[str, int] = {}
    files = sorted((run.root / MODULES_DIR).glob("*.md"))
    if not files:
        run.problem(MODULES_DIR, "the package has no module (modules/*.md)")
        return None
    for path in files:
        relative = path.relative_to(run.root).as_posix()
        try:
            outcome = courses_api.module_import_file(
                path=path, course_slug=run.manifest.slug, course_title=run.manifest.title
            )
        except courses_api.CourseImportError as error:
            run.problem(relative, str(error))
            continue
        module_ids[outcome.module_slug] = outcome.module_id
        action = CREATED if outcome.created else UPDATED if outcome.changed else UNCHANGED
        run.diff.add("modules", action, [outcome.module_slug])
    wanted = run.manifest.module
    if wanted:
        if wanted not in module_ids:
            if not run.problems:
                run.problem("course.yaml", f"module {wanted!r} is not in modules/", wanted)
            return None
        return module_ids[wanted], wanted
    if len(files) > 1:
        run.problem("course.yaml", "several modules: name the main one with `module:`", "slug")
        return None
    return next(((pk, slug) for slug, pk in module_ids.items()), None)


def _bank_problem(run: _Run, problem: str) -> None:
    name, _, rest = problem.partition(": ")
    key = rest.split(":", 1)[0]
    run.problem(f"{BANK_DIR}/{name.split('[', 1)[0]}", rest or problem, key)


def _bank_sync(run: _Run, module_id: int) -> bool:
    directory = run.root / BANK_DIR
    keys: list[str] = []
    if directory.is_dir():
        try:
            summary = assessments_api.question_bank_load(module_id=module_id, directory=directory)
        except assessments_api.BankError as error:
            for problem in error.problems:
                _bank_problem(run, problem)
            return False
        run.diff.add("questions", CREATED, summary.created)
        run.diff.add("questions", NEW_VERSION, summary.revised)
        run.diff.add("questions", UNCHANGED, summary.unchanged)
        keys = [*summary.created, *summary.revised, *summary.unchanged]
    retired = assessments_api.bank_questions_retire_missing(module_id=module_id, keys=keys)
    run.diff.add("questions", RETIRED, retired)
    return True


def _drafts_sync(run: _Run, module_id: int) -> None:
    summary = assessments_api.drafts_generate(module_id=module_id)
    run.diff.add("drafts", CREATED, summary.created)
    if summary.already_known:
        run.diff.add("drafts", UNCHANGED, [f"{summary.already_known} generated before"])


def _assessments_sync(run: _Run, module_id: int) -> None:
    path = run.root / ASSESSMENTS_FILE
    if not path.is_file():
        return
    try:
        summary = assessments_api.assessments_load(module_id=module_id, path=path)
    except assessments_api.CatalogueError as error:
        for problem in error.problems:
            run.problem(ASSESSMENTS_FILE, problem, *catalogue_problem_keys(problem))
        return
    except (KeyError, TypeError, AttributeError) as error:
        run.problem(ASSESSMENTS_FILE, f"missing or malformed field: {error}")
        return
    run.diff.add("assessments", CREATED, summary.created)
    run.diff.add("assessments", UPDATED, summary.updated)
    run.diff.add("assessments", UNCHANGED, summary.unchanged)


def _task_problem(run: _Run, message: str) -> None:
    tasks_root = str(run.root / TASKS_DIR)
    if message.startswith(tasks_root):
        location, _, rest = message.partition(": ")
        relative = Path(location).relative_to(run.root).as_posix()
        run.problem(relative, rest or message)
        return
    words = message.split()
    slug = words[1] if len(words) > 1 and words[0] == "Task" else ""
    relative = f"{TASKS_DIR}/{slug}/task.yaml" if slug else TASKS_DIR
    cited = [part.strip("[]'\". ") for part in message.split("[", 1)[-1].split(",")]
    run.problem(relative, message, *cited)


def _tasks_sync(run: _Run, module_id: int) -> None:
    """Load the package's tasks; the module's tasks it no longer holds are unpublished."""
    directory = run.root / TASKS_DIR
    outcomes = []
    if directory.is_dir():
        try:
            outcomes = practicals_api.practical_tasks_load(root=directory, module_id=module_id)
        except practicals_api.TaskDefinitionError as error:
            _task_problem(run, str(error))
            return
    for outcome in outcomes:
        run.diff.add("tasks", str(outcome.action), [f"{outcome.slug} v{outcome.version}"])
    retired = practicals_api.practical_tasks_retire_missing(
        module_id=module_id, slugs=[outcome.slug for outcome in outcomes]
    )
    run.diff.add("tasks", RETIRED, retired)


def _certification_sync(run: _Run, module_id: int, module_slug: str) -> None:
    path = run.root / CERTIFICATION_FILE
    slugs: list[str] = []
    if path.is_file():
        entry: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(entry, dict):
            run.problem(CERTIFICATION_FILE, "must be a mapping (slug, title, course, ...)")
            return
        if entry.get("course") != run.manifest.slug or entry.get("module") != module_slug:
            run.problem(
                CERTIFICATION_FILE,
                f"course/module must be {run.manifest.slug}/{module_slug}, the package's",
                "course",
            )
            return
        try:
            outcome = certificates_api.certification_program_load(path=path)
        except certificates_api.ProgramCatalogueError as error:
            message = str(error).removeprefix(f"{CERTIFICATION_FILE}: ")
            run.problem(CERTIFICATION_FILE, message, "exam_attempts_per_cycle")
            return
        except (KeyError, TypeError) as error:
            run.problem(CERTIFICATION_FILE, f"missing or malformed field: {error}")
            return
        action = CREATED if outcome.created else UPDATED if outcome.changed else UNCHANGED
        run.diff.add("certification programs", action, [outcome.slug])
        slugs.append(outcome.slug)
    retired = certificates_api.certification_programs_retire_missing(
        module_id=module_id, slugs=slugs
    )
    run.diff.add("certification programs", RETIRED, retired)


def _staff_sync(run: _Run) -> None:
    try:
        added, removed = package_staff.course_staff_apply(
            course_slug=run.manifest.slug, identifiers=run.manifest.staff
        )
    except courses_api.CourseStaffError as error:
        run.problem("course.yaml", str(error), "staff")
        return
    run.diff.add("staff", CREATED, added)
    run.diff.add("staff", RETIRED, removed)
    kept = sorted(set(run.manifest.staff) - set(added))
    run.diff.add("staff", UNCHANGED, kept)


def _parts_sync(run: _Run) -> None:
    """Load every part in dependency order; a part whose prerequisite failed is skipped, so
    each problem reported is a real one rather than an echo of an earlier one."""
    _course_sync(run)
    main_module = _modules_sync(run)
    if main_module is None or run.problems:
        return
    module_id, module_slug = main_module
    bank_loaded = _bank_sync(run, module_id)
    if run.manifest.drafts:
        _drafts_sync(run, module_id)
    if bank_loaded:
        _assessments_sync(run, module_id)
    _tasks_sync(run, module_id)
    _certification_sync(run, module_id, module_slug)
    _staff_sync(run)


def course_package_sync(
    *, source: PackageSource, request: SyncRequest, dry_run: bool
) -> SyncOutcome:
    """Sync the package at `source.root`: validate it, load every part, record the run.

    All or nothing: every part loads inside one transaction; any problem (reported as
    `file:line: message`, raised as PackageInvalid) or a dry run rolls all of it back.
    Idempotent: syncing the same package again writes no content row and its diff is empty.
    Questions and tasks that changed get a new version; attempts and submissions keep the
    version they started on (the loaders' own rule). Items the package no longer holds are
    retired, never deleted. Raises SyncNotAllowed when `request.requested_by` may not sync
    the package's course. Every run, refused ones included, is recorded as a CourseSync.
    """
    started = time.monotonic()
    manifest, problems = manifest_read(source.root)
    problems += _syntax_problems(source.root)
    slug = manifest.slug if manifest is not None else ""
    user = request.requested_by
    if user is not None and slug and not may_sync(user, slug):
        raise SyncNotAllowed(f"You may not sync the course {slug!r}.")
    diff = SyncDiff()
    try:
        if problems or manifest is None:
            raise PackageInvalid(problems)
        with transaction.atomic():
            run = _Run(source.root, manifest)
            _parts_sync(run)
            diff = run.diff
            if run.problems:
                raise PackageInvalid(run.problems)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    except PackageInvalid as invalid:
        row = _record(
            source, request, manifest, SyncStatus.REFUSED, diff, started, invalid.problems
        )
        invalid.course_sync_id = row.pk
        raise
    status = SyncStatus.PREVIEWED if dry_run else SyncStatus.APPLIED
    row = _record(source, request, manifest, status, diff, started, [])
    logger.info("Course package %s %s (changes: %s)", slug, status, diff.changed)
    return SyncOutcome(
        course_slug=slug,
        diff=diff,
        applied=not dry_run,
        course_sync_id=row.pk,
        duration_ms=row.duration_ms,
    )


def _record(
    source: PackageSource,
    request: SyncRequest,
    manifest: CourseManifest | None,
    status: SyncStatus,
    diff: SyncDiff,
    started: float,
    problems: list[PackageProblem],
) -> CourseSync:
    keep_zip = status == SyncStatus.PREVIEWED and request.package_zip is not None
    return CourseSync.objects.create(
        course_slug=manifest.slug if manifest else "",
        requested_by=request.requested_by,
        status=status,
        source_kind=request.source_kind,
        source=source.description[:500],
        git_url=request.git_url,
        git_branch=request.git_branch,
        commit_sha=source.commit_sha,
        package_version=manifest.version if manifest else "",
        diff=diff.as_json(),
        problems=[str(problem) for problem in problems],
        duration_ms=int((time.monotonic() - started) * 1000),
        package_zip=request.package_zip if keep_zip else None,
        preview_id=request.preview_id,
    )


def course_sync_refused_record(
    *, request: SyncRequest, description: str, message: str
) -> CourseSync:
    """Record a sync refused before its package could be read (a source over a limit)."""
    return CourseSync.objects.create(
        requested_by=request.requested_by,
        status=SyncStatus.REFUSED,
        source_kind=request.source_kind,
        source=description[:500],
        git_url=request.git_url,
        git_branch=request.git_branch,
        problems=[message],
    )


class PreviewNotApplicable(ValueError):
    """The preview cannot be applied (already applied, refused, or its source moved)."""


def course_sync_preview(
    *,
    user: User,
    zip_bytes: bytes | None = None,
    git_url: str = "",
    git_branch: str = "",
    git_schemes: tuple[str, ...],
) -> CourseSync:
    """Dry-run a zip upload or a git branch for the sync page; returns the recorded preview.

    The preview keeps what is needed to apply exactly what was shown: the zip itself, or the
    commit the branch pointed at. A refused package is recorded and returned too (its
    `problems` say why); raises SyncNotAllowed and PackageSourceError (recorded as refused).
    """
    request = SyncRequest(
        source_kind=SourceKind.ZIP if zip_bytes is not None else SourceKind.GIT,
        requested_by=user,
        git_url=git_url,
        git_branch=git_branch,
        package_zip=zip_bytes,
    )
    return _sync_from_request(request, dry_run=True, git_schemes=git_schemes, expected_sha="")


def course_sync_preview_apply(
    *, preview: CourseSync, user: User, git_schemes: tuple[str, ...]
) -> CourseSync:
    """Apply a preview: the same zip, or the same branch if it still points at the same commit.

    Raises PreviewNotApplicable when the preview was refused or already applied, or when the
    branch moved since (preview again to see the new diff); SyncNotAllowed as the sync does.
    """
    if preview.status != SyncStatus.PREVIEWED:
        raise PreviewNotApplicable("Only a successful dry run can be applied.")
    if CourseSync.objects.filter(preview=preview, status=SyncStatus.APPLIED).exists():
        raise PreviewNotApplicable("This preview was applied already.")
    request = SyncRequest(
        source_kind=SourceKind(preview.source_kind),
        requested_by=user,
        git_url=preview.git_url,
        git_branch=preview.git_branch,
        package_zip=bytes(preview.package_zip) if preview.package_zip is not None else None,
        preview_id=preview.pk,
    )
    if request.source_kind == SourceKind.ZIP and request.package_zip is None:
        raise PreviewNotApplicable("The preview's zip is no longer kept; upload it again.")
    row = _sync_from_request(
        request, dry_run=False, git_schemes=git_schemes, expected_sha=preview.commit_sha
    )
    if row.status == SyncStatus.APPLIED:
        CourseSync.objects.filter(pk=preview.pk).update(package_zip=None)
    return row


def _sync_from_request(
    request: SyncRequest, *, dry_run: bool, git_schemes: tuple[str, ...], expected_sha: str
) -> CourseSync:
    description = (
        f"git {request.git_url}" if request.source_kind == SourceKind.GIT else "zip upload"
    )
    try:
        with _request_source(request, git_schemes) as source:
            if expected_sha and source.commit_sha != expected_sha:
                raise PreviewNotApplicable(
                    f"The branch moved since the preview ({expected_sha[:12]} → "
                    f"{source.commit_sha[:12]}); preview it again."
                )
            outcome = course_package_sync(source=source, request=request, dry_run=dry_run)
    except PackageSourceError as error:
        return course_sync_refused_record(
            request=request, description=description, message=str(error)
        )
    except PackageInvalid as invalid:
        if invalid.course_sync_id is None:
            raise
        return CourseSync.objects.get(pk=invalid.course_sync_id)
    return CourseSync.objects.get(pk=outcome.course_sync_id)


def _request_source(
    request: SyncRequest, git_schemes: tuple[str, ...]
) -> AbstractContextManager[PackageSource]:
    if request.source_kind == SourceKind.GIT:
        return package_from_git(request.git_url, branch=request.git_branch, schemes=git_schemes)
    return package_from_zip_bytes(request.package_zip or b"")
