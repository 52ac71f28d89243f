from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lms.models import ServiceAccount, WebhookDelivery, WebhookSubscription
from lms.tasks import send_webhook
from quayside import outbox
from quayside.enqueue import enqueue_after_commit


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "token_prefix", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    filter_horizontal = ["courses", "learners"]
    # Tokens are issued by `manage.py create_service_account`; the admin only edits scope.
    readonly_fields = ["token_hash", "token_prefix", "created_at"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["account", "url", "is_active", "created_at"]
    list_filter = ["is_active", "account"]
    # The secret is shown once by `manage.py webhook_subscribe`.
    exclude = ["secret"]


@admin.action(description="Replay (send again with the same id and body)")
def replay(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    replayed = 0
    for delivery_id in queryset.values_list("pk", flat=True):
        if outbox.delivery_resend(WebhookDelivery, delivery_id=delivery_id):
            enqueue_after_commit(send_webhook, delivery_id)
            replayed += 1
    modeladmin.message_user(request, f"{replayed} delivery(ies) queued again.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "message_id",
        "event_type",
        "subscription",
        "status",
        "tries",
        "replays",
        "delivered_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["message_id"]
    actions = [replay]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
