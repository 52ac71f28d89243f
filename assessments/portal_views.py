"""The learner portal: dashboard, assessments, taking an attempt, results; instructor lists.

Views are thin: getters decide who may see what (another learner's attempt is a 404), services
do the writes, and what a learner may see of grades comes from the attempt selectors.
"""

import csv
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.api import request_user
from assessments.models import Assessment, Attempt, AttemptQuestion, AttemptStatus, FeedbackPolicy
from assessments.portal_answers import answers_from_post, feedback_html, question_html
from assessments.portal_export import attempts_csv_rows
from assessments.selectors import portal as portal_selectors
from assessments.selectors.attempts import (
    ItemForSave,
    attempt_get_for_learner,
    attempt_list_for_learner,
    attempt_question_get_for_learner,
    grades_visible,
    item_for_learner,
    mastery_for_learner,
)
from assessments.services.answers import (
    SaveAcknowledgement,
    attempt_answer_check,
    attempt_answer_save,
)
from assessments.services.attempts import (
    AnswerLocked,
    AttemptClosed,
    AttemptError,
    DeadlinePassed,
    attempt_finalise_if_expired,
    attempt_start,
    attempt_submit,
)
from courses import api as courses_api
from quayside.identifiers import whole_number_or_none
from quayside.problem_details import domain_problem_response

RECENT_ATTEMPTS = 8
STANDING_TEMPLATE = "certificates/_standing.html"


# The getters below raise a NotFoundError, which is Django's Http404 (quayside/errors.py): a page
# view lets it rise and answers the not-found page.


def _attempt_or_404(request: HttpRequest, attempt_id: int) -> Attempt:
    return attempt_get_for_learner(attempt_id=attempt_id, learner=request_user(request))


def _standing_or_404(request: HttpRequest, slug: str) -> portal_selectors.AssessmentStanding:
    return portal_selectors.assessment_standing_for_learner(
        slug=slug, learner=request_user(request), now=timezone.now()
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _certification_standing_available() -> bool:
    """The certificates app supplies the standing partial; the dashboard shows it when present."""
    try:
        select_template([STANDING_TEMPLATE])
    except TemplateDoesNotExist:
        return False
    return True


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The learner's courses, and their standing: in one course (`?course=<slug>`), or in all."""
    learner = request_user(request)
    now = timezone.now()
    courses = courses_api.course_list_for_learner(learner=learner)
    course_slug = request.GET.get("course") or None
    module_ids = courses_api.course_filter_scope(course_slug=course_slug)
    recent = attempt_list_for_learner(learner=learner, module_ids=module_ids)[:RECENT_ATTEMPTS]
    return render(
        request,
        "assessments/portal/dashboard.html",
        {
            "courses": courses,
            "course_slug": course_slug,
            "assessment_standings": portal_selectors.assessment_standings_for_learner(
                learner=learner, now=now, module_ids=module_ids
            ),
            "mastery": mastery_for_learner(
                learner=learner, now=now, module_ids=module_ids
            ).sections,
            "recent_attempts": [
                (attempt, grades_visible(attempt=attempt, now=now)) for attempt in recent
            ],
            # Certification slot: filled by certificates/_standing.html when that app provides it.
            "certification_slot": _certification_standing_available(),
        },
    )


@login_required
@require_GET
def assessment_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    standing = _standing_or_404(request, slug)
    return render(
        request,
        "assessments/portal/assessment_detail.html",
        {
            "standing": standing,
            "assessment": standing.assessment,
            "is_open": standing.assessment.is_open(now),
            "attempts": [
                (attempt, grades_visible(attempt=attempt, now=now)) for attempt in standing.attempts
            ],
        },
    )


@login_required
@require_POST
def attempt_start_view(request: HttpRequest, slug: str) -> HttpResponse:
    standing = _standing_or_404(request, slug)
    try:
        attempt = attempt_start(
            learner=request_user(request),
            assessment=standing.assessment,
            idempotency_key=request.POST.get("idempotency_key", "")[:100],
        )
    except AttemptError as error:
        messages.error(request, error.message)
        return redirect("portal:assessment", slug=slug)
    return redirect("portal:attempt", attempt_id=attempt.pk)


def _page_number(request: HttpRequest, attempt: Attempt, count: int) -> int | None:
    """The one question shown (1-based) when the assessment shows one per page; else None."""
    if not attempt.assessment.one_question_per_page:
        return None
    raw = request.GET.get("q", "1")
    number = whole_number_or_none(raw) or 0
    if not 1 <= number <= count:
        raise Http404("No such question in this attempt.")
    return number


def _attempt_url(attempt: Attempt, page: int | None) -> str:
    url = reverse("portal:attempt", kwargs={"attempt_id": attempt.pk})
    return f"{url}?q={page}" if page else url


def _result_redirect(attempt: Attempt) -> HttpResponseRedirect:
    return redirect("portal:result", attempt_id=attempt.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """GET shows the questions; POST is the no-JavaScript path: save, move, or go to submit."""
    now = timezone.now()
    attempt = attempt_finalise_if_expired(attempt=_attempt_or_404(request, attempt_id), now=now)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return _result_redirect(attempt)
    items = portal_selectors.attempt_questions_for_page(attempt=attempt)
    page = _page_number(request, attempt, len(items))
    on_page = [items[page - 1]] if page else items
    if request.method == "POST":
        return _attempt_post(request, attempt, on_page, page, len(items))
    questions = portal_selectors.questions_for_learner(attempt=attempt, items=on_page, now=now)
    return render(
        request,
        "assessments/portal/attempt.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "questions": [
                {
                    "position": question.item.position,
                    "html": question_html(question.item, shown=question.shown),
                    "shown": question.shown,
                    "feedback_html": feedback_html(question.shown),
                }
                for question in questions
            ],
            # Immediate feedback: each answer has a Check button, and checking locks it.
            "checks_answers": attempt.assessment.feedback_policy == FeedbackPolicy.IMMEDIATE,
            "total": len(items),
            "answered": sum(1 for item in items if item.saved_at is not None),
            "navigation": [(item.position, item.saved_at is not None) for item in items],
            "page": page,
            "previous_page": page - 1 if page and page > 1 else None,
            "next_page": page + 1 if page and page < len(items) else None,
            # The timer counts to the server's deadline, corrected by the server's clock.
            "deadline_iso": _iso(attempt.deadline_at),
            "server_now_iso": _iso(now),
            "time_left_text": _time_left_text(attempt.seconds_left(now)),
        },
    )


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="milliseconds") if moment else ""


