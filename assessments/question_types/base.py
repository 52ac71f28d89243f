"""The interface every question type implements, and the behaviour they share.

Specs are the plain mappings described in docs/question-format.md. Every method except
`validate_spec` takes an *instantiated* spec (`variants.instantiate`): parameters drawn and
`{{param}}` placeholders replaced.

Each type declares its spec as a TypedDict (`spec_type`, extending `spec_validation.CommonSpec`):
its keys are the fields validation allows, and the type's own methods take that TypedDict. The
registry holds types of every spec, so channels pass the stored mapping; `validated_spec` is
the narrowing for a spec that has not been validated before.
"""

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from assessments.interchange.model import InterchangeQuestion
from assessments.question_types.errors import SpecError
from assessments.question_types.examples import (
    EXAMPLES_FIELD,
    example_errors_in_variants,
    example_shape_errors,
)
from assessments.question_types.form_fields import PostedForm
from assessments.question_types.grades import Grade
from assessments.question_types.option_order import display_order, shuffled_order
from assessments.question_types.spec_validation import own_fields, validate_question_spec
from assessments.question_types.variants import PARAMETERS_FIELD

# A normalised response is JSON-shaped so an attempt can store it as it is.
type Response = str | bool | float | list[str] | dict[str, str]

# Validation is pure, and grading worked examples makes it cost up to a second for a large
# parameterised spec; the bank loader re-validates every unchanged spec on each load. Results
# are kept per type and canonical spec, a bounded number of them.
VALIDATION_CACHE_SIZE = 512
_validation_cache: dict[tuple[str, str], tuple[str, ...]] = {}


def _cache_key(spec: object) -> str | None:
    try:
        return json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None


