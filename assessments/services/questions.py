"""Writes to the question bank. Versions are immutable: every change of content is a new version."""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from assessments.models import Provenance, Question, QuestionStatus, QuestionVersion, Tag
from assessments.question_types import QUESTION_TYPES, Grade, instantiate


class QuestionSpecError(ValueError):
    """The content of a question is not valid for its type; `errors` lists every problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class QuestionContent:
    """Everything that a version holds: changing any of it makes a new version."""

    type: str
    spec: Mapping[str, Any]
    points: float = 1.0
    difficulty: float = 0.5
    objective_ids: tuple[int, ...] = field(default_factory=tuple)

    def fingerprint(self) -> str:
        canonical = json.dumps(
            {
                "type": self.type,
                "spec": self.spec,
                "points": round(float(self.points), 2),
                "difficulty": round(float(self.difficulty), 3),
                "objectives": sorted(self.objective_ids),
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def question_content_validate(*, content: QuestionContent) -> None:
    """Raise QuestionSpecError listing every problem with the content."""
    question_type = QUESTION_TYPES.get(content.type)
    if question_type is None:
        raise QuestionSpecError([f"unknown question type {content.type!r}"])
    errors = list(question_type.validate_spec(content.spec))
    if not content.points > 0:
        errors.append("points must be positive")
    if not 0 <= content.difficulty <= 1:
        errors.append("difficulty must be between 0 and 1")
    if errors:
        raise QuestionSpecError(errors)


def question_answer_try(
    *, question_type: str, spec: Mapping[str, Any], response: object, seed: int
) -> Grade:
    """Grade `response` against a spec (saved or not) for the variant `seed` draws, exactly as
    an attempt would. Writes nothing. Raises ResponseError for a malformed response and
    SpecError for a spec that cannot be instantiated; validate the spec first."""
    variant, _ = instantiate(spec, seed)
    return QUESTION_TYPES[question_type].grade(variant, response)


def _tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in sorted({name.strip().lower() for name in names if name.strip()}):
        tag, _ = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def _version_create(
    *, question: Question, content: QuestionContent, number: int, author: User | None, note: str
) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        type=content.type,
        spec=dict(content.spec),
        spec_sha256=content.fingerprint(),
        points=round(float(content.points), 2),
        difficulty=content.difficulty,
        change_note=note[:300],
        created_by=author,
    )
    version.objectives.set(content.objective_ids)
    question.current_version = version
    question.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def question_create(
    *,
    key: str,
    section_id: int,
    content: QuestionContent,
    provenance: Provenance,
    status: QuestionStatus = QuestionStatus.DRAFT,
    tags: Iterable[str] = (),
    provenance_detail: Mapping[str, Any] | None = None,
    dedupe_key: str | None = None,
    author: User | None = None,
    exam_only: bool = False,
) -> Question:
    """Create a question with its first version. Raises QuestionSpecError on invalid content.

    `exam_only` puts it in the exam pool: only the final exam draws it.
    """
    question_content_validate(content=content)
    question = Question.objects.create(
        key=key,
        section_id=section_id,
        exam_only=exam_only,
        status=status,
        provenance=provenance,
        provenance_detail=dict(provenance_detail or {}),
        dedupe_key=dedupe_key,
        created_by=author,
    )
    question.tags.set(_tags_get_or_create(tags))
    _version_create(question=question, content=content, number=1, author=author, note="created")
    return question


@transaction.atomic
def question_revise(
    *, question: Question, content: QuestionContent, author: User | None = None, note: str = ""
) -> QuestionVersion | None:
    """Make `content` the question's current version; None when it equals the current one.

    Locks the question row so two concurrent edits get consecutive version numbers.
    """
    question_content_validate(content=content)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    current = locked.current_version
    if current is not None and current.spec_sha256 == content.fingerprint():
        return None
    highest = locked.versions.aggregate(highest=Max("number"))["highest"] or 0
    version = _version_create(
        question=locked, content=content, number=highest + 1, author=author, note=note or "edited"
    )
    question.current_version = version
    return version


@transaction.atomic
def question_tags_set(*, question: Question, tags: Iterable[str]) -> None:
    question.tags.set(_tags_get_or_create(tags))


@transaction.atomic
def question_exam_pool_set(*, question: Question, exam_only: bool) -> bool:
    """Put the question in the exam pool (only the final exam draws it) or take it out; True
    when that changed. Attempts already started keep their questions; a quiz or practice attempt
    that drew it before no longer shows it (`exam_pool_withholds`)."""
    changed = Question.objects.filter(pk=question.pk).exclude(exam_only=exam_only)
    updated = changed.update(exam_only=exam_only, updated_at=timezone.now())
    question.exam_only = exam_only
    return bool(updated)


@transaction.atomic
def question_status_set(*, question: Question, status: QuestionStatus) -> None:
    Question.objects.filter(pk=question.pk).update(status=status, updated_at=timezone.now())
    question.status = status


@transaction.atomic
def questions_bulk_status_set(*, question_ids: Iterable[int], status: QuestionStatus) -> int:
    return Question.objects.filter(pk__in=list(question_ids)).update(
        status=status, updated_at=timezone.now()
    )


@transaction.atomic
def questions_bulk_tag(*, question_ids: Iterable[int], tags: Iterable[str]) -> int:
    new_tags = _tags_get_or_create(tags)
    questions = list(Question.objects.filter(pk__in=list(question_ids)))
    for question in questions:
        question.tags.add(*new_tags)
    return len(questions)


@transaction.atomic
def draft_approve(
    *, question: Question, reviewer: User, content: QuestionContent | None = None
) -> Question:
    """Approve a draft (optionally with edits, which become a new version) and make it ready."""
    if question.status != QuestionStatus.DRAFT:
        raise ValueError(f"{question.key} is {question.status}, not a draft")
    if content is not None:
        question_revise(
            question=question, content=content, author=reviewer, note="edited in review"
        )
    detail = dict(question.provenance_detail) | {
        "reviewed_by": reviewer.email,
        "review": "approved",
    }
    Question.objects.filter(pk=question.pk).update(
        status=QuestionStatus.READY, provenance_detail=detail, updated_at=timezone.now()
    )
    question.refresh_from_db()
    return question


@transaction.atomic
def draft_reject(*, question: Question, reviewer: User, reason: str) -> Question:
    """Reject a draft: it is retired (kept, so the generator does not propose it again)."""
    if question.status != QuestionStatus.DRAFT:
        raise ValueError(f"{question.key} is {question.status}, not a draft")
    detail = dict(question.provenance_detail) | {
        "reviewed_by": reviewer.email,
        "review": "rejected",
        "reason": reason[:500],
    }
    Question.objects.filter(pk=question.pk).update(
        status=QuestionStatus.RETIRED, provenance_detail=detail, updated_at=timezone.now()
    )
    question.refresh_from_db()
    return question
