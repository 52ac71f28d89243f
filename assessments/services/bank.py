"""Loads a course package's question bank (`bank/*.yaml`) into the database, idempotently.

`NN-<section>.yaml` files hold the questions; `objectives.yaml` declares the learning objectives
the bank needs that the course text does not state (supplements, see
`courses.models.ObjectiveOrigin`). A question names its objectives by position (the course's
own, 1-based) or by slug (any objective, supplements included). Besides a valid spec, every
item must meet the bank's own rules (`bank_policy`): worked examples for typed answers, no
single-choice key that gives itself away by its length.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from assessments.models import Provenance, Question, QuestionStatus
from assessments.services.bank_policy import bank_policy_errors
from assessments.services.questions import (
    QuestionContent,
    QuestionSpecError,
    question_content_validate,
    question_create,
    question_revise,
    question_tags_set,
    questions_bulk_status_set,
)
from courses import api as courses_api
from quayside.models_sync import fields_update_changed

OBJECTIVES_FILE = "objectives.yaml"
OBJECTIVE_FIELDS = frozenset({"slug", "text", "taught_in"})
# Fields of a bank item stored as columns or links; everything else is the version's spec.
_NON_SPEC_FIELDS = frozenset(
    {"key", "section", "objectives", "type", "points", "difficulty", "tags", "exam_only"}
)


class BankError(ValueError):
    """A bank file is invalid; `problems` names each file and question key at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class BankLoadSummary:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _BankItem:
    source: str
    key: str
    section_id: int
    tags: tuple[str, ...]
    content: QuestionContent
    # In the exam pool: drawn by the final exam only (README, "Exam integrity").
    exam_only: bool


def _objective_ids(
    positions: object, where: str, references: courses_api.ObjectiveReferences
) -> tuple[int, ...]:
    if not isinstance(positions, list):
        raise BankError([f"{where}: objectives must be a list of positions or slugs"])
    found: list[int] = []
    unknown: list[object] = []
    for reference in positions:
        if isinstance(reference, bool):
            unknown.append(reference)
        elif isinstance(reference, int) and reference in references.by_position:
            found.append(references.by_position[reference])
        elif isinstance(reference, str) and reference in references.by_slug:
            found.append(references.by_slug[reference])
        else:
            unknown.append(reference)
    if unknown:
        raise BankError([f"{where}: unknown learning objectives {unknown}"])
    return tuple(sorted(set(found)))


def _item_parse(
    item: Mapping[str, Any],
    *,
    source: str,
    sections: Mapping[str, int],
    references: courses_api.ObjectiveReferences,
) -> _BankItem:
    key = str(item.get("key", ""))
    where = f"{source}: {key or '(no key)'}"
    if not key:
        raise BankError([f"{where}: a question needs a key"])
    section_id = sections.get(str(item.get("section")))
    if section_id is None:
        raise BankError([f"{where}: unknown section {item.get('section')!r}"])
    exam_only = item.get("exam_only", False)
    if not isinstance(exam_only, bool):
        raise BankError([f"{where}: exam_only must be true or false, not {exam_only!r}"])
    objective_ids = _objective_ids(item.get("objectives") or [], where, references)
    content = QuestionContent(
        type=str(item.get("type")),
        spec={name: value for name, value in item.items() if name not in _NON_SPEC_FIELDS},
        points=float(item.get("points", 1)),
        difficulty=float(item.get("difficulty", 0.5)),
        objective_ids=objective_ids,
    )
    problems = bank_policy_errors(question_type=content.type, spec=content.spec)
    try:
        question_content_validate(content=content)
    except QuestionSpecError as error:
        problems = [*error.errors, *problems]
    if problems:
        raise BankError([f"{where}: {problem}" for problem in problems])
    return _BankItem(
        source=source,
        key=key,
        section_id=section_id,
        tags=tuple(str(tag) for tag in item.get("tags") or ()),
        content=content,
        exam_only=exam_only,
    )


def _yaml_list(path: Path, *, of: str) -> list[Any]:
    try:
        documents = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise BankError([f"{path.name}: not valid YAML: {error}"]) from None
    if not isinstance(documents, list):
        raise BankError([f"{path.name}: must hold a list of {of}"])
    return documents


def objective_supplements_read(*, directory: Path) -> list[courses_api.ObjectiveSupplement]:
    """The supplementary objectives declared in `objectives.yaml` (none without the file)."""
    path = directory / OBJECTIVES_FILE
    if not path.exists():
        return []
    supplements = []
    problems = []
    for index, entry in enumerate(_yaml_list(path, of="objectives")):
        where = f"{OBJECTIVES_FILE}[{index}]"
        if not isinstance(entry, Mapping) or set(entry) != OBJECTIVE_FIELDS:
            problems.append(f"{where}: needs exactly {', '.join(sorted(OBJECTIVE_FIELDS))}")
            continue
        sections = entry["taught_in"]
        if not isinstance(sections, list) or not all(isinstance(s, str) for s in sections):
            problems.append(f"{where}.taught_in: must be a list of section slugs")
            continue
        supplements.append(
            courses_api.ObjectiveSupplement(
                slug=str(entry["slug"]), text=str(entry["text"]), section_slugs=tuple(sections)
            )
        )
    if problems:
        raise BankError(problems)
    return supplements


