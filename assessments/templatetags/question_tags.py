from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`{{ response|get_item:left.id }}`: a dict lookup with a variable key."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def place_of(order: Any, item_id: str) -> int | None:
    """1-based place of an item in a saved ordering response."""
    if isinstance(order, list) and item_id in order:
        return order.index(item_id) + 1
    return None
