"""Admin pages of practical grading: every grading engine's health, as its worker reports it."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from practicals.models import EngineHeartbeat
from practicals.selectors import EngineState, engine_health


@admin.register(EngineHeartbeat)
class EngineHeartbeatAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the workers (one per worker and its Docker engine)."""

    list_display = [
        "worker",
        "docker_host",
        "state",
        "consuming",
        "engine_version",
        "check_runtime",
        "build_cache_entries",
        "build_cache_bytes",
        "leftovers_removed",
        "janitor_ran_at",
        "seen_at",
    ]
    readonly_fields = [field.name for field in EngineHeartbeat._meta.fields]
    search_fields = ["worker", "docker_host"]

    @admin.display(description="health")
    def state(self, heartbeat: EngineHeartbeat) -> str:
        health = engine_health(heartbeat, now=timezone.now())
        if health.state is EngineState.OK:
            return "ok"
        return f"{health.state}: {health.detail}" if health.detail else str(health.state)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
