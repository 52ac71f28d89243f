"""Learner REST endpoints of practical tasks (/api/v1/practicals/...): tasks, submit, status,
result.

Learner-facing only: these serializers never carry a rubric item's params, a check's evidence
or an operator's error detail (the instructor endpoints have their own serializers for those).
"""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import api as courses_api
from lms.api import learner_scope
from practicals import selectors
from practicals.endpoints.access import (
    submission_get_for_scope,
    task_get_for_scope,
)
from practicals.endpoints.outputs import decimal_field, submission_fields
from practicals.forms import MAX_ARCHIVE_UPLOAD_BYTES, SUBMISSION_REQUEST_MAX_BYTES
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
    SubmissionRefusedError,
    SubmittedFiles,
    submission_create,
)
from practicals.starter_archive import starter_zip
from quayside.idempotency_keys import idempotency_key, idempotency_key_parameter
from quayside.parsers import StrictJSONParser
from quayside.problem_details import problem_response

TAG = "practicals"
SUBMISSION_THROTTLE = "practical_submission"
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


def _max_points(rubric: list[dict[str, Any]]) -> float:
    return sum(float(item["points"]) for item in rubric)


def task_summary(task: PracticalTask) -> dict[str, Any]:
    version = selectors.current_version(task)
    return {
        "slug": task.slug,
        "title": task.title,
        "version": version.number,
        "submission_kind": version.submission_kind,
        "pass_percent": version.pass_percent,
        "max_points": _max_points(version.rubric),
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
                "check": i["check"],
                "points": i["points"],
                "section": i["section"],
                "must_pass": bool(i.get("required", False)),
            }
            for i in version.rubric
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
    run = runs[0]
    links = selectors.section_links_for_module(module_id=submission.task_version.task.module_id)
    return {
        "submission": submission.pk,
        "task": submission.task_version.task.slug,
        "status": submission.status,
        "run": run.number,
        "task_version": run.task_version.number,
        "verdict": run.verdict,
        "passed": run.verdict == Verdict.PASSED,
        "score": run.score,
        "max_score": run.max_score,
        "reason": selectors.run_reason_for_learner(run=run),
        "checks": [
            {
                "id": check.check_id,
                "passed": check.passed,
                "points": check.points,
                "max_points": check.max_points,
                "message": check.message,
                "section": check.section_slug,
                "section_url": links[check.section_slug].url
                if check.section_slug in links
                else None,
            }
            for check in run.checks.all()
        ],
        "image_digest": run.image_digest,
        "image_size_bytes": run.image_size_bytes,
        "timings": run.timings,
        "log_excerpt": run.log_excerpt,
        "graded_at": run.finished_at,
        "history": [run_summary(each) for each in runs],
    }


# Endpoints -------------------------------------------------------------------------------------

_RESULT_EXAMPLE = OpenApiExample(
    "Failed one check",
    response_only=True,
    value={
        "submission": 17,
        "task": "dockerfile-small-image",
        "status": "done",
        "run": 1,
        "task_version": 2,
        "verdict": "failed",
        "passed": False,
        "score": 7.0,
        "max_score": 10.0,
        "reason": "",
        "checks": [
            {
                "id": "runs-as-non-root",
                "passed": False,
                "points": 0.0,
                "max_points": 3.0,
                "message": "The container runs as root. Add a USER instruction.",
                "section": "container-security-best-practices",
                "section_url": "/docker-basics/module-1-1/container-security-best-practices/",
            }
        ],
        "image_digest": "sha256:4b6f…",
        "image_size_bytes": 58_720_256,
        "timings": {"static": 0.02, "build": 3.1, "run": 1.4},
        "log_excerpt": "Step 1/6 : FROM python:3.11-slim-bookworm…",
        "graded_at": "2026-03-02T09:11:30Z",
        "history": [],
    },
)


class PracticalTaskList(APIView):
    # Declared so the schema documents the paginated envelope the view returns.
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=[TAG],
        operation_id="practical_task_list",
        summary="The published practical tasks",
        responses=PracticalTaskSummaryOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = learner_scope(request)
        tasks = selectors.task_list_published(module_ids=scope.module_ids)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(tasks, request, self) or []
        return paginator.get_paginated_response(
            PracticalTaskSummaryOutput([task_summary(task) for task in page], many=True).data
        )


class PracticalTaskDetail(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="practical_task_get",
        summary="A practical task: instructions, limits, pass mark and rubric",
        responses=PracticalTaskDetailOutput,
    )
    def get(self, request: Request, slug: str) -> Response:
        scope = learner_scope(request)
        task = task_get_for_scope(scope=scope, slug=slug)
        used = selectors.attempts_used(learner=scope.learner, task=task)
        return Response(PracticalTaskDetailOutput(task_detail(task, attempts_used=used)).data)


