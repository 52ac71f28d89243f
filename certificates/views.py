"""Pages: learners' certificates, instructors' program lists, public verification and documents.

Thin: every view validates input, calls one selector or service, and renders.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.api import instructor_required, request_user, staff_module_scope
from accounts.models import User
from certificates import selectors
from certificates.codes import (
    VERIFICATION_CODE_LENGTH,
    format_verification_code,
    normalise_verification_code,
)
from certificates.issuer import issuer_profile_document, verification_url
from certificates.models import Certificate
from certificates.services.issuance import (
    CertificationError,
    certificate_issue_manual,
    certificate_reissue,
    certificate_reissue_for_new_name,
    certificate_revoke,
)
from certificates.services.pdf import certificate_pdf_bytes, certificate_pdf_render
from certificates.services.status_lists import status_list_credential_get
from certificates.verification import (
    MAX_CREDENTIAL_BYTES,
    MAX_CREDENTIAL_UPLOAD_BYTES,
    verify_code,
    verify_credential_json,
)
from quayside.request_limits import request_body_limit

JSON_LD = "application/ld+json"


# Getters raise NotFoundError (an Http404) for what the person may not see: the page is a 404.
def _certificate_for_viewer(request: HttpRequest, code: str) -> Certificate:
    return selectors.certificate_get_for_viewer(code=code, user=request_user(request))


# Learner pages ---------------------------------------------------------------------------------


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    learner = request_user(request)
    certificates = selectors.certificate_list_for_learner(learner=learner)
    standings = selectors.certification_standings_for_learner(learner_id=learner.pk)
    return render(
        request,
        "certificates/my_certificates.html",
        {"certificates": certificates, "standings": standings, "learner": learner},
    )


@login_required
def certificate_detail(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate_for_viewer(request, code)
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "share_url": verification_url(certificate.verification_code),
            "name_changed": certificate.learner_id == request.user.pk
            and selectors.certificate_name_outdated(
                certificate=certificate, learner=request_user(request)
            ),
        },
    )


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate_for_viewer(request, code)
    response = HttpResponse(
        certificate_pdf_bytes(certificate=certificate), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{certificate.display_code}.pdf"'
    )
    return response


@login_required
def certificate_credential(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate_for_viewer(request, code)
    response = HttpResponse(certificate.credential_json, content_type=JSON_LD)
    response["Content-Disposition"] = (
        f'attachment; filename="credential-{certificate.display_code}.json"'
    )
    return response


@login_required
@require_POST
def certificate_reissue_own(request: HttpRequest, code: str) -> HttpResponse:
    """A learner whose name changed asks for their certificate under the new name."""
    learner = request_user(request)
    certificate = selectors.certificate_get_for_learner(code=code, learner=learner)
    try:
        replacement = certificate_reissue_for_new_name(certificate=certificate, learner=learner)
    except CertificationError as error:
        messages.error(request, str(error))
        return redirect("certificates:detail", code=code)
    messages.success(request, "Your certificate was reissued with your current name.")
    return redirect("certificates:detail", code=replacement.verification_code)


# Instructor pages ------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ManualIssueForm(ReasonForm):
    learner_email = forms.EmailField()


@instructor_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = selectors.program_list_active(module_ids=staff_module_scope(request.user))
    return render(request, "certificates/program_list.html", {"programs": programs})


@instructor_required
@require_http_methods(["GET", "POST"])
def program_certificates(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(slug=slug, module_ids=staff_module_scope(request.user))
    form = ManualIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        learner = User.objects.filter(email__iexact=form.cleaned_data["learner_email"]).first()
        if learner is None:
            form.add_error("learner_email", "No user has this email address.")
        else:
            try:
                certificate = certificate_issue_manual(
                    program=program,
                    learner=learner,
                    instructor=request_user(request),
                    reason=form.cleaned_data["reason"],
                )
            except CertificationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Certificate {certificate.display_code} issued.")
                return redirect("certificates:program", slug=program.slug)
    certificates = selectors.certificate_list_for_program(program=program)
    return render(
        request,
        "certificates/program_certificates.html",
        {"program": program, "certificates": certificates, "form": form},
    )


def _instructor_certificate(request: HttpRequest, code: str) -> Certificate:
    return selectors.certificate_get_for_instructor(code=code, instructor=request_user(request))


@instructor_required
@require_http_methods(["GET", "POST"])
def certificate_revoke_page(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _instructor_certificate(request, code)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(
                certificate=certificate,
                instructor=request_user(request),
                reason=form.cleaned_data["reason"],
            )
        except CertificationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Certificate {certificate.display_code} revoked.")
            return redirect("certificates:program", slug=certificate.program.slug)
    return render(
        request,
        "certificates/certificate_action.html",
        {"certificate": certificate, "form": form, "action": "revoke"},
    )


@instructor_required
@require_http_methods(["GET", "POST"])
def certificate_reissue_page(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _instructor_certificate(request, code)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            replacement = certificate_reissue(
                certificate=certificate,
                actor=request_user(request),
                reason=form.cleaned_data["reason"],
            )
        except CertificationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Reissued as {replacement.display_code}.")
            return redirect("certificates:program", slug=certificate.program.slug)
    return render(
        request,
        "certificates/certificate_action.html",
        {"certificate": certificate, "form": form, "action": "reissue"},
    )


@instructor_required
@require_POST
def certificate_pdf_regenerate(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _instructor_certificate(request, code)
    certificate_pdf_render(certificate_id=certificate.pk, force=True)
    messages.success(request, f"The PDF of {certificate.display_code} was regenerated.")
    return redirect("certificates:program", slug=certificate.program.slug)


# Public pages and documents --------------------------------------------------------------------


class VerifyForm(forms.Form):
    code = forms.CharField(max_length=40, required=False, label="Verification code")
    credential = forms.FileField(required=False, label="Or upload a credential (JSON)")

    def clean_code(self) -> str:
        """The code in its printed form (it becomes part of a URL), or an error for a non-code."""
        typed: str = self.cleaned_data.get("code", "")
        if not typed.strip():
            return ""
        code = normalise_verification_code(typed)
        if code is None:
            raise forms.ValidationError(
                f"A verification code has {VERIFICATION_CODE_LENGTH} letters and digits, "
                "such as ABCDE-FGHJK-MNPQR-STVWX."
            )
        return format_verification_code(code)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not cleaned.get("code") and not cleaned.get("credential"):
            raise forms.ValidationError("Enter a verification code or choose a credential file.")
        return cleaned


@request_body_limit(max_bytes=MAX_CREDENTIAL_UPLOAD_BYTES)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "certificates/verify.html", {"form": form}, status=400)
        upload = form.cleaned_data.get("credential")
        if upload is None:
            return redirect("certificates_public:verify_code", code=form.cleaned_data["code"])
        result = verify_credential_json(text=upload.read(MAX_CREDENTIAL_BYTES + 1))
    return render(request, "certificates/verify.html", {"form": form, "result": result})


def verify_code_page(request: HttpRequest, code: str) -> HttpResponse:
    result = verify_code(code=code)
    return render(
        request, "certificates/verify.html", {"form": VerifyForm(), "result": result, "code": code}
    )


def issuer_profile(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        issuer_profile_document(), content_type=JSON_LD, json_dumps_params={"indent": 2}
    )


def status_list(request: HttpRequest, status_list_id: int) -> HttpResponse:
    credential = status_list_credential_get(status_list_id=status_list_id)
    if credential is None:
        raise Http404("No such status list.")
    response = HttpResponse(credential, content_type=JSON_LD)
    # Verifiers may cache briefly; a revocation must show within minutes.
    response["Cache-Control"] = "public, max-age=300"
    return response


def achievement(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_get(slug=slug)
    return render(request, "certificates/achievement.html", {"program": program})
