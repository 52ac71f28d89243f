"""Learner REST endpoints of practical tasks (/api/v1/practicals/...): tasks, submit, status,
result.

Learner-facing only: these serializers never carry a rubric item's params, a check's evidence
or an operator's error detail (the instructor endpoints have their own serializers for those).
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.api import learner_scope
from practicals import selectors
from practicals.endpoints.access import (
    submission_get_for_scope,
    task_get_for_scope,
)
from practicals.endpoints.learner_outputs import (
    LearnerResultOutput,
    LearnerSubmissionOutput,
    PracticalTaskDetailOutput,
    PracticalTaskSummaryOutput,
    SubmissionCreateInput,
    learner_result,
    submission_summary,
    task_detail,
    task_summary,
)
from practicals.forms import SUBMISSION_REQUEST_MAX_BYTES
from practicals.services.submissions import (
    SubmissionRefusedError,
    submission_create,
)
from practicals.starter_archive import starter_zip
from quayside.idempotency_keys import idempotency_key, idempotency_key_parameter
from quayside.parsers import StrictJSONParser
from quayside.problem_details import problem_response

TAG = "practicals"
SUBMISSION_THROTTLE = "practical_submission"

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
