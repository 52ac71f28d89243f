"""REST endpoints under /api/v1/: one view per operation, each with its own serializers.

Learner-facing, instructor-facing and public serializers are separate classes: the learner's
list shows no other learner, the instructor's shows who issued and why, the public verification
answer shows only what the certificate itself prints.
"""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import IsInstructor, request_user, staff_module_scope
from accounts.models import User
from certificates import selectors
from certificates.issuer import verification_url
from certificates.models import Certificate, CertificationProgram
from certificates.services.issuance import (
    certificate_issue_manual,
    certificate_reissue,
    certificate_revoke,
)
from certificates.services.pdf import certificate_pdf_bytes, certificate_pdf_render
from certificates.signed_json import dump_signed
from certificates.verification import (
    MAX_CREDENTIAL_BYTES,
    MAX_CREDENTIAL_UPLOAD_BYTES,
    verify_code,
    verify_credential_json,
)
from lms.api import learner_scope
from quayside.parsers import StrictJSONParser

JSON_LD = "application/ld+json"
# OpenAPI tags: what a learner (or an LMS for them) reads, what instructors do, what anyone checks.
CERTIFICATES_TAG = "certificates"
ADMINISTRATION_TAG = "certificate administration"
VERIFICATION_TAG = "certificate verification"


# Getters raise NotFoundError and services CertificationError: both answer as problem details.
def _learner_certificate(request: Request, code: str) -> Certificate:
    return selectors.certificate_get_for_viewer(
        code=code, user=request_user(request), module_ids=learner_scope(request).module_ids
    )


def _instructor_certificate(request: Request, code: str) -> Certificate:
    return selectors.certificate_get_for_instructor(code=code, instructor=request_user(request))


def _program(request: Request, slug: str) -> CertificationProgram:
    """A program of a course the instructor teaches; others are not found."""
    return selectors.program_get(slug=slug, module_ids=staff_module_scope(request.user))


# Learner -------------------------------------------------------------------------------------


class LearnerCertificateOutput(serializers.Serializer[Any]):
    verification_code = serializers.CharField(source="display_code")
    program = serializers.SlugField(source="program.slug")
    achievement_name = serializers.CharField()
    recipient_name = serializers.CharField()
    status = serializers.CharField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    share_url = serializers.SerializerMethodField()

    def get_share_url(self, certificate: Certificate) -> str:
        return verification_url(certificate.verification_code)


class LearnerCertificateDetailOutput(LearnerCertificateOutput):
    score_summary = serializers.JSONField()
    evidence = serializers.JSONField()


class LearnerCertificateList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=LearnerCertificateOutput(many=True),
        operation_id="certificates_mine",
        tags=[CERTIFICATES_TAG],
    )
    def get(self, request: Request) -> Response:
        certificates = selectors.certificate_list_for_learner(
            learner=request_user(request), module_ids=learner_scope(request).module_ids
        )
        return Response(LearnerCertificateOutput(certificates, many=True).data)


class LearnerCertificateDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=LearnerCertificateDetailOutput,
        operation_id="certificates_detail",
        tags=[CERTIFICATES_TAG],
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(LearnerCertificateDetailOutput(_learner_certificate(request, code)).data)


class CertificateCredentialDownload(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, JSON_LD): OpenApiTypes.OBJECT},
        operation_id="certificates_credential",
        tags=[CERTIFICATES_TAG],
        description="The signed OpenBadgeCredential exactly as issued.",
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        certificate = _learner_certificate(request, code)
        return HttpResponse(certificate.credential_json, content_type=JSON_LD)


