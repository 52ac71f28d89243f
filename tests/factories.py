"""factory_boy factories for the models tests build directly (not through an import), and the
builders of questions, assessments and graded submissions every test shares."""

import hashlib
import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from accounts.models import Role, User
from assessments.models import (
    Assessment,
    AssessmentKind,
    AssessmentSlot,
    FeedbackPolicy,
    Provenance,
    Question,
    QuestionStatus,
)
from assessments.services.questions import QuestionContent, question_create
from courses.models import (
    ContentBlock,
    ContentBlockKind,
    Course,
    KeyTakeaway,
    LearningObjective,
    Module,
    Section,
)
from practicals.models import (
    GradingRun,
    PracticalTask,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Verdict,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.LEARNER
    password = factory.django.Password("correct-horse-battery-staple")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    slug = factory.LazyAttribute(lambda module: f"module-{module.number.replace('.', '-')}")
    title = factory.Sequence(lambda n: f"Module title {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    body_markdown = "Some text."
    body_html = "<p>Some text.</p>"


class LearningObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningObjective

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Explain idea {n}")
    slug = factory.Sequence(lambda n: f"explain-idea-{n}")


class KeyTakeawayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyTakeaway

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "**Point**: remember it"
    text_html = "<strong>Point</strong>: remember it"


class ContentBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentBlock

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = ContentBlockKind.CODE
    key = factory.Sequence(lambda n: f"code-{n:012x}")
    payload = factory.LazyFunction(lambda: {"language": "bash", "text": "echo hi", "heading": ""})


# -- Builders through the production path ------------------------------------------------------
# Questions are made by `question_create` (so each has its version 1, validated as authoring
# validates it); assessments with their slots, as the catalogue loader leaves them; submissions
# with the grading run a worker would have stored.

_keys = itertools.count(1)


def question_build(
    *,
    section: Section,
    spec: Mapping[str, Any],
    question_type: str = "single_choice",
    key: str | None = None,
    objectives: Sequence[LearningObjective] = (),
    status: QuestionStatus = QuestionStatus.READY,
    provenance: Provenance = Provenance.AUTHORED,
    tags: tuple[str, ...] = (),
) -> Question:
    """A question created through `question_create` (raises QuestionSpecError on a bad spec)."""
    return question_create(
        key=key or f"{question_type.replace('_', '-')}-{next(_keys)}",
        section_id=section.pk,
        content=QuestionContent(
            type=question_type,
            spec=dict(spec),
            objective_ids=tuple(objective.pk for objective in objectives),
        ),
        provenance=provenance,
        status=status,
        tags=tags,
    )


def assessment_build(
    *,
    section: Section,
    questions: Sequence[Question],
    slug: str | None = None,
    kind: AssessmentKind = AssessmentKind.SECTION_QUIZ,
    feedback_policy: FeedbackPolicy = FeedbackPolicy.AFTER_SUBMISSION,
    **fields: Any,
) -> Assessment:
    """An assessment of the section's module with one slot per question, in the given order
    (shuffling off unless `shuffle_questions=True`)."""
    slug = slug or f"quiz-{next(_keys)}"
    values: dict[str, Any] = {
        "title": slug.replace("-", " ").title(),
        "shuffle_questions": False,
        **fields,
    }
    assessment = Assessment.objects.create(
        slug=slug,
        kind=kind,
        module=section.module,
        section=section,
        feedback_policy=feedback_policy,
        **values,
    )
    AssessmentSlot.objects.bulk_create(
        AssessmentSlot(assessment=assessment, position=position, question=question)
        for position, question in enumerate(questions, start=1)
    )
    return assessment


def submission_graded(
    *,
    learner: User,
    task: PracticalTask,
    passed: bool = True,
    score: Decimal | None = None,
    max_score: Decimal = Decimal(10),
    finished_at: datetime | None = None,
) -> Submission:
    """A submission of the task's current version, done, with the grading run that says so."""
    assert task.current_version is not None
    finished_at = finished_at or timezone.now() - timedelta(minutes=2)
    verdict = Verdict.PASSED if passed else Verdict.FAILED
    score = score if score is not None else Decimal(9 if passed else 3)
    number = next(_keys)
    content = b"FROM alpine:3.20\n"
    submission = Submission.objects.create(
        task_version=task.current_version,
        learner=learner,
        attempt_number=number,
        kind=SubmissionKind.DOCKERFILE,
        file_name="Dockerfile",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        status=SubmissionStatus.DONE,
        verdict=verdict,
        score=score,
        max_score=max_score,
        finished_at=finished_at,
    )
    GradingRun.objects.create(
        submission=submission,
        number=1,
        task_version=task.current_version,
        verdict=verdict,
        score=score,
        max_score=max_score,
        image_digest=f"sha256:{number:064x}",
        started_at=finished_at - timedelta(seconds=30),
        finished_at=finished_at,
    )
    return submission