class QuestionType[SpecT: Mapping[str, object], ResponseT](ABC):
    """One question type. Instances are stateless; the registry holds one of each.

    `SpecT` is the type's spec TypedDict (`spec_type`), `ResponseT` its normalised response.
    """

    name: ClassVar[str]
    # The spec's TypedDict: its keys beyond the common ones are the type's own fields.
    spec_type: ClassVar[type[Mapping[str, object]]]
    # Ordering items and matching choices in authoring order would give the answer away.
    authoring_order_reveals_answer: ClassVar[bool] = False
    # Types whose answers are typed (text, a number, a file) may carry example answers that
    # validation grades (`examples`); a choice among shown options needs none.
    takes_examples: ClassVar[bool] = False

    def validate_spec(self, spec: Mapping[str, Any]) -> list[str]:
        """Every problem with `spec` for this type; empty when it can be stored and used.

        A parameterised spec is validated through its variants for a range of seeds, and so
        are its example answers: each must earn what it claims through `grade`.
        """
        key = _cache_key(spec)
        cached = _validation_cache.get((self.name, key)) if key is not None else None
        if cached is not None:
            return list(cached)
        errors = self._validate(spec)
        if key is not None:
            if len(_validation_cache) >= VALIDATION_CACHE_SIZE:
                _validation_cache.clear()
            _validation_cache[(self.name, key)] = tuple(errors)
        return errors

    def validated_spec(self, spec: Mapping[str, Any]) -> SpecT:
        """`spec` as this type's TypedDict; raises SpecError naming every problem."""
        errors = self.validate_spec(spec)
        if errors:
            raise SpecError("; ".join(errors))
        return cast(SpecT, spec)

    @property
    def fields(self) -> frozenset[str]:
        """The type's own top-level fields (the common fields are allowed for every type)."""
        own = own_fields(self.spec_type)
        return own | {EXAMPLES_FIELD} if self.takes_examples else own

    def _validate(self, spec: Mapping[str, Any]) -> list[str]:
        fields = self.fields
        errors = validate_question_spec(
            spec, type_name=self.name, type_fields=fields, field_errors=self.field_errors
        )
        if not self.takes_examples or not isinstance(spec, Mapping):
            return errors
        errors += example_shape_errors(spec)
        # Examples are graded only against a key that is itself valid.
        return errors or example_errors_in_variants(self, spec)

    @abstractmethod
    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        """Problems with the type's own fields in an instantiated spec."""

    def option_texts(self, spec: SpecT) -> list[str]:
        """The texts a learner view puts in an order (options, items, choices), by spec index."""
        return []

    def option_count(self, spec: SpecT) -> int:
        """How many things the learner view orders; `option_order` permutes range(this)."""
        return len(self.option_texts(spec))

    def shuffles(self, spec: SpecT) -> bool:
        """Whether an attempt should freeze a shuffled order for this spec."""
        return self.option_count(spec) > 1

    def answer_order_length(self, spec: SpecT) -> int:
        """How many leading option indices are listed in answer order (see `option_order`).

        0 for types whose authoring order says nothing about the answer.
        """
        return 0

    def draw_option_order(
        self, spec: SpecT, seed: int, *, shuffle_options: bool = True
    ) -> list[int] | None:
        """The order to freeze on an attempt for `seed`, or None when the spec is not shuffled.

        The one rule for displayed orders: `attempt_start` and the authoring preview both call
        it. For ordering and matching it never shows the answer order, and they are shuffled
        even for an assessment that keeps options in authoring order (`shuffle_options=False`).
        """
        if not self.shuffles(spec) or not (shuffle_options or self.authoring_order_reveals_answer):
            return None
        return shuffled_order(
            self.option_count(spec), seed, answer_length=self.answer_order_length(spec)
        )

    def learner_view(self, spec: SpecT, *, option_order: list[int] | None = None) -> dict[str, Any]:
        """What a learner may see before feedback: never an answer, fraction or feedback.

        `option_order` lists spec indices in display order, as frozen on the attempt. None
        means the authoring order, except for ordering and matching, which get a fixed scramble.
        Raises ValueError when `option_order` is not a permutation of range(option_count).
        """
        require_instantiated(spec)
        order = display_order(
            self.option_texts(spec),
            option_order,
            shuffles=self.shuffles(spec),
            answer_length=self.answer_order_length(spec),
        )
        return {"type": self.name, "prompt": str(spec["prompt"]), **self.view_fields(spec, order)}

    def view_fields(self, spec: SpecT, order: list[int]) -> dict[str, Any]:
        """The type's learner-visible fields, with its options in `order`."""
        return {}

    @abstractmethod
    def normalise_response(self, spec: SpecT, raw: object) -> ResponseT:
        """The response in canonical form; raises ResponseError when it is malformed.

        Idempotent: normalising a normalised response returns it unchanged.
        """

    def grade(self, spec: SpecT, response: object) -> Grade:
        """Grade a response (raw or normalised); raises ResponseError when it is malformed."""
        require_instantiated(spec)
        return self.grade_normalised(spec, self.normalise_response(spec, response))

    @abstractmethod
    def grade_normalised(self, spec: SpecT, response: ResponseT) -> Grade:
        """Grade a response that `normalise_response` returned."""

    # Channel adapters: each type owns how every channel reads and writes it, so adding a type
    # means its module, its template and one line in the registry (QUESTION_TYPES).

    # The template partial (under templates/) rendering `learner_view` as form fields named
    # from `field_name`; `response_from_form` reads them back.
    template: ClassVar[str]

    @abstractmethod
    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        """The raw response a portal form posted for the question (see form_fields)."""

    @abstractmethod
    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        """The type's own spec fields for an imported GIFT / Moodle XML question (the service
        adds the prompt and feedback); raises ValueError for what the type cannot hold."""

    @abstractmethod
    def interchange_fields(self, spec: SpecT) -> dict[str, Any]:
        """The type's own InterchangeQuestion fields (answers, pairs, ...) to export `spec`;
        raises ValueError when the type cannot travel in GIFT or Moodle XML."""


def require_instantiated(spec: Mapping[str, object]) -> None:
    if spec.get(PARAMETERS_FIELD):
        raise SpecError("the spec has parameters: call instantiate(spec, seed) first")
