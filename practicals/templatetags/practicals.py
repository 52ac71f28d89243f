from typing import Any

from django import template

from practicals import selectors
from practicals.models import GradingRun

register = template.Library()


@register.simple_tag
def run_reason(run: GradingRun, viewer: Any) -> str:
    """`{% run_reason run user as reason %}`: what this viewer may read of the run's reason."""
    return selectors.run_reason_for_viewer(run=run, viewer=viewer)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping|get_item:key`: a dictionary lookup with a variable key (None when missing)."""
    return mapping.get(key)
