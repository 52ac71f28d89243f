"""Import and export pages of the authoring UI (GIFT and Moodle XML)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.api import request_user, staff_module_scope
from assessments import selectors
from assessments.authoring_forms import ImportForm
from assessments.interchange.model import ExportError
from assessments.services.interchange import FORMAT_GIFT, questions_export, questions_import
from courses import api as courses_api
from quayside.identifiers import whole_number_or_none
from quayside.request_limits import MULTIPART_OVERHEAD_BYTES, request_body_limit

_EXPORT_FILES = {
    FORMAT_GIFT: ("quayside-questions.gift.txt", "text/plain; charset=utf-8"),
    "moodle_xml": ("quayside-questions.xml", "application/xml"),
}


@request_body_limit(max_bytes=ImportForm.MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES)
@require_http_methods(["GET", "POST"])
def question_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        sections=courses_api.section_choices(module_ids=staff_module_scope(request.user)),
    )
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = questions_import(
            data=form.cleaned_data["file"],
            file_name=str(request.FILES["file"].name),  # type: ignore[union-attr]
            file_format=form.cleaned_data["format"],
            default_section_id=form.cleaned_data["section"],
            category_mapping=form.cleaned_data["category_mapping"],
            author=request_user(request),
        )
    status = 422 if outcome is not None and not outcome.ok else 200
    return render(
        request,
        "assessments/authoring/import.html",
        {"form": form, "outcome": outcome},
        status=status,
    )


@require_GET
def question_export(request: HttpRequest) -> HttpResponse:
    file_format = request.GET.get("format")
    scope = staff_module_scope(request.user)
    if file_format not in _EXPORT_FILES:
        return render(
            request,
            "assessments/authoring/export.html",
            {
                "sections": courses_api.section_choices(module_ids=scope),
                "statuses": ["ready", "draft", "retired"],
            },
        )
    section = request.GET.get("section")
    filters = selectors.QuestionFilter(
        section_id=whole_number_or_none(section),
        status=request.GET.get("status") or None,
        module_ids=scope,
    )
    try:
        payload = questions_export(
            questions=selectors.question_list(filters=filters), file_format=file_format
        )
    except ExportError as error:
        return render(
            request,
            "assessments/authoring/export.html",
            {
                "sections": courses_api.section_choices(module_ids=scope),
                "statuses": ["ready", "draft", "retired"],
                "problems": error.problems,
            },
            status=422,
        )
    name, content_type = _EXPORT_FILES[file_format]
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
