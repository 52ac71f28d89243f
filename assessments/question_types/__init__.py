"""Question types of the quiz engine: pure Python, no Django (docs/question-format.md).

Typical use by an attempt:

    question_type = QUESTION_TYPES[version.type]
    variant, params = instantiate(version.spec, attempt_seed)
    order = question_type.draw_option_order(variant, attempt_seed)      # freeze on the attempt
    view = question_type.learner_view(variant, option_order=order)      # safe to show
    response = question_type.normalise_response(variant, raw)           # or ResponseError
    grade = question_type.grade(variant, response)
"""

from typing import Any

from assessments.question_types.base import QuestionType, Response
from assessments.question_types.choice import MultipleResponse, SingleChoice, TrueFalse
from assessments.question_types.docker_command import DockerCommand
from assessments.question_types.dockerfile import Dockerfile
from assessments.question_types.errors import ResponseError, SpecError
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.matching import Matching
from assessments.question_types.numeric import Numeric
from assessments.question_types.option_order import option_id
from assessments.question_types.ordering import Ordering
from assessments.question_types.short_text import ShortText
from assessments.question_types.variants import ParameterValue, instantiate

QUESTION_TYPES: dict[str, QuestionType[Any, Any]] = {
    question_type.name: question_type
    for question_type in (
        SingleChoice(),
        MultipleResponse(),
        TrueFalse(),
        ShortText(),
        DockerCommand(),
        Numeric(),
        Ordering(),
        Matching(),
        Dockerfile(),
    )
}


def question_type_get(name: str) -> QuestionType[Any, Any]:
    """The type called `name`; raises SpecError for an unknown name."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise SpecError(f"unknown question type {name!r}") from None


__all__ = [
    "QUESTION_TYPES",
    "Grade",
    "ParameterValue",
    "PartFeedback",
    "QuestionType",
    "Response",
    "ResponseError",
    "SpecError",
    "instantiate",
    "option_id",
    "question_type_get",
]
