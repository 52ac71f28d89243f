"""docker_command: a Docker CLI command line, graded by what Docker would do (`graders.docker_cli`).

`docker ps -a` and `docker container ls --all` are the same answer. A command that does not
parse scores 0 and the learner sees the parser's message. Grading, in order:

1. an answer Docker treats exactly like the response gives its fraction (the best one);
2. otherwise an answer the response matches once harmless extra flags are excused (the
   question's `neutral_flags`, or by default flags that only change presentation or lifetime,
   see `graders.docker_cli_compare`) gives its fraction, the closest such answer winning, and
   the explanation says which flags were not needed; `wrong_flags` are never excused;
3. otherwise a response that lies between a partial answer and a full one earns in proportion
   to the steps it has taken from the partial answer towards the full one
   (`docker exec -i web sh` between `docker exec web sh` at 0.5 and `docker exec -it web sh`
   earns 0.75), so partial credit ranks answers by how usable they are;
4. otherwise 0, and the explanation lists what differs from the closest full-credit answer.
"""

from collections.abc import Mapping
from typing import Any, Final, NotRequired, TypedDict

from assessments.interchange.model import InterchangeQuestion
from assessments.interchange.spec_text import exported_answer, feedback_of
from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError, SpecError
from assessments.question_types.examples import ExamplesSpec
from assessments.question_types.form_fields import PostedForm
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.spec_checks import (
    answer_fraction,
    declared_keys,
    fraction_errors,
    full_credit_errors,
    mapping_list,
    text_errors,
    unknown_field_errors,
)
from assessments.question_types.spec_validation import CommonSpec
from graders.docker_cli import (
    CommandComparison,
    DockerCommandError,
    FlagPolicy,
    flag_setting,
    parse_command,
)
from graders.docker_cli_compare import compare_commands, progress_between
from graders.docker_cli_model import DockerCommand as ParsedCommand


class CommandAnswer(TypedDict):
    command: str
    fraction: NotRequired[float]
    feedback: NotRequired[str]


class DockerCommandSpec(CommonSpec):
    answers: list[CommandAnswer]
    neutral_flags: NotRequired[list[str]]
    # flag -> the reason shown to a learner who uses it
    wrong_flags: NotRequired[dict[str, str]]
    examples: NotRequired[ExamplesSpec]


ANSWER_FIELDS = declared_keys(CommandAnswer)
NEUTRAL_FLAGS: Final = "neutral_flags"
WRONG_FLAGS: Final = "wrong_flags"
# One command line (possibly with a few continuations); more is not an answer to one question.
MAX_RESPONSE_LENGTH = 2_000

type Answer = Mapping[str, Any]


def _answer_errors(answer: Answer, where: str) -> list[str]:
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


def _paths(answers: list[Answer]) -> list[tuple[str, ...]]:
    paths = []
    for answer in answers:
        try:
            paths.append(parse_command(str(answer.get("command", ""))).path)
        except DockerCommandError:
            continue
    return paths


def _flag_errors(spec: Mapping[str, Any], answers: list[Answer]) -> list[str]:
    """`neutral_flags` is a list of flags, `wrong_flags` maps a flag to the learner's reason;
    every flag must be one of an answer's command, and no flag may be both."""
    errors: list[str] = []
    neutral = spec.get(NEUTRAL_FLAGS, [])
    wrong = spec.get(WRONG_FLAGS, {})
    if not isinstance(neutral, list) or not all(isinstance(flag, str) for flag in neutral):
        errors.append(f"{NEUTRAL_FLAGS}: must be a list of flags such as --rm")
        neutral = []
    if not isinstance(wrong, Mapping) or not all(
        isinstance(flag, str) and isinstance(reason, str) and reason.strip()
        for flag, reason in wrong.items()
    ):
        errors.append(f"{WRONG_FLAGS}: must map each flag to the reason shown to the learner")
        wrong = {}
    paths = _paths(answers)
    for field, flags in ((NEUTRAL_FLAGS, neutral), (WRONG_FLAGS, list(wrong))):
        for flag in flags:
            if not any(flag_setting(path, flag) for path in paths):
                errors.append(f"{field}.{flag}: is not a flag of the answers' command")
    errors += [
        f"{WRONG_FLAGS}.{flag}: is also in {NEUTRAL_FLAGS}" for flag in wrong if flag in neutral
    ]
    errors += _wrong_flags_in_full_answers(wrong, answers)
    return errors


def _wrong_flags_in_full_answers(wrong: Mapping[str, str], answers: list[Answer]) -> list[str]:
    errors = []
    for index, answer in enumerate(answers):
        if answer_fraction(answer) != 1:
            continue
        try:
            command = parse_command(str(answer.get("command", "")))
        except DockerCommandError:
            continue
        for flag in wrong:
            setting = flag_setting(command.path, flag)
            if setting is not None and command.option(setting) is not None:
                errors.append(f"{WRONG_FLAGS}.{flag}: answers[{index}] earns full credit with it")
    return errors


def policy_of(spec: DockerCommandSpec) -> FlagPolicy:
    return FlagPolicy(
        neutral=tuple(spec.get(NEUTRAL_FLAGS, ())), wrong=dict(spec.get(WRONG_FLAGS, {}))
    )


