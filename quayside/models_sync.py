"""Bringing an existing row in line with values read from a source file, writing only what differs.

The catalogue, bank, task and course loaders are idempotent: loading an unchanged file must write
nothing, and their reports count a row as changed only when one of its fields was.
"""

import json
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models


def fields_update_changed(*, row: models.Model, values: Mapping[str, object]) -> list[str]:
    """Set the fields of `row` whose value differs from `values` and save only those.

    Returns the names of the changed fields in the order of `values`; empty when nothing changed,
    in which case nothing is saved. Values compare as the database would store them, so a float
    equal to a stored Decimal, or a tuple equal to a stored JSON list, is no change. The row's
    `auto_now` fields (`updated_at`) are saved with the changed fields. Unknown field names raise
    `FieldDoesNotExist`. The caller holds whatever lock the update needs.
    """
    changed = [
        name
        for name, value in values.items()
        if not _is_stored_as(row._meta.get_field(name), getattr(row, name), value)
    ]
    if not changed:
        return []
    for name in changed:
        setattr(row, name, values[name])
    touched = [
        field.name
        for field in row._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in changed
    ]
    row.save(update_fields=[*changed, *touched])
    return changed


def _is_stored_as(field: object, current: object, wanted: object) -> bool:
    if current == wanted:
        return True
    try:
        return current == _stored_form(field, wanted)
    except (ValidationError, TypeError, ValueError):
        # A value the field cannot convert is a change; saving it raises the real error.
        return False


def _stored_form(field: object, value: object) -> object:
    """`value` as it reads back from the database after a save."""
    if isinstance(field, models.JSONField):
        return json.loads(json.dumps(value, cls=field.encoder), cls=field.decoder)
    if isinstance(field, models.Field):
        return field.to_python(value)
    return value
