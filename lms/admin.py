from django.contrib import admin

from lms.models import ServiceAccount


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "token_prefix", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    filter_horizontal = ["courses", "learners"]
    # Tokens are issued by `manage.py create_service_account`; the admin only edits scope.
    readonly_fields = ["token_hash", "token_prefix", "created_at"]
