"""What the learner endpoints of practical tasks read and write: their serializers and the
builders of their payloads (see practicals.endpoints.learner).

Learner-facing only: these serializers never carry a rubric item's params, a check's evidence
or an operator's error detail (the instructor endpoints have their own serializers for those).
"""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from courses import api as courses_api
from practicals import selectors
from practicals.endpoints.outputs import decimal_field, submission_fields
from practicals.forms import MAX_ARCHIVE_UPLOAD_BYTES
from practicals.models import (
    GradingRun,
    PracticalTask,
    RunTrigger,
    Submission,
    SubmissionKind,
    SubmissionStatus,
    Verdict,
)
from practicals.services.submissions import (
    MAX_TEXT_SUBMISSION_BYTES,
    SubmittedFiles,
)

TEXT_FILE_NAMES = {SubmissionKind.DOCKERFILE: "Dockerfile", SubmissionKind.COMMANDS: "commands.sh"}


# Serializers -----------------------------------------------------------------------------------


class SectionLinkOutput(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    title = serializers.CharField()
    position = serializers.IntegerField()
    url = serializers.CharField(help_text="The section in the course reader.")


class LearnerRubricItemOutput(serializers.Serializer[Any]):
    check = serializers.CharField()
    points = decimal_field()
    section = serializers.SlugField()
    must_pass = serializers.BooleanField(
        help_text="The submission passes only if this check passes, whatever the score."
    )


class PracticalTaskSummaryOutput(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    submission_kind = serializers.ChoiceField(choices=SubmissionKind.choices)
    pass_percent = decimal_field()
    max_points = decimal_field()


class PracticalTaskDetailOutput(PracticalTaskSummaryOutput):
    instructions_markdown = serializers.CharField()
    instructions_html = serializers.CharField(help_text="Sanitised HTML of the instructions.")
    sections = SectionLinkOutput(many=True)
    objectives = serializers.ListField(child=serializers.CharField())
    allowed_base_images = serializers.ListField(child=serializers.CharField())
    time_budget_seconds = serializers.IntegerField()
    max_attempts = serializers.IntegerField(allow_null=True, help_text="Null: no limit.")
    attempts_used = serializers.IntegerField(
        help_text="Submissions ended by an infrastructure error are not counted."
    )
    rubric = LearnerRubricItemOutput(many=True)
    starter_files = serializers.ListField(child=serializers.CharField())
    starter_url = serializers.CharField(help_text="The starter project as a .zip (portal login).")


class SubmissionCreateInput(serializers.Serializer[Any]):
    text = serializers.CharField(
        required=False,
        trim_whitespace=False,
        max_length=MAX_TEXT_SUBMISSION_BYTES,
        help_text="The Dockerfile (dockerfile tasks) or the docker commands, one per line "
        "(commands tasks).",
    )
    file = serializers.FileField(
        required=False,
        help_text="The project archive, .zip or .tar.gz (archive tasks); multipart only.",
    )

    def validate_file(self, value: Any) -> Any:
        if (value.size or 0) > MAX_ARCHIVE_UPLOAD_BYTES:
            raise serializers.ValidationError("The archive is too large.")
        return value

    def submitted_files(self, kind: str) -> SubmittedFiles:
        text = self.validated_data.get("text")
        upload = self.validated_data.get("file")
        if kind == SubmissionKind.ARCHIVE:
            if upload is None:
                raise serializers.ValidationError({"file": ["This task takes a project archive."]})
            return SubmittedFiles(upload.name or "project.zip", upload.read())
        if text is None:
            raise serializers.ValidationError({"text": ["This task takes text."]})
        return SubmittedFiles(TEXT_FILE_NAMES[SubmissionKind(kind)], text.encode("utf-8"))


class LearnerSubmissionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    task = serializers.SlugField()
    task_version = serializers.IntegerField()
    attempt_number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SubmissionKind.choices)
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    size_bytes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    phase = serializers.CharField(allow_blank=True, help_text="The pipeline's current phase.")
    done = serializers.BooleanField()
    verdict = serializers.CharField(
        allow_blank=True, help_text="passed, failed, rejected or error; blank until graded."
    )
    elapsed_seconds = serializers.FloatField()
    score = decimal_field(allow_null=True)
    max_score = decimal_field(allow_null=True)
    queued_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    result_url = serializers.CharField()


class LearnerCheckOutput(serializers.Serializer[Any]):
    id = serializers.CharField()
    passed = serializers.BooleanField()
    points = decimal_field()
    max_points = decimal_field()
    message = serializers.CharField()
    section = serializers.CharField()
    section_url = serializers.CharField(allow_null=True)


class LearnerRunSummaryOutput(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    trigger = serializers.ChoiceField(choices=RunTrigger.choices)
    score = decimal_field()
    max_score = decimal_field()
    task_version = serializers.IntegerField()
    finished_at = serializers.DateTimeField()


class LearnerResultOutput(serializers.Serializer[Any]):
    submission = serializers.IntegerField()
    task = serializers.SlugField()
    status = serializers.ChoiceField(
        choices=SubmissionStatus.choices,
        help_text="Not done while a regrade runs; the result is then the last one.",
    )
    run = serializers.IntegerField()
    task_version = serializers.IntegerField(help_text="The task version this run graded against.")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    passed = serializers.BooleanField()
    score = decimal_field()
    max_score = decimal_field()
    reason = serializers.CharField(
        allow_blank=True,
        help_text=(
            "Why the submission was refused (rejected), or a notice that grading failed on "
            "our side (error)."
        ),
    )
    checks = LearnerCheckOutput(many=True)
    image_digest = serializers.CharField(allow_blank=True)
    image_size_bytes = serializers.IntegerField(allow_null=True)
    timings = serializers.DictField(child=serializers.FloatField(), help_text="Seconds by phase.")
    log_excerpt = serializers.CharField(allow_blank=True, help_text="At most 64 KB.")
    graded_at = serializers.DateTimeField()
    history = LearnerRunSummaryOutput(many=True, help_text="Every run, newest first.")


# Readers ---------------------------------------------------------------------------------------


def task_summary(task: PracticalTask) -> dict[str, Any]:
    version = selectors.current_version(task)
    return {
        "slug": task.slug,
        "title": task.title,
        "version": version.number,
        "submission_kind": version.submission_kind,
        "pass_percent": version.pass_percent,
        "max_points": version.max_points,
    }


def task_detail(task: PracticalTask, *, attempts_used: int) -> dict[str, Any]:
    version = selectors.current_version(task)
    links = selectors.section_links_for_module(module_id=task.module_id)
    return task_summary(task) | {
        "instructions_markdown": version.instructions_markdown,
        "instructions_html": courses_api.markdown_render(version.instructions_markdown),
        "sections": [links[s.slug] for s in task.sections.all() if s.slug in links],
        "objectives": [o.text for o in version.objectives.order_by("position")],
        "allowed_base_images": version.allowed_base_images,
        "time_budget_seconds": version.time_budget_seconds,
        "max_attempts": version.max_attempts,
        "attempts_used": attempts_used,
        "rubric": [
            {
                "check": item.check_id,
                "points": item.points,
                "section": item.section_slug,
                "must_pass": item.required,
            }
            for item in version.rubric_items
        ],
        "starter_files": sorted(version.starter_files),
        "starter_url": reverse("practicals:starter", args=[task.slug]),
    }


def submission_summary(submission: Submission) -> dict[str, Any]:
    progress = selectors.submission_progress_for(submission=submission)
    return submission_fields(submission) | {
        "phase": progress.phase if not progress.done else "",
        "done": progress.done,
        "elapsed_seconds": progress.elapsed_seconds,
        "result_url": reverse("api-practical-submission-result", args=[submission.pk]),
    }


def run_summary(run: GradingRun) -> dict[str, Any]:
    return {
        "number": run.number,
        "verdict": run.verdict,
        "trigger": run.trigger,
        "score": run.score,
        "max_score": run.max_score,
        "task_version": run.task_version.number,
        "finished_at": run.finished_at,
    }


def learner_result(submission: Submission, runs: list[GradingRun]) -> dict[str, Any]:
    links = selectors.section_links_for_module(module_id=submission.task_version.task.module_id)
    run = selectors.run_for_learner(run=runs[0], section_links=links)
    return {
        "submission": submission.pk,
        "task": submission.task_version.task.slug,
        "status": submission.status,
        "run": run.number,
        "task_version": run.task_version,
        "verdict": run.verdict,
        "passed": run.passed,
        "score": run.score,
        "max_score": run.max_score,
        "reason": run.reason,
        "checks": [
            {
                "id": check.check_id,
                "passed": check.passed,
                "points": check.points,
                "max_points": check.max_points,
                "message": check.message,
                "section": check.section_slug,
                "section_url": check.section.url if check.section else None,
            }
            for check in run.checks
        ],
        "image_digest": run.image_digest,
        "image_size_bytes": run.image_size_bytes,
        "timings": run.timings,
        "log_excerpt": run.log_excerpt,
        "graded_at": run.finished_at,
        "history": [run_summary(each) for each in runs],
    }
