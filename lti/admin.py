from django.contrib import admin

from lti.models import GradeDelivery, LtiLink

# Platforms and their deployments are registered in django-lti's admin (LTI registrations),
# or with `manage.py lti_register_platform`. Deployments are activated there too.


@admin.register(LtiLink)
class LtiLinkAdmin(admin.ModelAdmin):
    list_display = ["resource_link", "target_kind", "target_slug", "lineitem_url"]
    list_filter = ["target_kind"]
    search_fields = ["target_slug", "resource_link__title"]
    raw_id_fields = ["resource_link"]


@admin.register(GradeDelivery)
class GradeDeliveryAdmin(admin.ModelAdmin):
    list_display = ["link", "learner", "score_given", "status", "tries", "resends", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in GradeDelivery._meta.fields]
    search_fields = ["learner__email", "platform_user_id"]
