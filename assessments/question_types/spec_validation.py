"""Validation of a whole spec: the common fields, the parameters and the type's own fields.

Stored specs leave out what the database keeps in columns (key, section, objectives, type,
points, difficulty, tags, exam_only); bank items carry them. Both are accepted: a common field is
checked when present, and only `prompt` and `feedback` are required.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any, NotRequired, TypedDict

from assessments.question_types.errors import SpecError
from assessments.question_types.spec_checks import (
    declared_keys,
    number_errors,
    text_errors,
    unknown_field_errors,
)
from assessments.question_types.variants import PARAMETERS_FIELD, instantiate, parameter_errors


class CommonSpec(TypedDict):
    """The fields every type's spec may carry; each type's spec TypedDict extends it.

    Only `prompt` and `feedback` are required: stored specs leave the rest to columns.
    """

    prompt: str
    feedback: str
    key: NotRequired[str]
    section: NotRequired[str]
    objectives: NotRequired[list[int | str]]
    type: NotRequired[str]
    points: NotRequired[float]
    difficulty: NotRequired[float]
    tags: NotRequired[list[str]]
    exam_only: NotRequired[bool]
    parameters: NotRequired[dict[str, Any]]  # PARAMETERS_FIELD, see variants


COMMON_FIELDS = declared_keys(CommonSpec)
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Objectives are named by position in the course text (1-based) or by slug (any objective).
OBJECTIVE_SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# General feedback must point the learner back to the course: "Section 3: Writing ...".
SECTION_CITATION_PATTERN = re.compile(r"\bSection \d+\b")
# Seeds tried when validating a parameterised spec: enough to catch a command that only parses
# for some values or an expression that divides by zero for some, cheap enough for every save.
VALIDATION_SEEDS = range(20)

type FieldErrors = Callable[[Mapping[str, Any]], list[str]]


def own_fields(spec_type: Any) -> frozenset[str]:
    """The fields a type's spec TypedDict declares beyond the common ones."""
    return declared_keys(spec_type) - COMMON_FIELDS


def validate_question_spec(
    spec: object, *, type_name: str, type_fields: frozenset[str], field_errors: FieldErrors
) -> list[str]:
    """Every problem with `spec` as a question of type `type_name`, without repeats."""
    if not isinstance(spec, Mapping):
        return ["the spec must be a mapping of fields"]
    errors = unknown_field_errors(spec, COMMON_FIELDS | type_fields, where="")
    errors += _common_errors(spec, type_name)
    parameters_errors = parameter_errors(spec.get(PARAMETERS_FIELD))
    errors += parameters_errors
    if parameters_errors:
        errors += field_errors(spec)
    else:
        errors += _instance_errors(spec, field_errors)
    return list(dict.fromkeys(errors))


def _common_errors(spec: Mapping[str, Any], type_name: str) -> list[str]:
    errors = text_errors(spec, "prompt") + _feedback_errors(spec)
    if "type" in spec and spec["type"] != type_name:
        errors.append(f"type: is {spec['type']!r}, but the spec is validated as {type_name!r}")
    key = spec.get("key")
    if "key" in spec and not (isinstance(key, str) and KEY_PATTERN.fullmatch(key)):
        errors.append(f"key: must match {KEY_PATTERN.pattern}")
    if "section" in spec:
        errors += text_errors(spec, "section")
    objectives = spec.get("objectives")
    if "objectives" in spec and not _is_list_of_objective_references(objectives):
        errors.append(
            "objectives: must be a list of positions (whole numbers from 1) or objective slugs"
        )
    tags = spec.get("tags")
    if "tags" in spec and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        errors.append("tags: must be a list of strings")
    errors += number_errors(spec, "points", required=False, minimum=0)
    if spec.get("points") == 0:
        errors.append("points: must be positive")
    errors += number_errors(spec, "difficulty", required=False, minimum=0, maximum=1)
    if "exam_only" in spec and not isinstance(spec["exam_only"], bool):
        errors.append("exam_only: must be true or false")
    return errors


def _feedback_errors(spec: Mapping[str, Any]) -> list[str]:
    errors = text_errors(spec, "feedback")
    if errors:
        return errors
    if not SECTION_CITATION_PATTERN.search(spec["feedback"]):
        return ['feedback: must cite its section, e.g. "Section 3: Writing Production-Ready ..."']
    return []


def _is_list_of_objective_references(value: object) -> bool:
    return isinstance(value, list) and all(
        (isinstance(item, int) and not isinstance(item, bool) and item >= 1)
        or (isinstance(item, str) and OBJECTIVE_SLUG_PATTERN.fullmatch(item) is not None)
        for item in value
    )


def _instance_errors(spec: Mapping[str, Any], field_errors: FieldErrors) -> list[str]:
    """Type errors of the variants: a parameterised spec is only valid if its variants are.

    A field that fails for many seeds is reported once, with the first variant that shows it.
    """
    seeds = VALIDATION_SEEDS if spec.get(PARAMETERS_FIELD) else range(1)
    errors: list[str] = []
    reported: set[str] = set()
    for seed in seeds:
        try:
            variant, values = instantiate(spec, seed)
        except SpecError as error:
            return [*errors, str(error)]
        shown = ", ".join(f"{name}={value!r}" for name, value in values.items())
        suffix = f" (with {shown})" if shown else ""
        for problem in field_errors(variant):
            where = problem.split(":", 1)[0]
            if where not in reported:
                reported.add(where)
                errors.append(f"{problem}{suffix}")
    return errors