def _expected(answer: CommandAnswer) -> ParsedCommand:
    try:
        return parse_command(answer["command"])
    except DockerCommandError as error:
        # An answer that does not parse is an authoring bug, not the learner's.
        raise SpecError(f"the answer {answer['command']!r} does not parse: {error}") from error


class DockerCommand(QuestionType[DockerCommandSpec, str]):
    """See the module docstring for the grading order."""

    name = "docker_command"
    spec_type = DockerCommandSpec
    takes_examples = True

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        answers, errors = mapping_list(spec, "answers", minimum=1)
        for index, answer in enumerate(answers):
            errors += _answer_errors(answer, f"answers[{index}]")
        return errors + full_credit_errors(answers, field="answers") + _flag_errors(spec, answers)

    def normalise_response(self, spec: DockerCommandSpec, raw: object) -> str:
        if not isinstance(raw, str):
            raise ResponseError("The answer must be a command line (text).")
        command = raw.strip()
        if not command:
            raise ResponseError("Type a command.")
        if len(command) > MAX_RESPONSE_LENGTH:
            raise ResponseError(f"The command is longer than {MAX_RESPONSE_LENGTH} characters.")
        return command

    def grade_normalised(self, spec: DockerCommandSpec, response: str) -> Grade:
        answers = list(spec["answers"])
        expected = [_expected(answer) for answer in answers]
        try:
            given = parse_command(response)
        except DockerCommandError as error:
            message = str(error)
            return Grade.of(0, parts=[PartFeedback(response, False, message)], explanation=message)
        policy = policy_of(spec)
        comparisons = [compare_commands(wanted, given, policy=policy) for wanted in expected]
        graded = list(zip(answers, comparisons, strict=True))
        closest = _closest_full(graded)
        fulls = [
            command
            for answer, command in zip(answers, expected, strict=True)
            if answer_fraction(answer) == 1
        ]
        return (
            _matching_grade(response, graded, fulls, closest)
            or _between_grade(response, answers, expected, given, policy, closest)
            or Grade.of(0, parts=[PartFeedback(response, False)], explanation=closest)
        )

    template = "assessments/question_types/docker_command.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return form.get(field_name, "")

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        return {
            "answers": [
                {
                    "command": answer.text,
                    "fraction": answer.fraction,
                    "feedback": feedback_of(answer),
                }
                for answer in question.answers
            ]
        }

    def interchange_fields(self, spec: DockerCommandSpec) -> dict[str, Any]:
        return {
            "answers": tuple(
                exported_answer(entry["command"], entry.get("fraction", 1), entry)
                for entry in spec["answers"]
            ),
            # A docker_command spec has no case_sensitive field, so this was always False.
            "case_sensitive": False,
        }


def _closest_full(graded: list[tuple[CommandAnswer, CommandComparison]]) -> str:
    full = [comparison for answer, comparison in graded if answer_fraction(answer) == 1]
    best = min(full, key=lambda comparison: len(comparison.differences), default=None)
    if best is None:
        return ""
    return best.message if best.differences else " ".join(best.remarks)


def _matching_grade(
    response: str,
    graded: list[tuple[CommandAnswer, CommandComparison]],
    full_answers: list[ParsedCommand],
    closest: str,
) -> Grade | None:
    """Steps 1 and 2: the equivalent answer, else the closest accepted one."""
    equivalent = [(answer, item) for answer, item in graded if item.equivalent]
    accepted = equivalent or [
        (answer, item)
        for answer, item in graded
        if item.accepted and not _excuses_what_full_answers_ask(item, full_answers)
    ]
    if not accepted:
        return None
    answer, comparison = min(
        accepted, key=lambda pair: (len(pair[1].remarks), -answer_fraction(pair[0]))
    )
    fraction = answer_fraction(answer)
    part = PartFeedback(response, fraction == 1, answer.get("feedback", ""))
    notes = " ".join(comparison.remarks)
    explanation = notes if fraction == 1 else f"{closest}\n{notes}".strip()
    return Grade.of(fraction, parts=[part], explanation=explanation)


def _excuses_what_full_answers_ask(
    comparison: CommandComparison, full_answers: list[ParsedCommand]
) -> bool:
    """A partial answer cannot excuse a setting that a full-credit answer asks for: a response
    with it has gone further than that partial answer (step 3 ranks it)."""
    given = comparison.given
    if given is None:
        return False
    return any(
        full.option(name) is not None and full.option(name) == given.option(name)
        for name in comparison.excused
        for full in full_answers
    )


def _between_grade(
    response: str,
    answers: list[CommandAnswer],
    expected: list[ParsedCommand],
    given: ParsedCommand,
    policy: FlagPolicy,
    closest: str,
) -> Grade | None:
    """Step 3: partial credit for a response between a partial answer and a full one."""
    best = 0.0
    fulls = [
        command
        for answer, command in zip(answers, expected, strict=True)
        if answer_fraction(answer) == 1
    ]
    for partial, partial_command in zip(answers, expected, strict=True):
        start = answer_fraction(partial)
        if not 0 < start < 1:
            continue
        for full, full_command in zip(answers, expected, strict=True):
            if answer_fraction(full) != 1:
                continue
            progress = progress_between(
                partial_command, full_command, given, policy=policy, alternatives=fulls
            )
            if progress is not None:
                best = max(best, start + (1 - start) * progress)
    if best == 0:
        return None
    return Grade.of(best, parts=[PartFeedback(response, False)], explanation=closest)
