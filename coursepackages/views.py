"""The course sync pages: preview a zip or git branch, apply the preview, see the history.

Every view is wrapped in instructor_required (see urls); which course a user may sync is
decided by coursepackages.permissions.may_sync inside the services, and which syncs they may
see by the selectors.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.api import request_user
from coursepackages.diff import ACTIONS, SyncDiff
from coursepackages.forms import SyncSourceForm
from coursepackages.models import SyncStatus
from coursepackages.selectors import (
    HISTORY_PAGE_ROWS,
    course_sync_get_for_user,
    course_sync_list_for_user,
)
from coursepackages.services import (
    PreviewNotApplicable,
    SyncNotAllowed,
    course_sync_preview,
    course_sync_preview_apply,
)
from coursepackages.sources import MAX_PACKAGE_ZIP_BYTES
from quayside.request_limits import MULTIPART_OVERHEAD_BYTES, request_body_limit


@request_body_limit(max_bytes=MAX_PACKAGE_ZIP_BYTES + MULTIPART_OVERHEAD_BYTES)
@require_http_methods(["GET", "POST"])
def sync_start(request: HttpRequest) -> HttpResponse:
    schemes = settings.COURSE_SYNC_GIT_SCHEMES
    form = SyncSourceForm(request.POST or None, request.FILES or None, git_schemes=schemes)
    if request.method == "POST" and form.is_valid():
        try:
            preview = course_sync_preview(
                user=request_user(request),
                zip_bytes=form.cleaned_data["package"],
                git_url=form.cleaned_data["git_url"],
                git_branch=form.cleaned_data["git_branch"],
                git_schemes=schemes,
            )
        except SyncNotAllowed as error:
            raise PermissionDenied(str(error)) from None
        return redirect("coursepackages:sync_detail", sync_id=preview.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "coursepackages/sync_start.html",
        {"form": form, "schemes": schemes, "max_zip_bytes": MAX_PACKAGE_ZIP_BYTES},
        status=status,
    )


@require_GET
def sync_detail(request: HttpRequest, sync_id: int) -> HttpResponse:
    row = course_sync_get_for_user(sync_id=sync_id, user=request_user(request))
    applied = row.applications.filter(status=SyncStatus.APPLIED).first()
    return render(
        request,
        "coursepackages/sync_detail.html",
        {
            "sync": row,
            "diff_rows": SyncDiff.from_json(row.diff).rows(),
            "actions": ACTIONS,
            "changed": SyncDiff.from_json(row.diff).changed,
            "applied_by": applied,
            "can_apply": row.status == SyncStatus.PREVIEWED and applied is None,
        },
    )


@require_POST
def sync_apply(request: HttpRequest, sync_id: int) -> HttpResponse:
    user = request_user(request)
    preview = course_sync_get_for_user(sync_id=sync_id, user=user)
    try:
        row = course_sync_preview_apply(
            preview=preview, user=user, git_schemes=settings.COURSE_SYNC_GIT_SCHEMES
        )
    except SyncNotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except PreviewNotApplicable as error:
        return render(
            request,
            "coursepackages/sync_refused.html",
            {"sync": preview, "reason": str(error)},
            status=409,
        )
    return redirect("coursepackages:sync_detail", sync_id=row.pk)


@require_GET
def sync_history(request: HttpRequest) -> HttpResponse:
    rows = course_sync_list_for_user(user=request_user(request))[:HISTORY_PAGE_ROWS]
    return render(request, "coursepackages/sync_history.html", {"syncs": rows})
