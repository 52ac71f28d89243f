"""Admin for course content. Imported content is mostly read-only here: re-import the file to
change it. A section's Markdown may be edited; saving re-renders it through the service."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from courses.models import ContentBlock, Course, KeyTakeaway, LearningObjective, Module, Section
from courses.services import section_body_update


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "created_at")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("position", "title", "slug", "is_archived")
    readonly_fields = ("position", "title", "slug", "is_archived")
    extra = 0
    show_change_link = True
    can_delete = False


class KeyTakeawayInline(admin.TabularInline):
    model = KeyTakeaway
    fields = ("position", "text")
    readonly_fields = ("position", "text")
    extra = 0
    can_delete = False


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "course", "slug", "imported_at")
    list_filter = ("course",)
    search_fields = ("title", "slug", "number")
    readonly_fields = ("intro_html", "summary_html", "source_name", "source_sha256", "imported_at")
    inlines = (SectionInline, KeyTakeawayInline)


class ContentBlockInline(admin.TabularInline):
    model = ContentBlock
    fields = ("position", "kind", "key", "payload", "is_archived")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "position", "slug", "is_archived", "updated_at")
    list_filter = ("module__course", "module", "is_archived")
    search_fields = ("title", "slug", "body_markdown")
    fields = ("module", "position", "slug", "title", "is_archived", "body_markdown", "body_html")
    readonly_fields = ("body_html",)
    inlines = (ContentBlockInline,)

    def save_model(self, request: HttpRequest, obj: Section, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "body_markdown" in form.changed_data or not change:
            section_body_update(section=obj, body_markdown=obj.body_markdown)


@admin.register(LearningObjective)
class LearningObjectiveAdmin(admin.ModelAdmin):
    list_display = ("text", "module", "position", "is_archived")
    list_filter = ("module", "is_archived")
    search_fields = ("text", "slug")
    filter_horizontal = ("taught_in",)


@admin.register(KeyTakeaway)
class KeyTakeawayAdmin(admin.ModelAdmin):
    list_display = ("text", "module", "position")
    list_filter = ("module",)


@admin.register(ContentBlock)
class ContentBlockAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "section", "position", "is_archived")
    list_filter = ("kind", "is_archived", "section__module")
    search_fields = ("key",)
    readonly_fields = ("section", "position", "kind", "key", "payload", "created_at", "updated_at")
