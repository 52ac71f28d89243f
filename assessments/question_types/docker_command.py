"""docker_command: a Docker CLI command line, compared by meaning with `graders.docker_cli`.

`docker ps -a` and `docker container ls --all` are the same answer. A command that does not
parse scores 0 and the learner sees the parser's message.
"""

from collections.abc import Mapping
from typing import Any

from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError, SpecError
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.spec_checks import (
    answer_fraction,
    fraction_errors,
    full_credit_errors,
    mapping_list,
    text_errors,
    unknown_field_errors,
)
from graders.docker_cli import CommandComparison, DockerCommandError, compare, parse_command

ANSWER_FIELDS = frozenset({"command", "fraction", "feedback"})
# One command line (possibly with a few continuations); more is not an answer to one question.
MAX_RESPONSE_LENGTH = 2_000


def _answer_errors(answer: Mapping[str, Any], where: str) -> list[str]:
    errors = unknown_field_errors(answer, ANSWER_FIELDS, where)
    command_errors = text_errors(answer, "command", where=where)
    if not command_errors:
        try:
            parse_command(answer["command"])
        except DockerCommandError as error:
            command_errors = [f"{where}.command: does not parse: {error}"]
    return (
        errors
        + command_errors
        + fraction_errors(answer, where=where)
        + text_errors(answer, "feedback", where=where, required=False)
    )


def _comparison(answer: Mapping[str, Any], given: str) -> CommandComparison:
    try:
        return compare(answer["command"], given)
    except DockerCommandError as error:
        # compare() only raises for the expected command: an authoring bug, not the learner's.
        raise SpecError(f"the answer {answer['command']!r} does not parse: {error}") from error


class DockerCommand(QuestionType):
    """The best fraction among the answers the command is equivalent to; 0 when none is.

    When no full-credit answer matches, the explanation lists what differs from the closest
    full-credit answer ("Missing flag --all.").
    """

    name = "docker_command"
    fields = frozenset({"answers"})

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        answers, errors = mapping_list(spec, "answers", minimum=1)
        for index, answer in enumerate(answers):
            errors += _answer_errors(answer, f"answers[{index}]")
        return errors + full_credit_errors(answers, field="answers")

    def normalise_response(self, spec: Mapping[str, Any], raw: object) -> str:
        if not isinstance(raw, str):
            raise ResponseError("The answer must be a command line (text).")
        command = raw.strip()
        if not command:
            raise ResponseError("Type a command.")
        if len(command) > MAX_RESPONSE_LENGTH:
            raise ResponseError(f"The command is longer than {MAX_RESPONSE_LENGTH} characters.")
        return command

    def grade_normalised(self, spec: Mapping[str, Any], response: str) -> Grade:
        answers: list[Mapping[str, Any]] = list(spec["answers"])
        comparisons = [(answer, _comparison(answer, response)) for answer in answers]
        if comparisons[0][1].given is None:
            # The learner's command does not parse; every comparison says so the same way.
            message = comparisons[0][1].message
            return Grade.of(0, parts=[PartFeedback(response, False, message)], explanation=message)
        matching = [answer for answer, comparison in comparisons if comparison.equivalent]
        best = max(matching, key=answer_fraction) if matching else None
        fraction = answer_fraction(best) if best is not None else 0.0
        parts = [PartFeedback(response, fraction == 1, best.get("feedback", "") if best else "")]
        if fraction == 1:
            return Grade.of(fraction, parts=parts)
        closest = min(
            (comparison for answer, comparison in comparisons if answer_fraction(answer) == 1),
            key=lambda comparison: len(comparison.differences),
            default=None,
        )
        explanation = closest.message if closest is not None else ""
        return Grade.of(fraction, parts=parts, explanation=explanation)
