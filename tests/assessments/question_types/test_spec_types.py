"""Every registered type declares its spec as a TypedDict, and the bank's specs use only its keys.

The TypedDict is where a type's fields are written down: validation allows exactly its keys, so
a field the bank uses but the TypedDict forgot would be refused by validation, and a nested
shape (options, answers, pairs) the TypedDict declares must cover what the bank writes there.
"""

import typing
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, is_typeddict

import pytest
import yaml
from django.conf import settings

from assessments.question_types import QUESTION_TYPES, SpecError
from assessments.question_types.examples import EXAMPLES_FIELD
from assessments.question_types.spec_checks import declared_keys
from assessments.question_types.spec_validation import COMMON_FIELDS, CommonSpec, own_fields

BANKS = [
    Path(settings.BASE_DIR) / "content" / course / "bank"
    for course in ("docker-basics", "git-basics")
]
OBJECTIVES_FILE = "objectives.yaml"


def _bank_specs_by_type() -> dict[str, list[Mapping[str, Any]]]:
    by_type: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for bank in BANKS:
        for path in sorted(bank.glob("*.yaml")):
            if path.name == OBJECTIVES_FILE:
                continue
            for item in yaml.safe_load(path.read_text(encoding="utf-8")):
                by_type[item["type"]].append(item)
    return by_type


BANK_SPECS = _bank_specs_by_type()


def _nested_shapes(spec_type: Any) -> dict[str, Any]:
    """Fields declared as a list of a TypedDict (`options: list[ChoiceOption]`), by name."""
    shapes = {}
    for field, hint in typing.get_type_hints(spec_type).items():
        arguments = typing.get_args(hint)
        if typing.get_origin(hint) is list and arguments and is_typeddict(arguments[0]):
            shapes[field] = arguments[0]
    return shapes


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_declares_its_spec_typed_dict(type_name: str) -> None:
    question_type = QUESTION_TYPES[type_name]

    assert is_typeddict(question_type.spec_type)
    assert declared_keys(CommonSpec) <= declared_keys(question_type.spec_type)
    assert question_type.fields == own_fields(question_type.spec_type)
    assert question_type.takes_examples == (EXAMPLES_FIELD in question_type.fields)


def test_the_common_fields_are_the_common_spec_keys() -> None:
    assert declared_keys(CommonSpec) == COMMON_FIELDS
    assert {"prompt", "feedback"} == CommonSpec.__required_keys__


def test_the_banks_use_every_type() -> None:
    assert set(BANK_SPECS) == set(QUESTION_TYPES)


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_key_a_bank_spec_uses_is_declared_in_its_typed_dict(type_name: str) -> None:
    spec_type = QUESTION_TYPES[type_name].spec_type
    declared = declared_keys(spec_type)
    nested = _nested_shapes(spec_type)

    undeclared = set()
    for spec in BANK_SPECS[type_name]:
        undeclared |= {f"{spec['key']}: {name}" for name in set(spec) - declared}
        for field, shape in nested.items():
            for index, entry in enumerate(spec.get(field, [])):
                undeclared |= {
                    f"{spec['key']}: {field}[{index}].{name}"
                    for name in set(entry) - declared_keys(shape)
                }

    assert BANK_SPECS[type_name]
    assert not undeclared, sorted(undeclared)


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_required_key_is_in_every_bank_spec(type_name: str) -> None:
    required = QUESTION_TYPES[type_name].spec_type.__required_keys__  # type: ignore[attr-defined]

    missing = {
        f"{spec['key']}: {name}" for spec in BANK_SPECS[type_name] for name in required - set(spec)
    }

    assert not missing, sorted(missing)


def test_validated_spec_narrows_a_valid_spec_and_refuses_an_invalid_one() -> None:
    # given a bank spec and a copy with a misspelt field
    question_type = QUESTION_TYPES["single_choice"]
    spec = dict(BANK_SPECS["single_choice"][0])
    misspelt = {**spec, "shufle": False}

    # when / then
    assert question_type.validated_spec(spec) is spec
    with pytest.raises(SpecError, match="shufle: unknown field"):
        question_type.validated_spec(misspelt)
