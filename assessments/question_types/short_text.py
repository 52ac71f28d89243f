"""short_text: a typed answer compared with accepted texts or whole-answer regexes.

Before matching, the response loses what learners add around an answer without meaning it:
surrounding backticks or quotes (`` `WORKDIR` ``, `"WORKDIR"`) and a trailing `.`, `,` or `;`,
repeatedly (`"WORKDIR".` is `WORKDIR`). Case sensitivity stays per question (`case_sensitive`).
"""

import re
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from assessments.interchange.model import Answer, InterchangeQuestion
from assessments.interchange.spec_text import MOODLE_WILDCARD, exported_answer, feedback_of
from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError
from assessments.question_types.examples import ExamplesSpec
from assessments.question_types.form_fields import PostedForm
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.spec_checks import (
    answer_fraction,
    bool_errors,
    declared_keys,
    fraction_errors,
    full_credit_errors,
    mapping_list,
    path,
    text_errors,
    unknown_field_errors,
)
from assessments.question_types.spec_validation import CommonSpec


class ShortTextAnswer(TypedDict):
    """Exactly one of `text` and `regex` (a whole-answer regular expression)."""

    text: NotRequired[str]
    regex: NotRequired[str]
    fraction: NotRequired[float]
    feedback: NotRequired[str]


class ShortTextSpec(CommonSpec):
    answers: list[ShortTextAnswer]
    case_sensitive: NotRequired[bool]
    examples: NotRequired[ExamplesSpec]


ANSWER_FIELDS = declared_keys(ShortTextAnswer)
# A short answer is a word or a phrase; the cap also bounds the work a regex can do on it.
MAX_RESPONSE_LENGTH = 500
MAX_REGEX_LENGTH = 500
WHITESPACE = re.compile(r"\s+")
# Marks that wrap an answer in chat or Markdown habits; only a matching pair at both ends goes.
WRAPPING_MARKS = ("`", '"', "'")
TRAILING_PUNCTUATION = ".,;"


def collapse_spaces(text: str) -> str:
    """Runs of whitespace become one space and the ends are trimmed, as the doc promises."""
    return WHITESPACE.sub(" ", text).strip()


def strip_wrapping(text: str) -> str:
    """`text` without surrounding backticks or quotes and trailing `.`, `,` or `;`.

    Idempotent, so a normalised response normalises to itself.
    """
    previous = None
    while previous != text:
        previous = text
        text = text.rstrip(TRAILING_PUNCTUATION).strip()
        for mark in WRAPPING_MARKS:
            if len(text) >= 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
                text = text[len(mark) : -len(mark)].strip()
    return text


def _regex_flags(spec: Mapping[str, Any]) -> re.RegexFlag:
    return re.NOFLAG if spec.get("case_sensitive", False) else re.IGNORECASE


def _answer_errors(spec: Mapping[str, Any], answer: Mapping[str, Any], where: str) -> list[str]:
    errors = unknown_field_errors(answer, ANSWER_FIELDS, where)
    if ("text" in answer) == ("regex" in answer):
        errors.append(f"{where}: needs exactly one of text or regex")
    elif "text" in answer:
        errors += text_errors(answer, "text", where=where)
    else:
        errors += _regex_errors(spec, answer, where)
    return (
        errors
        + fraction_errors(answer, where=where)
        + text_errors(answer, "feedback", where=where, required=False)
    )


def _regex_errors(spec: Mapping[str, Any], answer: Mapping[str, Any], where: str) -> list[str]:
    errors = text_errors(answer, "regex", where=where)
    if errors:
        return errors
    if len(answer["regex"]) > MAX_REGEX_LENGTH:
        return [f"{path(where, 'regex')}: is longer than {MAX_REGEX_LENGTH} characters"]
    try:
        re.compile(answer["regex"], _regex_flags(spec))
    except re.error as error:
        return [f"{path(where, 'regex')}: does not compile: {error}"]
    return []


def _matches(spec: ShortTextSpec, answer: ShortTextAnswer, response: str) -> bool:
    if "regex" in answer:
        return re.fullmatch(answer["regex"], response, _regex_flags(spec)) is not None
    expected = collapse_spaces(answer["text"])
    if spec.get("case_sensitive", False):
        return expected == response
    return expected.casefold() == response.casefold()


def _imported_answer(answer: Answer) -> dict[str, Any]:
    entry: dict[str, Any] = {"fraction": answer.fraction, "feedback": feedback_of(answer)}
    if MOODLE_WILDCARD in answer.text:
        # Moodle's * matches any run of characters; our short text speaks regular expressions.
        parts = [re.escape(part) for part in answer.text.split(MOODLE_WILDCARD)]
        entry["regex"] = ".*".join(parts)
    else:
        entry["text"] = answer.text
    return entry


class ShortText(QuestionType[ShortTextSpec, str]):
    """The best fraction among the answers the response matches; 0 when none matches."""

    name = "short_text"
    spec_type = ShortTextSpec
    takes_examples = True

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        answers, errors = mapping_list(spec, "answers", minimum=1)
        for index, answer in enumerate(answers):
            errors += _answer_errors(spec, answer, f"answers[{index}]")
        return (
            errors
            + full_credit_errors(answers, field="answers")
            + bool_errors(spec, "case_sensitive")
        )

    def normalise_response(self, spec: ShortTextSpec, raw: object) -> str:
        if not isinstance(raw, str):
            raise ResponseError("The answer must be text.")
        answer = strip_wrapping(collapse_spaces(raw))
        if not answer:
            raise ResponseError("Type an answer.")
        if len(answer) > MAX_RESPONSE_LENGTH:
            raise ResponseError(f"The answer is longer than {MAX_RESPONSE_LENGTH} characters.")
        return answer

    def grade_normalised(self, spec: ShortTextSpec, response: str) -> Grade:
        matching = [answer for answer in spec["answers"] if _matches(spec, answer, response)]
        if not matching:
            return Grade.of(0, parts=[PartFeedback(response, False)])
        best = max(matching, key=answer_fraction)
        fraction = answer_fraction(best)
        part = PartFeedback(response, fraction == 1, best.get("feedback", ""))
        return Grade.of(fraction, parts=[part])

    template = "assessments/question_types/short_text.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return form.get(field_name, "")

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        return {
            "answers": [
                _imported_answer(answer)
                for answer in question.answers
                if answer.text != MOODLE_WILDCARD
            ],
            "case_sensitive": question.case_sensitive,
        }

    def interchange_fields(self, spec: ShortTextSpec) -> dict[str, Any]:
        # Regular-expression answers cannot travel (the export reports them).
        return {
            "answers": tuple(
                exported_answer(entry["text"], entry.get("fraction", 1), entry)
                for entry in spec["answers"]
                if "regex" not in entry
            ),
            "case_sensitive": bool(spec.get("case_sensitive", False)),
        }