class SubmissionCreate(APIView):
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    throttle_scope = SUBMISSION_THROTTLE
    max_request_body_bytes = SUBMISSION_REQUEST_MAX_BYTES

    @extend_schema(
        tags=[TAG],
        operation_id="practical_submission_create",
        summary="Submit a solution for grading",
        description=(
            "Dockerfile and commands tasks take `text` (JSON or form); archive tasks take `file` "
            "(multipart). Answers 202: grading runs in the background; poll the submission's "
            "status. Refused with 409 `grading_in_progress` while an earlier submission is being "
            "graded and `no_attempts_left`; 413 `too_large`."
        ),
        request={
            "application/json": SubmissionCreateInput,
            "multipart/form-data": SubmissionCreateInput,
        },
        parameters=[idempotency_key_parameter("returns the submission made with it")],
        responses={
            202: LearnerSubmissionOutput,
            409: problem_response(
                "An earlier submission is still being graded, or no attempt is left.",
                code="grading_in_progress",
                status=409,
                detail="Your previous submission is still being graded; wait for its result.",
            ),
            413: problem_response(
                "The submission is too large.",
                code="too_large",
                status=413,
                detail="The archive is larger than 5120 KB.",
            ),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        scope = learner_scope(request)
        task = task_get_for_scope(scope=scope, slug=slug)
        submitted = SubmissionCreateInput(data=request.data)
        submitted.is_valid(raise_exception=True)
        files = submitted.submitted_files(selectors.current_version(task).submission_kind)
        submission = submission_create(
            learner=scope.learner,
            task_slug=task.slug,
            files=files,
            idempotency_key=idempotency_key(request),
        )
        submission = selectors.submission_get_for_viewer(
            submission_id=submission.pk, user=scope.learner
        )
        return Response(
            LearnerSubmissionOutput(submission_summary(submission)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class SubmissionList(APIView):
    # Declared so the schema documents the paginated envelope the view returns.
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=[TAG],
        operation_id="practical_submission_list",
        summary="The learner's own submissions, newest first",
        parameters=[
            OpenApiParameter("task", OpenApiTypes.STR, description="Only this task's (slug).")
        ],
        responses=LearnerSubmissionOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = learner_scope(request)
        submissions = selectors.submission_list_for_learner_all(
            learner=scope.learner, module_ids=scope.module_ids
        )
        if request.query_params.get("task"):
            task = task_get_for_scope(scope=scope, slug=request.query_params["task"])
            submissions = submissions.filter(task_version__task=task)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(submissions, request, self) or []
        return paginator.get_paginated_response(
            LearnerSubmissionOutput([submission_summary(s) for s in page], many=True).data
        )


class SubmissionStatusApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="practical_submission_get",
        summary="A submission's grading status: status, phase, elapsed time, verdict",
        responses=LearnerSubmissionOutput,
    )
    def get(self, request: Request, submission_id: int) -> Response:
        submission = submission_get_for_scope(
            scope=learner_scope(request), submission_id=submission_id
        )
        return Response(LearnerSubmissionOutput(submission_summary(submission)).data)


class SubmissionResult(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="practical_submission_result",
        summary="The latest grading result with each check's feedback, and the run history",
        responses={
            200: LearnerResultOutput,
            409: problem_response(
                "Not graded yet.",
                code="not_graded_yet",
                status=409,
                detail="This submission has not been graded yet; poll its status.",
            ),
        },
        examples=[_RESULT_EXAMPLE],
    )
    def get(self, request: Request, submission_id: int) -> Response:
        submission = submission_get_for_scope(
            scope=learner_scope(request), submission_id=submission_id
        )
        runs = selectors.run_list_for_submission(submission=submission)
        if not runs:
            raise SubmissionRefusedError(
                code="not_graded_yet",
                message="This submission has not been graded yet; poll its status.",
            )
        return Response(LearnerResultOutput(learner_result(submission, runs)).data)


class StarterDownload(APIView):
    """The task's starter files as a zip, with the API's credentials (a service account too)."""

    @extend_schema(
        tags=[TAG],
        operation_id="practical_task_starter",
        summary="The task's starter files (zip)",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        task = task_get_for_scope(scope=learner_scope(request), slug=slug)
        version = selectors.current_version(task)
        response = HttpResponse(
            starter_zip(folder_name=task.slug, files=version.starter_files),
            content_type="application/zip",
        )
        response["Content-Disposition"] = f'attachment; filename="{task.slug}-starter.zip"'
        return response
