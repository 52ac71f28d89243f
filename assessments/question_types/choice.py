"""Choice types: single_choice, multiple_response and true_false.

Learners answer with option ids (`option_order.option_id` of the option's text), never with
positions, so a response means the same option whatever order the attempt showed.
"""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from assessments.interchange.model import Answer, InterchangeQuestion, TextFormat
from assessments.interchange.spec_text import exported_answer, feedback_of, option_text
from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError
from assessments.question_types.form_fields import PostedForm
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.option_order import option_id
from assessments.question_types.spec_checks import (
    bool_errors,
    declared_keys,
    duplicate_errors,
    mapping_list,
    text_errors,
    unknown_field_errors,
)
from assessments.question_types.spec_validation import CommonSpec


class ChoiceOption(TypedDict):
    text: str
    correct: bool
    feedback: NotRequired[str]


class SingleChoiceSpec(CommonSpec):
    options: list[ChoiceOption]
    shuffle: NotRequired[bool]


class MultipleResponseSpec(SingleChoiceSpec):
    penalty: NotRequired[bool]


class TrueFalseSpec(CommonSpec):
    answer: bool
    feedback_true: NotRequired[str]
    feedback_false: NotRequired[str]


OPTION_FIELDS = declared_keys(ChoiceOption)
MIN_OPTIONS = 2
# Forms post booleans as text; these are the spellings accepted for true/false answers.
TRUE_WORDS = frozenset({"true"})
FALSE_WORDS = frozenset({"false"})


def _options(spec: SingleChoiceSpec) -> list[ChoiceOption]:
    return list(spec["options"])


def _options_by_id(spec: SingleChoiceSpec) -> dict[str, ChoiceOption]:
    return {option_id(option["text"]): option for option in _options(spec)}


def _option_list_errors(spec: Mapping[str, Any]) -> list[str]:
    options, errors = mapping_list(spec, "options", minimum=MIN_OPTIONS)
    for index, option in enumerate(options):
        where = f"options[{index}]"
        errors += unknown_field_errors(option, OPTION_FIELDS, where)
        errors += text_errors(option, "text", where=where)
        errors += bool_errors(option, "correct", where=where, required=True)
        errors += text_errors(option, "feedback", where=where, required=False)
    texts = [option["text"] for option in options if isinstance(option.get("text"), str)]
    errors += duplicate_errors([text.strip() for text in texts], where="options")
    errors += bool_errors(spec, "shuffle")
    return errors


def _correct_count(spec: Mapping[str, Any]) -> int:
    options = spec.get("options")
    if not isinstance(options, list):
        return 0
    return sum(
        1 for option in options if isinstance(option, Mapping) and option.get("correct") is True
    )


def _picked_part(option: ChoiceOption) -> PartFeedback:
    return PartFeedback(option["text"], bool(option["correct"]), option.get("feedback", ""))


def _exported_options(
    options: list[ChoiceOption], *, single: bool, penalty: bool = False
) -> tuple[Answer, ...]:
    """Options as Moodle fractions: a single choice's key is 1; a multiple response's correct
    options share 1 and, with `penalty`, its wrong ones share -1."""
    right = sum(1 for option in options if option["correct"]) or 1
    wrong = sum(1 for option in options if not option["correct"]) or 1
    answers = []
    for option in options:
        if single:
            fraction = 1.0 if option["correct"] else 0.0
        elif option["correct"]:
            fraction = 1 / right
        else:
            fraction = -1 / wrong if penalty else 0.0
        answers.append(
            exported_answer(option["text"], fraction, option, text_format=TextFormat.MARKDOWN)
        )
    return tuple(answers)


class _ChoiceQuestion[SpecT: SingleChoiceSpec, ResponseT](QuestionType[SpecT, ResponseT]):
    def option_texts(self, spec: SpecT) -> list[str]:
        return [option["text"] for option in _options(spec)]

    def shuffles(self, spec: SpecT) -> bool:
        return bool(spec.get("shuffle", True)) and super().shuffles(spec)

    def view_fields(self, spec: SpecT, order: list[int]) -> dict[str, Any]:
        options = _options(spec)
        return {
            "options": [
                {"id": option_id(options[index]["text"]), "text": options[index]["text"]}
                for index in order
            ]
        }

    def _known_option(self, spec: SpecT, raw: object) -> str:
        if not isinstance(raw, str):
            raise ResponseError("An option must be given by its id (a string).")
        chosen = raw.strip()
        if not chosen:
            raise ResponseError("Choose an option.")
        if chosen not in _options_by_id(spec):
            raise ResponseError(f"Unknown option id {chosen!r}: choose one of the options shown.")
        return chosen


