from django.contrib import admin

from certificates.models import Certificate, CertificationProgram, RequiredPracticalTask, StatusList


class RequiredPracticalTaskInline(admin.TabularInline):
    model = RequiredPracticalTask
    extra = 1


@admin.register(CertificationProgram)
class CertificationProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "module", "final_exam_slug", "validity_days", "is_active"]
    inlines = [RequiredPracticalTaskInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates change only through the services (sign, revoke, reissue)."""

    list_display = [
        "display_code",
        "recipient_name",
        "program",
        "status",
        "issued_at",
        "expires_at",
    ]
    list_filter = ["status", "program", "issue_kind"]
    search_fields = ["verification_code", "recipient_name", "learner__email"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ["pk", "purpose", "length_bits", "next_index", "published_at"]
    readonly_fields = ["purpose", "length_bits", "next_index", "credential_json", "published_at"]
