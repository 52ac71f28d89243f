"""The instructors' authoring UI. Every view is wrapped in instructor_required (see urls)."""

import difflib
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.api import request_user, staff_module_scope
from assessments import selectors
from assessments.analytics_selectors import question_flags
from assessments.authoring_forms import (
    BulkActionForm,
    QuestionForm,
    RejectForm,
    TryAnswerForm,
    spec_to_yaml,
)
from assessments.models import Provenance, Question, QuestionStatus, QuestionVersion
from assessments.question_types import QUESTION_TYPES, ResponseError, instantiate
from assessments.question_types.examples import example_checks
from assessments.rendering import question_render_preview
from assessments.services.questions import (
    draft_approve,
    draft_reject,
    question_answer_try,
    question_create,
    question_exam_pool_set,
    question_revise,
    question_tags_set,
    questions_bulk_status_set,
    questions_bulk_tag,
)
from assessments.statistics.flags import FLAG_LABELS
from courses import api as courses_api
from quayside.identifiers import whole_number_or_none

QUESTIONS_PER_PAGE = 50
# Previews use a fixed seed so the author sees one stable variant while typing.
PREVIEW_SEED = 1
PREVIEW_KEY = "preview"


def _back_to(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the posted `next` when it is a page of this site, else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _int_or_none(value: str | None) -> int | None:
    return whole_number_or_none(value)


def _question_or_404(question_id: int) -> Question:
    try:
        return selectors.question_get(question_id=question_id)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None


def _form_kwargs(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """The form offers only the sections and objectives of the courses the instructor teaches,
    so a section of another course fails validation as an unknown choice."""
    scope = staff_module_scope(request.user)
    return {
        "sections": courses_api.section_choices(module_ids=scope),
        "objectives": courses_api.objective_choices(module_ids=scope),
        **extra,
    }


@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.QuestionFilter(
        section_id=_int_or_none(request.GET.get("section")),
        objective_id=_int_or_none(request.GET.get("objective")),
        type=request.GET.get("type") or None,
        status=request.GET.get("status") or None,
        tag=request.GET.get("tag") or None,
        provenance=request.GET.get("provenance") or None,
        text=request.GET.get("q") or None,
        module_ids=staff_module_scope(request.user),
    )
    page = Paginator(selectors.question_list(filters=filters), QUESTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessments/authoring/question_list.html",
        {
            "page": page,
            "filters": filters,
            "sections": courses_api.section_choices(module_ids=filters.module_ids),
            "objectives": courses_api.objective_choices(module_ids=filters.module_ids),
            "types": sorted(QUESTION_TYPES),
            "statuses": QuestionStatus.choices,
            "provenances": Provenance.choices,
            "counts": selectors.question_status_counts(module_ids=filters.module_ids),
            "query": request.GET.urlencode(),
            "flags": question_flags(question_ids=[question.pk for question in page]),
            "flag_labels": FLAG_LABELS,
        },
    )


@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None, **_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        try:
            question = question_create(
                key=form.cleaned_data["key"],
                section_id=form.cleaned_data["section"],
                content=form.content(),
                provenance=Provenance.AUTHORED,
                status=QuestionStatus.DRAFT,
                tags=form.cleaned_data["tags"],
                author=request_user(request),
                exam_only=form.cleaned_data["exam_only"],
            )
        except IntegrityError:
            form.add_error("key", "A question with this key exists already.")
        else:
            messages.success(request, f"Created {question.key} as a draft.")
            return redirect("authoring:question_detail", question_id=question.pk)
    return render(
        request, "assessments/authoring/question_form.html", {"form": form, "question": None}
    )


def _initial_from(question: Question) -> dict[str, Any]:
    version = question.current_version
    assert version is not None
    return {
        "key": question.key,
        "section": question.section_id,
        "type": version.type,
        "objectives": [objective.pk for objective in version.objectives.all()],
        "tags": ", ".join(tag.name for tag in question.tags.all()),
        "exam_only": question.exam_only,
        "points": float(version.points),
        "difficulty": version.difficulty,
        "spec": spec_to_yaml(version.spec),
    }


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    form = QuestionForm(
        request.POST or None,
        initial=_initial_from(question),
        **_form_kwargs(request, key_locked=True),
    )
    if request.method == "POST" and form.is_valid():
        version = question_revise(
            question=question,
            content=form.content(),
            author=request_user(request),
            note=form.cleaned_data["change_note"],
        )
        question_tags_set(question=question, tags=form.cleaned_data["tags"])
        question_exam_pool_set(question=question, exam_only=form.cleaned_data["exam_only"])
        if form.cleaned_data["section"] != question.section_id:
            Question.objects.filter(pk=question.pk).update(section_id=form.cleaned_data["section"])
        if request.POST.get("approve") and question.status == QuestionStatus.DRAFT:
            draft_approve(question=question, reviewer=request_user(request))
            messages.success(request, f"Saved and approved {question.key}.")
        elif version is None:
            messages.info(request, "Nothing changed in the content; no new version was made.")
        else:
            messages.success(request, f"Saved {question.key} as version {version.number}.")
        return redirect("authoring:question_detail", question_id=question.pk)
    return render(
        request, "assessments/authoring/question_form.html", {"form": form, "question": question}
    )


@require_GET
def question_detail(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    version = question.current_version
    assert version is not None
    preview = question_render_preview(
        question_type=version.type,
        spec=version.spec,
        seed=PREVIEW_SEED,
        field_name="preview",
        disabled=True,
    )
    question_type = QUESTION_TYPES[version.type]
    variant, _ = instantiate(version.spec, PREVIEW_SEED)
    return render(
        request,
        "assessments/authoring/question_detail.html",
        {
            "question": question,
            "version": version,
            "versions": list(question.versions.all()),
            "spec_yaml": spec_to_yaml(version.spec),
            "preview": preview,
            "shown_outside_exam": selectors.question_shown_outside_exam_count(question=question)
            if question.exam_only
            else 0,
            "reject_form": RejectForm(),
            "takes_examples": question_type.takes_examples,
            "example_checks": example_checks(question_type, variant),
            "has_dockerignore": "dockerignore_starter" in version.spec,
        },
    )


def _version_text(version: QuestionVersion) -> list[str]:
    header = f"type: {version.type}\npoints: {version.points}\ndifficulty: {version.difficulty}\n"
    return (header + spec_to_yaml(version.spec)).splitlines(keepends=True)


@require_GET
def question_diff(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    versions = {version.number: version for version in question.versions.all()}
    newest = max(versions)
    new = versions.get(_int_or_none(request.GET.get("new")) or newest)
    old = versions.get(_int_or_none(request.GET.get("old")) or max(newest - 1, 1))
    if new is None or old is None:
        raise Http404("No such version.")
    diff = difflib.unified_diff(
        _version_text(old), _version_text(new), f"version {old.number}", f"version {new.number}"
    )
    return render(
        request,
        "assessments/authoring/question_diff.html",
        {
            "question": question,
            "old": old,
            "new": new,
            "diff_lines": list(diff),
            "versions": versions,
        },
    )


@require_POST
def question_preview(request: HttpRequest) -> HttpResponse:
    """Live preview for the editor: the posted, unsaved spec exactly as a learner sees it."""
    # The key plays no part in what a learner sees, and the edit page does not post it (the
    # field is locked there), so the preview does not ask for one.
    form = QuestionForm(
        request.POST, initial={"key": PREVIEW_KEY}, **_form_kwargs(request, key_locked=True)
    )
    if not form.is_valid():
        return render(
            request, "assessments/authoring/_preview_errors.html", {"form": form}, status=422
        )
    preview = question_render_preview(
        question_type=form.cleaned_data["type"],
        spec=form.cleaned_data["spec"],
        seed=PREVIEW_SEED,
        field_name="preview",
        disabled=False,
    )
    return HttpResponse(preview)


@require_POST
def question_try(request: HttpRequest) -> HttpResponse:
    """Grade a typed answer with the posted (draft or saved) spec, for the author's "try an
    answer" box. Changes nothing: no attempt, no version, no statistics."""
    form = TryAnswerForm(request.POST)
    fragment = request.headers.get("X-Requested-With") == "fetch"
    template = (
        "assessments/authoring/_try_result.html"
        if fragment
        else "assessments/authoring/question_try.html"
    )
    if not form.is_valid():
        return render(request, template, {"form": form}, status=422)
    try:
        grade = question_answer_try(
            question_type=form.cleaned_data["type"],
            spec=form.cleaned_data["spec"],
            response=form.response(),
            seed=PREVIEW_SEED,
        )
    except ResponseError as error:
        return render(request, template, {"form": form, "invalid_answer": str(error)}, status=422)
    return render(request, template, {"form": form, "grade": grade})


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    drafts = selectors.draft_queue(module_ids=staff_module_scope(request.user))
    page = Paginator(drafts, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/authoring/review_queue.html",
        {"page": page, "reject_form": RejectForm()},
    )


@require_POST
def draft_approve_view(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    try:
        draft_approve(question=question, reviewer=request_user(request))
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Approved {question.key}.")
    return _back_to(request, "authoring:review_queue")


@require_POST
def draft_reject_view(request: HttpRequest, question_id: int) -> HttpResponse:
    question = _question_or_404(question_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for the rejection.")
        return redirect("authoring:question_detail", question_id=question.pk)
    try:
        draft_reject(
            question=question, reviewer=request_user(request), reason=form.cleaned_data["reason"]
        )
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Rejected {question.key}.")
    return _back_to(request, "authoring:review_queue")


@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    ids = selectors.question_ids_in_scope(
        question_ids=[
            number
            for pk in request.POST.getlist("question_ids")
            if (number := whole_number_or_none(pk)) is not None
        ],
        module_ids=staff_module_scope(request.user),
    )
    form = BulkActionForm(request.POST, question_ids=ids)
    if not form.is_valid():
        messages.error(request, "Pick at least one question and an action.")
    elif (status := form.status()) is not None:
        count = questions_bulk_status_set(
            question_ids=form.cleaned_data["question_ids"], status=status
        )
        messages.success(request, f"{count} question(s) now {status.label.lower()}.")
    else:
        tags = [tag.strip() for tag in form.cleaned_data["tags"].split(",")]
        count = questions_bulk_tag(question_ids=form.cleaned_data["question_ids"], tags=tags)
        messages.success(request, f"Tagged {count} question(s).")
    return redirect(f"{reverse('authoring:question_list')}?{request.POST.get('query', '')}")
