"""Small checks the types compose into their `validate_spec`. Each returns a list of errors.

Errors name the field by its path in the spec (`options[2].text`), so an author can find it.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

# Per-option and per-answer feedback is optional; the question's general feedback is not.
OPTIONAL = False
REQUIRED = True


def is_number(value: object) -> bool:
    """A finite int or float; YAML's `true` is a bool, and bools are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def declared_keys(typed_dict: Any) -> frozenset[str]:
    """Every key a TypedDict class declares, required or not: the fields a spec may use."""
    return frozenset(typed_dict.__required_keys__ | typed_dict.__optional_keys__)


def path(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def unknown_field_errors(item: Mapping[str, Any], allowed: frozenset[str], where: str) -> list[str]:
    """Unknown fields are errors: a misspelt `corect:` must not silently mean "not correct"."""
    unknown = sorted(str(name) for name in item if name not in allowed)
    return [f"{path(where, name)}: unknown field" for name in unknown]


def text_errors(
    item: Mapping[str, Any], field: str, *, where: str = "", required: bool = REQUIRED
) -> list[str]:
    """`field` must be a non-empty string (or absent, when it is optional)."""
    if field not in item:
        return [f"{path(where, field)}: is required"] if required else []
    value = item[field]
    if not isinstance(value, str):
        return [f"{path(where, field)}: must be a string"]
    if required and not value.strip():
        return [f"{path(where, field)}: must not be empty"]
    return []


def bool_errors(
    item: Mapping[str, Any], field: str, *, where: str = "", required: bool = OPTIONAL
) -> list[str]:
    if field not in item:
        return [f"{path(where, field)}: is required"] if required else []
    if not isinstance(item[field], bool):
        return [f"{path(where, field)}: must be true or false"]
    return []


def number_errors(
    item: Mapping[str, Any],
    field: str,
    *,
    where: str = "",
    required: bool = REQUIRED,
    minimum: float | None = None,
    maximum: float | None = None,
) -> list[str]:
    if field not in item:
        return [f"{path(where, field)}: is required"] if required else []
    value = item[field]
    if not is_number(value):
        return [f"{path(where, field)}: must be a number"]
    if minimum is not None and value < minimum:
        return [f"{path(where, field)}: must be at least {minimum}"]
    if maximum is not None and value > maximum:
        return [f"{path(where, field)}: must be at most {maximum}"]
    return []


def fraction_errors(item: Mapping[str, Any], *, where: str) -> list[str]:
    """An answer's `fraction` (default 1) is the share of the points it earns, 0..1."""
    return number_errors(item, "fraction", where=where, required=OPTIONAL, minimum=0, maximum=1)


def answer_fraction(item: Mapping[str, Any]) -> float:
    return float(item.get("fraction", 1))


def mapping_list(
    spec: Mapping[str, Any], field: str, *, minimum: int
) -> tuple[list[Mapping[str, Any]], list[str]]:
    """The list of mappings in `field` and the errors that make it unusable."""
    value = spec.get(field)
    if value is None:
        return [], [f"{field}: is required"]
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        return [], [f"{field}: must be a list of mappings"]
    if len(value) < minimum:
        return [], [f"{field}: needs at least {minimum} entries"]
    return value, []


def text_list(spec: Mapping[str, Any], field: str, *, minimum: int) -> tuple[list[str], list[str]]:
    """The list of non-empty strings in `field` and the errors that make it unusable."""
    value = spec.get(field)
    if value is None:
        return [], [f"{field}: is required"] if minimum else []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [], [f"{field}: must be a list of strings"]
    if len(value) < minimum:
        return [], [f"{field}: needs at least {minimum} entries"]
    empty = [
        f"{field}[{index}]: must not be empty"
        for index, item in enumerate(value)
        if not item.strip()
    ]
    return (value, empty) if not empty else ([], empty)


def duplicate_errors(texts: Sequence[str], *, where: str) -> list[str]:
    """Texts a learner must tell apart must differ (ids are derived from the text)."""
    seen: set[str] = set()
    errors = []
    for index, text in enumerate(texts):
        if text in seen:
            errors.append(f"{where}[{index}]: repeats {text!r}")
        seen.add(text)
    return errors


def full_credit_errors(answers: Sequence[Mapping[str, Any]], *, field: str) -> list[str]:
    """Some answer must earn full credit, or no learner could ever be correct."""
    fractions = [item.get("fraction", 1) for item in answers]
    if all(is_number(fraction) for fraction in fractions) and 1 not in fractions:
        return [f"{field}: at least one answer needs fraction 1"]
    return []