def _time_left_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _check_position(request: HttpRequest) -> int | None:
    """The question whose Check button posted the form, if any."""
    raw = request.POST.get("check", "")
    return int(raw) if raw.isdigit() else None


def _attempt_post(
    request: HttpRequest,
    attempt: Attempt,
    on_page: list[AttemptQuestion],
    page: int | None,
    count: int,
) -> HttpResponse:
    now = timezone.now()
    problems = []
    checking = _check_position(request)
    answers = answers_from_post(items=on_page, post=request.POST)
    if checking is not None and checking not in {item.position for item, _ in answers}:
        problems.append(f"Question {checking}: answer it before checking.")
    for item, response in answers:
        item.attempt = attempt
        keep = attempt_answer_check if item.position == checking else attempt_answer_save
        try:
            keep(item=ItemForSave.of(item), response=response, now=now)
        except AttemptError as error:
            if isinstance(error, DeadlinePassed | AttemptClosed):
                messages.error(request, error.message)
                return _result_redirect(attempt)
            if isinstance(error, AnswerLocked) and item.position != checking:
                continue  # a locked answer posted with the page is simply kept as it was
            problems.append(f"Question {item.position}: {error.message}")
    for problem in problems:
        messages.error(request, f"Not saved. {problem}")
    action = request.POST.get("action", "save")
    if action == "submit" and not problems:
        return redirect("portal:submit", attempt_id=attempt.pk)
    goto = request.POST.get("goto", "")
    target = whole_number_or_none(goto) or 0
    if page and 1 <= target <= count and not problems:
        return HttpResponseRedirect(_attempt_url(attempt, target))
    if not problems:
        messages.success(
            request,
            "Your answers are saved." if checking is None else "Your answer is checked and locked.",
        )
    return HttpResponseRedirect(_attempt_url(attempt, page))


def _question_or_404(request: HttpRequest, attempt_id: int, position: int) -> AttemptQuestion:
    return attempt_question_get_for_learner(
        attempt_id=attempt_id, position=position, learner=request_user(request)
    )


def _acknowledgement(acknowledgement: SaveAcknowledgement) -> dict[str, Any]:
    return {
        "position": acknowledgement.position,
        "saved_at": acknowledgement.saved_at.isoformat(),
        "save_count": acknowledgement.save_count,
        "seconds_left": acknowledgement.seconds_left,
        "checked": acknowledgement.checked,
    }


