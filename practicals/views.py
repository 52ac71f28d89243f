"""The learner portal's practical tasks and the instructors' submission lists.

Views are thin: getters in `selectors` decide who may see what (another learner's submission is
a 404), services in `services.submissions` do the writes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.api import instructor_required, request_user, user_is_instructor
from courses import api as courses_api
from practicals import selectors
from practicals.forms import SUBMISSION_FORMS, SUBMISSION_REQUEST_MAX_BYTES, SubmissionForm
from practicals.models import PracticalTask, Submission, SubmissionKind
from practicals.services.submissions import (
    SubmissionRefusedError,
    submission_create,
    submission_regrade,
    task_submissions_regrade,
)
from practicals.starter_archive import starter_zip
from quayside.request_limits import request_body_limit

# Text submissions are shown back on the result page; an archive is only named.
TEXT_KINDS = frozenset({SubmissionKind.DOCKERFILE, SubmissionKind.COMMANDS})
INSTRUCTOR_PAGE_SIZE = 200


def _task_or_404(slug: str) -> PracticalTask:
    return selectors.task_get_published(slug=slug)


def _submission_or_404(request: HttpRequest, submission_id: int) -> Submission:
    return selectors.submission_get_for_viewer(
        submission_id=submission_id, user=request_user(request)
    )


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Every published task, by course; in one course with `?course=<slug>`."""
    course_slug = request.GET.get("course") or None
    module_ids = courses_api.course_filter_scope(course_slug=course_slug)
    tasks = selectors.task_list_published(module_ids=module_ids)
    return render(
        request,
        "practicals/task_list.html",
        {"tasks": tasks, "course_slug": course_slug},
    )


def _task_page(
    request: HttpRequest, task: PracticalTask, form: SubmissionForm, status: int = 200
) -> HttpResponse:
    version = selectors.current_version(task)
    learner = request_user(request)
    links = selectors.section_links_for_module(module_id=task.module_id)
    sections = [links[section.slug] for section in task.sections.all() if section.slug in links]
    submissions = list(selectors.submission_list_for_learner(learner=learner, task=task))
    used = selectors.attempts_used(learner=learner, task=task)
    return render(
        request,
        "practicals/task_detail.html",
        {
            "task": task,
            "version": version,
            "instructions_html": courses_api.markdown_render(version.instructions_markdown),
            "sections": sections,
            "objectives": version.objectives.order_by("position"),
            "form": form,
            "submissions": submissions,
            "in_progress": next((s for s in submissions if s.is_in_progress), None),
            "attempts_used": used,
            "attempts_left": None
            if version.max_attempts is None
            else max(version.max_attempts - used, 0),
            "max_points": version.max_points,
            "required_checks": [item.check_id for item in version.rubric_items if item.required],
            "is_instructor": user_is_instructor(learner),
        },
        status=status,
    )


@request_body_limit(max_bytes=SUBMISSION_REQUEST_MAX_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, slug: str) -> HttpResponse:
    task = _task_or_404(slug)
    form_class = SUBMISSION_FORMS[selectors.current_version(task).submission_kind]
    if request.method != "POST":
        return _task_page(request, task, form_class())
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _task_page(request, task, form, status=400)
    try:
        submission = submission_create(
            learner=request_user(request), task_slug=task.slug, files=form.submitted_files()
        )
    except SubmissionRefusedError as error:
        form.add_error(None, error.message)
        return _task_page(request, task, form, status=error.status)
    return redirect("practicals:submission", submission_id=submission.pk)


@login_required
@require_GET
def starter_download(request: HttpRequest, slug: str) -> HttpResponse:
    task = _task_or_404(slug)
    version = selectors.current_version(task)
    body = starter_zip(folder_name=task.slug, files=version.starter_files)
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{task.slug}-starter.zip"'
    return response


@login_required
@require_GET
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _submission_or_404(request, submission_id)
    task = submission.task_version.task
    links = selectors.section_links_for_module(module_id=task.module_id)
    runs = [
        selectors.run_for_viewer(run=run, viewer=request_user(request), section_links=links)
        for run in selectors.run_list_for_submission(submission=submission)
    ]
    text = None
    if submission.kind in TEXT_KINDS:
        content = selectors.submission_content_get_for_viewer(
            submission_id=submission.pk, user=request_user(request)
        )
        text = content.decode("utf-8", errors="replace")
    return render(
        request,
        "practicals/submission_detail.html",
        {
            "submission": submission,
            "task": task,
            "progress": selectors.submission_progress_for(submission=submission),
            "latest": runs[0] if runs else None,
            "earlier_runs": runs[1:],
            "submitted_text": text,
            "is_instructor": user_is_instructor(request_user(request)),
            "status_url": reverse("practicals:submission_status", args=[submission.pk]),
        },
    )


@login_required
@require_GET
def submission_status(request: HttpRequest, submission_id: int) -> JsonResponse:
    """The live progress display polls this (phase, elapsed time); small and uncached."""
    submission = _submission_or_404(request, submission_id)
    progress = selectors.submission_progress_for(submission=submission)
    response = JsonResponse(
        {
            "id": progress.submission_id,
            "status": progress.status,
            "status_label": progress.status_label,
            "phase": progress.phase,
            "done": progress.done,
            "verdict": progress.verdict,
            "elapsed_seconds": progress.elapsed_seconds,
            "phase_elapsed_seconds": progress.phase_elapsed_seconds,
            "score": progress.score,
            "max_score": progress.max_score,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@instructor_required
@require_GET
def instructor_submissions(request: HttpRequest, slug: str) -> HttpResponse:
    task = selectors.task_get_for_instructor(slug=slug, user=request_user(request))
    submissions = selectors.submission_list_for_task(task=task)[:INSTRUCTOR_PAGE_SIZE]
    return render(
        request,
        "practicals/instructor_submissions.html",
        {"task": task, "version": task.current_version, "submissions": submissions},
    )


@instructor_required
@require_POST
def instructor_regrade_submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    user = request_user(request)
    submission = selectors.submission_get_for_instructor(submission_id=submission_id, user=user)
    try:
        submission_regrade(submission=submission, instructor=user)
        messages.success(request, f"Submission {submission.pk} is queued for regrading.")
    except SubmissionRefusedError as error:
        messages.error(request, error.message)
    return redirect("practicals:submission", submission_id=submission.pk)


@instructor_required
@require_POST
def instructor_regrade_task(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    task = selectors.task_get_for_instructor(slug=slug, user=user)
    queued = task_submissions_regrade(task=task, instructor=user)
    messages.success(request, f"{len(queued)} submissions are queued for regrading.")
    return redirect("practicals:instructor_submissions", slug=task.slug)