def bank_items_read(
    *, directory: Path, module_id: int, references: courses_api.ObjectiveReferences
) -> list[_BankItem]:
    """Parse and validate every question file; raises BankError naming every problem."""
    sections = courses_api.section_ids_by_slug(module_id=module_id)
    items: list[_BankItem] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        if path.name == OBJECTIVES_FILE:
            continue
        try:
            documents = _yaml_list(path, of="questions")
        except BankError as error:
            problems.extend(error.problems)
            continue
        for raw in documents:
            try:
                item = _item_parse(raw, source=path.name, sections=sections, references=references)
            except BankError as error:
                problems.extend(error.problems)
                continue
            if item.key in seen:
                problems.append(f"{path.name}: {item.key}: the key is used twice")
            seen.add(item.key)
            items.append(item)
    if problems:
        raise BankError(problems)
    return items


@transaction.atomic
def question_bank_load(*, module_id: int, directory: Path) -> BankLoadSummary:
    """Create or revise every bank question; unchanged questions are not touched.

    Idempotent: a second load with the same files writes no row. An instructor's status change
    (for instance retiring a question) survives a reload. All or nothing: the supplementary
    objectives are synced first, inside the same transaction, so a broken file writes nothing.
    """
    supplements = objective_supplements_read(directory=directory)
    try:
        references = courses_api.objective_supplements_sync(
            module_id=module_id, supplements=supplements
        )
    except ValueError as error:
        raise BankError([f"{OBJECTIVES_FILE}: {error}"]) from None
    summary = BankLoadSummary()
    existing = {
        question.key: question
        for question in Question.objects.select_related(
            "current_version", "section"
        ).prefetch_related("tags")
    }
    items = bank_items_read(directory=directory, module_id=module_id, references=references)
    # Keys are unique across courses: a key another module holds is refused, never taken over.
    taken = [
        f"{item.source}: {item.key}: the key belongs to a question of another course; "
        "question keys are unique across all courses"
        for item in items
        if (other := existing.get(item.key)) is not None and other.section.module_id != module_id
    ]
    if taken:
        raise BankError(taken)
    for item in items:
        question = existing.get(item.key)
        if question is None:
            question_create(
                key=item.key,
                section_id=item.section_id,
                content=item.content,
                provenance=Provenance.BANK,
                status=QuestionStatus.READY,
                tags=item.tags,
                provenance_detail={"file": item.source},
                exam_only=item.exam_only,
            )
            summary.created.append(item.key)
            continue
        revised = _bank_question_update(question=question, item=item)
        (summary.revised if revised else summary.unchanged).append(item.key)
    return summary


def _bank_question_update(*, question: Question, item: _BankItem) -> bool:
    """Bring an existing bank question in line with its file; True if anything was written."""
    current = question.current_version
    revised = False
    # Compared here first so that a reload of an unchanged bank takes no lock and no write.
    if current is None or current.spec_sha256 != item.content.fingerprint():
        new_version = question_revise(
            question=question, content=item.content, note=f"bank file {item.source}"
        )
        revised = new_version is not None
    # The section and the exam pool are columns, not part of the version: moving a question
    # is no new content, but the file is the source of truth for where a bank question lives.
    if fields_update_changed(
        row=question, values={"section_id": item.section_id, "exam_only": item.exam_only}
    ):
        revised = True
    if {tag.name for tag in question.tags.all()} != {tag.lower() for tag in item.tags}:
        question_tags_set(question=question, tags=item.tags)
        revised = True
    return revised


def bank_questions_retire_missing(*, module_id: int, keys: Iterable[str]) -> list[str]:
    """Retire the module's bank questions whose key the bank files no longer hold.

    Retired, never deleted: attempts keep the versions they drew. Questions authored in
    Quayside or generated as drafts are not the files' to retire. Idempotent.
    """
    missing = (
        Question.objects.filter(provenance=Provenance.BANK, section__module_id=module_id)
        .exclude(key__in=list(keys))
        .exclude(status=QuestionStatus.RETIRED)
    )
    retired = sorted(missing.values_list("key", flat=True))
    questions_bulk_status_set(
        question_ids=missing.values_list("pk", flat=True), status=QuestionStatus.RETIRED
    )
    return retired
