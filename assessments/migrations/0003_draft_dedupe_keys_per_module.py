"""Generated drafts are deduplicated per module (assessments.generators.types.draft_dedupe_key):
recompute the key of every stored draft from its generator and its first version, so a second
generation run in the same module still finds them, and another course's run does not."""

from django.db import migrations

from assessments.generators.types import draft_dedupe_key


def _rekey(apps, schema_editor):
    Question = apps.get_model("assessments", "Question")
    QuestionVersion = apps.get_model("assessments", "QuestionVersion")
    questions = Question.objects.filter(dedupe_key__isnull=False).select_related("section")
    for question in questions.iterator():
        generator = (question.provenance_detail or {}).get("generator")
        first = QuestionVersion.objects.filter(question=question).order_by("number").first()
        if not generator or first is None:
            continue
        question.dedupe_key = draft_dedupe_key(
            module_id=question.section.module_id,
            generator=generator,
            question_type=first.type,
            spec=first.spec,
        )
        question.save(update_fields=["dedupe_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_exam_pool_blueprint_slots_checked_answers_attempt_cycles"),
    ]

    operations = [migrations.RunPython(_rekey, migrations.RunPython.noop)]