class CertificatePdfDownload(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        operation_id="certificates_pdf",
        tags=[CERTIFICATES_TAG],
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        certificate = _learner_certificate(request, code)
        response = HttpResponse(
            certificate_pdf_bytes(certificate=certificate), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="certificate-{certificate.display_code}.pdf"'
        )
        return response


class RequirementOutput(serializers.Serializer[Any]):
    kind = serializers.CharField()
    key = serializers.CharField()
    title = serializers.CharField(source="label")
    met = serializers.BooleanField()
    message = serializers.CharField()


class StandingOutput(serializers.Serializer[Any]):
    program = serializers.SlugField(source="program_slug")
    program_title = serializers.CharField()
    eligible = serializers.BooleanField()
    active_certificate = serializers.SerializerMethodField()
    requirements = RequirementOutput(many=True)

    def get_active_certificate(self, standing: selectors.CertificationStanding) -> str | None:
        active = standing.active_certificate
        return active.display_code if active is not None else None


class LearnerStanding(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=StandingOutput(many=True),
        operation_id="certification_standing",
        tags=[CERTIFICATES_TAG],
    )
    def get(self, request: Request) -> Response:
        standings = selectors.certification_standings_for_learner(
            learner_id=request_user(request).pk, module_ids=learner_scope(request).module_ids
        )
        return Response(StandingOutput(standings, many=True).data)


# Instructor ----------------------------------------------------------------------------------


class ProgramOutput(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField()
    final_exam_slug = serializers.SlugField()
    required_task_slugs = serializers.SerializerMethodField()
    min_section_mastery_percent = serializers.IntegerField(allow_null=True)
    validity_days = serializers.IntegerField(allow_null=True)

    def get_required_task_slugs(self, program: CertificationProgram) -> list[str]:
        return [required.task_slug for required in program.required_tasks.all()]


class ProgramList(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        responses=ProgramOutput(many=True),
        operation_id="certification_programs",
        tags=[ADMINISTRATION_TAG],
    )
    def get(self, request: Request) -> Response:
        return Response(
            ProgramOutput(
                selectors.program_list_active(module_ids=staff_module_scope(request.user)),
                many=True,
            ).data
        )


class InstructorCertificateOutput(serializers.Serializer[Any]):
    verification_code = serializers.CharField(source="display_code")
    learner_email = serializers.EmailField(source="learner.email")
    recipient_name = serializers.CharField()
    status = serializers.CharField()
    issue_kind = serializers.CharField()
    issue_reason = serializers.CharField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()
    score_summary = serializers.JSONField()


class ManualIssueInput(serializers.Serializer[Any]):
    learner_email = serializers.EmailField()
    reason = serializers.CharField(max_length=500)


class ProgramCertificates(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        responses=InstructorCertificateOutput(many=True),
        operation_id="certification_program_certificates",
        tags=[ADMINISTRATION_TAG],
    )
    def get(self, request: Request, slug: str) -> Response:
        certificates = selectors.certificate_list_for_program(program=_program(request, slug))
        return Response(InstructorCertificateOutput(certificates, many=True).data)

    @extend_schema(
        request=ManualIssueInput,
        responses={201: InstructorCertificateOutput},
        operation_id="certification_program_issue",
        tags=[ADMINISTRATION_TAG],
        description="Issue a certificate manually, whatever the learner's standing.",
    )
    def post(self, request: Request, slug: str) -> Response:
        program = _program(request, slug)
        given = ManualIssueInput(data=request.data)
        given.is_valid(raise_exception=True)
        learner = User.objects.filter(email__iexact=given.validated_data["learner_email"]).first()
        if learner is None:
            raise ValidationError({"learner_email": ["No user has this email address."]})
        certificate = certificate_issue_manual(
            program=program,
            learner=learner,
            instructor=request_user(request),
            reason=given.validated_data["reason"],
        )
        return Response(
            InstructorCertificateOutput(certificate).data, status=status.HTTP_201_CREATED
        )


class ReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class CertificateRevoke(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        request=ReasonInput,
        responses=InstructorCertificateOutput,
        operation_id="certificates_revoke",
        tags=[ADMINISTRATION_TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        certificate = _instructor_certificate(request, code)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        revoked = certificate_revoke(
            certificate=certificate,
            instructor=request_user(request),
            reason=given.validated_data["reason"],
        )
        return Response(InstructorCertificateOutput(revoked).data)


class CertificateReissue(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        request=ReasonInput,
        responses={201: InstructorCertificateOutput},
        operation_id="certificates_reissue",
        tags=[ADMINISTRATION_TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        certificate = _instructor_certificate(request, code)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        replacement = certificate_reissue(
            certificate=certificate,
            actor=request_user(request),
            reason=given.validated_data["reason"],
        )
        return Response(
            InstructorCertificateOutput(replacement).data, status=status.HTTP_201_CREATED
        )


class CertificatePdfRegenerate(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        request=None,
        responses={204: None},
        operation_id="certificates_pdf_regenerate",
        tags=[ADMINISTRATION_TAG],
    )
    def post(self, request: Request, code: str) -> Response:
        certificate = _instructor_certificate(request, code)
        certificate_pdf_render(certificate_id=certificate.pk, force=True)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Public --------------------------------------------------------------------------------------


class VerifiedCertificateOutput(serializers.Serializer[Any]):
    verification_code = serializers.CharField(source="display_code")
    recipient_name = serializers.CharField()
    achievement_name = serializers.CharField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)


class VerificationOutput(serializers.Serializer[Any]):
    verdict = serializers.ChoiceField(choices=["valid", "revoked", "expired", "invalid"])
    reason = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    signature_checked = serializers.BooleanField()
    altered_fields = serializers.ListField(child=serializers.CharField())
    certificate = VerifiedCertificateOutput(allow_null=True)


class VerificationInput(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=40, required=False)
    credential = serializers.JSONField(required=False, help_text="A credential as a JSON object.")
    file = serializers.FileField(required=False, help_text="A credential JSON file (multipart).")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if sum(1 for key in ("code", "credential", "file") if key in attrs) != 1:
            raise ValidationError("Send exactly one of code, credential or file.")
        return attrs


class VerifyByCode(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=VerificationOutput, operation_id="verify_code", tags=[VERIFICATION_TAG], auth=[]
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(VerificationOutput(verify_code(code=code)).data)


class Verify(APIView):
    """Verify a code or a credential; a credential's signature is checked in full."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    parser_classes = [StrictJSONParser, MultiPartParser]
    max_request_body_bytes = MAX_CREDENTIAL_UPLOAD_BYTES

    @extend_schema(
        request={"application/json": VerificationInput, "multipart/form-data": VerificationInput},
        responses=VerificationOutput,
        operation_id="verify",
        tags=[VERIFICATION_TAG],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        given = VerificationInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if "code" in data:
            result = verify_code(code=data["code"])
        elif "file" in data:
            result = verify_credential_json(text=data["file"].read(MAX_CREDENTIAL_BYTES + 1))
        else:
            result = verify_credential_json(text=_as_text(data["credential"]))
        return Response(VerificationOutput(result).data)


def _as_text(credential: object) -> str:
    """A credential posted inline is verified as the document it parses to."""
    if isinstance(credential, str):
        return credential
    if not isinstance(credential, dict):
        return "null"
    return dump_signed(credential)
