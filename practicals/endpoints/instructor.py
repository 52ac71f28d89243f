"""Instructor REST endpoints of practical grading: every submission of a task, full results
(with evidence and operators' error details), regrading one submission or a whole task."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import IsInstructor, request_user
from practicals import selectors
from practicals.endpoints.outputs import decimal_field, submission_fields
from practicals.models import GradingRun, RunTrigger, Submission, SubmissionStatus, Verdict
from practicals.services.submissions import submission_regrade, task_submissions_regrade
from quayside.problem_details import problem_response

TAG = "practicals-instructors"


class InstructorApiView(APIView):
    permission_classes = [IsAuthenticated, IsInstructor]


class SubmitterOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField(allow_blank=True)


class InstructorSubmissionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    learner = SubmitterOutput()
    task = serializers.SlugField()
    task_version = serializers.IntegerField()
    attempt_number = serializers.IntegerField()
    kind = serializers.CharField()
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    size_bytes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    phase = serializers.CharField(allow_blank=True)
    verdict = serializers.CharField(allow_blank=True)
    score = decimal_field(allow_null=True)
    max_score = decimal_field(allow_null=True)
    claims = serializers.IntegerField(help_text="Claims of the pending or last grading.")
    infrastructure_failures = serializers.IntegerField()
    last_error = serializers.CharField(allow_blank=True)
    queued_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class InstructorCheckOutput(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    id = serializers.CharField(source="check_id")
    passed = serializers.BooleanField()
    points = decimal_field()
    max_points = decimal_field()
    message = serializers.CharField()
    section = serializers.CharField(source="section_slug")
    evidence = serializers.DictField()


class InstructorRunOutput(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    task_version = serializers.IntegerField(source="task_version.number")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    trigger = serializers.ChoiceField(choices=RunTrigger.choices)
    requested_by = serializers.EmailField(source="requested_by.email", allow_null=True)
    score = decimal_field()
    max_score = decimal_field()
    reason = serializers.CharField(allow_blank=True)
    claims = serializers.IntegerField()
    image_digest = serializers.CharField(allow_blank=True)
    image_size_bytes = serializers.IntegerField(allow_null=True)
    timings = serializers.DictField(child=serializers.FloatField())
    log_excerpt = serializers.CharField(allow_blank=True)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    checks = InstructorCheckOutput(many=True)


class InstructorResultOutput(serializers.Serializer[Any]):
    submission = InstructorSubmissionOutput()
    runs = InstructorRunOutput(many=True, help_text="Every run, newest first.")


class TaskRegradeOutput(serializers.Serializer[Any]):
    task = serializers.SlugField()
    task_version = serializers.IntegerField(help_text="The version they are regraded against.")
    queued = serializers.ListField(child=serializers.IntegerField(), help_text="Submission ids.")


def instructor_submission(submission: Submission) -> dict[str, Any]:
    learner = submission.learner
    return submission_fields(submission) | {
        "learner": {"id": learner.pk, "email": learner.email, "display_name": learner.display_name},
        "phase": submission.phase,
        "claims": submission.claims,
        "infrastructure_failures": submission.infrastructure_failures,
        "last_error": submission.last_error,
    }


def _runs(runs: list[GradingRun]) -> list[dict[str, Any]]:
    return [
        InstructorRunOutput(run).data
        | {"checks": InstructorCheckOutput(run.checks.all(), many=True).data}
        for run in runs
    ]


class TaskSubmissionsForInstructor(InstructorApiView):
    # Declared so the schema documents the paginated envelope the view returns.
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=[TAG],
        operation_id="practical_task_submissions",
        summary="Every learner's submissions of a task, newest first",
        responses=InstructorSubmissionOutput(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        task = selectors.task_get_for_instructor(slug=slug, user=request_user(request))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.submission_list_for_task(task=task), request, self
        )
        return paginator.get_paginated_response(
            InstructorSubmissionOutput(
                [instructor_submission(s) for s in page or []], many=True
            ).data
        )


class SubmissionResultForInstructor(InstructorApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="practical_submission_runs",
        summary="A submission with every grading run, checks and evidence",
        responses=InstructorResultOutput,
    )
    def get(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_for_instructor(
            submission_id=submission_id, user=request_user(request)
        )
        runs = selectors.run_list_for_submission(submission=submission)
        return Response(
            {"submission": InstructorSubmissionOutput(instructor_submission(submission)).data}
            | {"runs": _runs(runs)}
        )


class SubmissionRegrade(InstructorApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="practical_submission_regrade",
        summary="Regrade one submission against its task's current version",
        description="Earlier runs stay in the history. 409 while the submission is being graded.",
        request=None,
        responses={
            202: InstructorSubmissionOutput,
            409: problem_response(
                "The submission is being graded already.",
                code="grading_in_progress",
                status=409,
                detail="This submission is being graded already; regrade it when that ends.",
            ),
        },
    )
    def post(self, request: Request, submission_id: int) -> Response:
        instructor = request_user(request)
        submission = selectors.submission_get_for_instructor(
            submission_id=submission_id, user=instructor
        )
        regraded = submission_regrade(submission=submission, instructor=instructor)
        return Response(
            InstructorSubmissionOutput(instructor_submission(regraded)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class TaskRegrade(InstructorApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="practical_task_regrade",
        summary="Regrade every finished submission of a task against its current version",
        request=None,
        responses={202: TaskRegradeOutput},
    )
    def post(self, request: Request, slug: str) -> Response:
        instructor = request_user(request)
        task = selectors.task_get_for_instructor(slug=slug, user=instructor)
        queued = task_submissions_regrade(task=task, instructor=instructor)
        version = selectors.current_version(task)
        return Response(
            TaskRegradeOutput(
                {"task": task.slug, "task_version": version.number, "queued": queued}
            ).data,
            status=status.HTTP_202_ACCEPTED,
        )