@login_required
@require_POST
def answer_save(request: HttpRequest, attempt_id: int, position: int) -> JsonResponse:
    """Autosave of one answer: JSON acknowledgement, or a problem document on refusal."""
    item = _question_or_404(request, attempt_id, position)
    ((_, response),) = answers_from_post(items=[item], post=request.POST, keep_blank=True)
    try:
        acknowledgement = attempt_answer_save(item=ItemForSave.of(item), response=response)
    except AttemptError as error:
        return domain_problem_response(
            error,
            request=request,
            result_url=reverse("portal:result", kwargs={"attempt_id": attempt_id}),
        )
    return JsonResponse(_acknowledgement(acknowledgement))


@login_required
@require_POST
def answer_check(request: HttpRequest, attempt_id: int, position: int) -> JsonResponse:
    """Immediate feedback: save, grade and lock one answer; JSON with the feedback's HTML."""
    item = _question_or_404(request, attempt_id, position)
    ((_, response),) = answers_from_post(items=[item], post=request.POST, keep_blank=True)
    try:
        acknowledgement = attempt_answer_check(item=ItemForSave.of(item), response=response)
    except AttemptError as error:
        return domain_problem_response(
            error,
            request=request,
            result_url=reverse("portal:result", kwargs={"attempt_id": attempt_id}),
        )
    checked = _question_or_404(request, attempt_id, position)
    shown = item_for_learner(attempt=checked.attempt, item=checked, now=acknowledgement.saved_at)
    return JsonResponse(_acknowledgement(acknowledgement) | {"feedback_html": feedback_html(shown)})


@login_required
@require_http_methods(["GET", "POST"])
def attempt_submit_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """GET asks for confirmation; POST submits (the timer posts here with Accept: JSON)."""
    attempt = _attempt_or_404(request, attempt_id)
    result_url = reverse("portal:result", kwargs={"attempt_id": attempt.pk})
    if request.method == "POST":
        attempt = attempt_submit(
            attempt=attempt, idempotency_key=request.POST.get("idempotency_key", "")[:100]
        )
        if _wants_json(request):
            return JsonResponse(
                {
                    "status": attempt.status,
                    "finalised_by": attempt.finalised_by,
                    "result_url": result_url,
                }
            )
        return HttpResponseRedirect(result_url)
    attempt = attempt_finalise_if_expired(attempt=attempt, now=timezone.now())
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return HttpResponseRedirect(result_url)
    items = portal_selectors.attempt_questions_for_page(attempt=attempt)
    return render(
        request,
        "assessments/portal/submit.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "unanswered": [item.position for item in items if item.saved_at is None],
            "total": len(items),
        },
    )


@login_required
@require_GET
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    now = timezone.now()
    attempt = attempt_finalise_if_expired(attempt=_attempt_or_404(request, attempt_id), now=now)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect("portal:attempt", attempt_id=attempt.pk)
    visible = grades_visible(attempt=attempt, now=now)
    questions = portal_selectors.questions_for_learner(
        attempt=attempt,
        items=portal_selectors.attempt_questions_for_page(attempt=attempt),
        now=now,
    )
    sections = portal_selectors.sections_for_attempt(
        attempt=attempt, items=[question.item for question in questions], now=now
    )
    return render(
        request,
        "assessments/portal/result.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "grades_visible": visible,
            "review": [
                {
                    "position": question.item.position,
                    "html": question_html(
                        question.item,
                        shown=question.shown,
                        response=question.shown.response,
                        disabled=True,
                    ),
                    "shown": question.shown,
                    "feedback_html": feedback_html(question.shown),
                }
                for question in questions
            ]
            if visible
            else [],
            "sections": sections,
            "sections_to_review": [section for section in sections if section.needs_review],
        },
    )


@require_GET
def instructor_attempts(request: HttpRequest, slug: str) -> HttpResponse:
    assessment = _instructor_assessment_or_404(slug)
    return render(
        request,
        "assessments/portal/instructor_attempts.html",
        {
            "assessment": assessment,
            "attempts": portal_selectors.attempt_list_for_instructor(assessment=assessment),
        },
    )


@require_GET
def instructor_attempts_csv(request: HttpRequest, slug: str) -> HttpResponse:
    assessment = _instructor_assessment_or_404(slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{assessment.slug}-attempts.csv"'
    writer = csv.writer(response)
    writer.writerows(
        attempts_csv_rows(portal_selectors.attempt_list_for_instructor(assessment=assessment))
    )
    return response


def _instructor_assessment_or_404(slug: str) -> Assessment:
    return portal_selectors.assessment_get_for_instructor(slug=slug)