class SingleChoice(_ChoiceQuestion[SingleChoiceSpec, str]):
    """Exactly one option is correct; 1 or 0."""

    name = "single_choice"
    spec_type = SingleChoiceSpec

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        errors = _option_list_errors(spec)
        if not errors and _correct_count(spec) != 1:
            errors.append(f"options: exactly one must be correct, not {_correct_count(spec)}")
        return errors

    def normalise_response(self, spec: SingleChoiceSpec, raw: object) -> str:
        return self._known_option(spec, raw)

    def grade_normalised(self, spec: SingleChoiceSpec, response: str) -> Grade:
        option = _options_by_id(spec)[response]
        return Grade.of(1 if option["correct"] else 0, parts=[_picked_part(option)])

    template = "assessments/question_types/single_choice.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return form.get(field_name, "")

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        best = max(answer.fraction for answer in question.answers)
        return {
            "options": [
                {
                    "text": option_text(answer),
                    "correct": answer.fraction == best and best > 0,
                    "feedback": feedback_of(answer),
                }
                for answer in question.answers
            ]
        }

    def interchange_fields(self, spec: SingleChoiceSpec) -> dict[str, Any]:
        return {"answers": _exported_options(_options(spec), single=True)}


class MultipleResponse(_ChoiceQuestion[MultipleResponseSpec, list[str]]):
    """Each correct pick adds 1/correct-count; with `penalty` each wrong pick removes
    1/wrong-count; the total is floored at 0."""

    name = "multiple_response"
    spec_type = MultipleResponseSpec

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        errors = _option_list_errors(spec) + bool_errors(spec, "penalty")
        if not errors and _correct_count(spec) < 1:
            errors.append("options: at least one must be correct")
        return errors

    def normalise_response(self, spec: MultipleResponseSpec, raw: object) -> list[str]:
        if not isinstance(raw, list | tuple):
            raise ResponseError("A multiple-response answer is a list of option ids.")
        if not raw:
            raise ResponseError("Choose at least one option.")
        chosen = [self._known_option(spec, item) for item in raw]
        if len(set(chosen)) != len(chosen):
            raise ResponseError("Each option can be chosen only once.")
        # Canonical order is the authoring order, so equal answers are equal lists.
        return [identity for identity in _options_by_id(spec) if identity in chosen]

    def grade_normalised(self, spec: MultipleResponseSpec, response: list[str]) -> Grade:
        by_id = _options_by_id(spec)
        picked = [by_id[identity] for identity in response]
        correct_total = _correct_count(spec)
        wrong_total = len(by_id) - correct_total
        right_picks = sum(1 for option in picked if option["correct"])
        wrong_picks = len(picked) - right_picks
        fraction = right_picks / correct_total
        if spec.get("penalty", True) and wrong_picks:
            fraction -= wrong_picks / wrong_total
        explanation = f"You chose {right_picks} of the {correct_total} correct options"
        explanation += f" and {wrong_picks} wrong one(s)." if wrong_picks else "."
        return Grade.of(
            fraction, parts=[_picked_part(option) for option in picked], explanation=explanation
        )

    template = "assessments/question_types/multiple_response.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return form.getlist(field_name)

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        return {
            "options": [
                {
                    "text": option_text(answer),
                    "correct": answer.fraction > 0,
                    "feedback": feedback_of(answer),
                }
                for answer in question.answers
            ],
            "penalty": any(answer.fraction < 0 for answer in question.answers),
        }

    def interchange_fields(self, spec: MultipleResponseSpec) -> dict[str, Any]:
        return {
            "answers": _exported_options(
                _options(spec), single=False, penalty=spec.get("penalty", True)
            )
        }


class TrueFalse(QuestionType[TrueFalseSpec, bool]):
    """A statement that is true or false; 1 or 0."""

    name = "true_false"
    spec_type = TrueFalseSpec

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        return (
            bool_errors(spec, "answer", required=True)
            + text_errors(spec, "feedback_true", required=False)
            + text_errors(spec, "feedback_false", required=False)
        )

    def normalise_response(self, spec: TrueFalseSpec, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        word = raw.strip().lower() if isinstance(raw, str) else None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        if word == "":
            raise ResponseError("Choose true or false.")
        raise ResponseError("A true/false answer must be true or false.")

    def grade_normalised(self, spec: TrueFalseSpec, response: bool) -> Grade:
        feedback = spec.get("feedback_true", "") if response else spec.get("feedback_false", "")
        correct = response == spec["answer"]
        part = PartFeedback("True" if response else "False", correct, feedback)
        return Grade.of(1 if correct else 0, parts=[part])

    template = "assessments/question_types/true_false.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return form.get(field_name, "")

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        true_answer, false_answer = question.answers
        return {
            "answer": true_answer.fraction >= false_answer.fraction,
            "feedback_true": feedback_of(true_answer),
            "feedback_false": feedback_of(false_answer),
        }

    def interchange_fields(self, spec: TrueFalseSpec) -> dict[str, Any]:
        truth = bool(spec["answer"])
        return {
            "answers": (
                exported_answer(
                    "true", 1.0 if truth else 0.0, {"feedback": spec.get("feedback_true")}
                ),
                exported_answer(
                    "false", 0.0 if truth else 1.0, {"feedback": spec.get("feedback_false")}
                ),
            )
        }
