"""Stores generated drafts in the review queue, once each."""

from dataclasses import dataclass, field

from django.db import transaction

from assessments.generators import DraftQuestion, SourceBlock, drafts_from_blocks
from assessments.models import Provenance, Question, QuestionStatus
from assessments.services.questions import QuestionContent, question_create
from courses import api as courses_api


@dataclass
class DraftGenerationSummary:
    created: list[str] = field(default_factory=list)
    already_known: int = 0
    by_generator: dict[str, int] = field(default_factory=dict)


def _source_blocks(module_id: int) -> list[SourceBlock]:
    return [
        SourceBlock(
            key=block.key,
            kind=block.kind,
            payload=block.payload,
            section_id=block.section_id,
            section_position=block.section_position,
            section_title=block.section_title,
            module_id=module_id,
        )
        for block in courses_api.content_blocks_for_module(module_id=module_id)
    ]


def _store(draft: DraftQuestion) -> Question:
    return question_create(
        key=draft.key,
        section_id=draft.block.section_id,
        content=QuestionContent(type=draft.type, spec=draft.spec, difficulty=draft.difficulty),
        provenance=Provenance.GENERATED,
        status=QuestionStatus.DRAFT,
        tags=draft.tags,
        provenance_detail={"block": draft.block.key, "generator": draft.generator},
        dedupe_key=draft.dedupe_key,
    )


@transaction.atomic
def drafts_generate(*, module_id: int) -> DraftGenerationSummary:
    """Generate drafts from every content block of the module and queue the new ones for review.

    Idempotent: a draft whose content was generated before (even if since rejected or edited
    and approved) is not created again, because its dedupe key is already taken.
    """
    summary = DraftGenerationSummary()
    drafts = drafts_from_blocks(_source_blocks(module_id))
    known = set(
        Question.objects.filter(dedupe_key__in=[draft.dedupe_key for draft in drafts]).values_list(
            "dedupe_key", flat=True
        )
    )
    for draft in drafts:
        if draft.dedupe_key in known:
            summary.already_known += 1
            continue
        known.add(draft.dedupe_key)
        summary.created.append(_store(draft).key)
        summary.by_generator[draft.generator] = summary.by_generator.get(draft.generator, 0) + 1
    return summary
