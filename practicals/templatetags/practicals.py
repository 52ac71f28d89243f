from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping|get_item:key`: a dictionary lookup with a variable key (None when missing)."""
    return mapping.get(key)
