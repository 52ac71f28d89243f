"""Shell command blocks with their explaining comment give Docker-command items and reverse items.

Forward: "Type the command that lists all containers, including stopped ones" graded by meaning.
Reverse: "What does `docker ps -a` do?" whose wrong options explain other commands of the same
section; an option is offered only when the Docker CLI parser shows that its command means
something else. Commands the parser cannot read, and repeats of the same meaning, are skipped.
"""

import re
import shlex
from collections.abc import Sequence
from dataclasses import replace

from assessments.generators.types import DraftQuestion, SourceBlock
from graders.docker_cli import DockerCommandError, commands_equivalent, parse_command

REVERSE_DISTRACTORS = 3
# The course writes long commands over several lines with a trailing backslash.
_LINE_CONTINUATION = re.compile(r"[ \t]*\\\r?\n[ \t]*")


def _one_line(block: SourceBlock) -> SourceBlock:
    command = str(block.payload.get("command", ""))
    joined = _LINE_CONTINUATION.sub(" ", command).strip()
    if joined == command:
        return block
    return replace(block, payload={**block.payload, "command": joined})


def _gist(explanation: str) -> str:
    """The explanation without its detail in brackets: "View logs (Follow logs)" -> "view logs"."""
    return explanation.split("(", 1)[0].strip().rstrip(".").lower()


def _readable(block: SourceBlock) -> bool:
    command = str(block.payload.get("command", ""))
    if "\n" in command or not command.startswith("docker "):
        return False
    try:
        parse_command(command)
    except DockerCommandError:
        return False
    return bool(block.payload.get("explanation"))


def _names_in(command: str) -> list[str]:
    """Values the learner cannot guess (names, images, ports) to quote in the prompt."""
    words = shlex.split(command)[2:]
    return [word for word in words if not word.startswith("-") and word != "."]


def _forward(block: SourceBlock) -> DraftQuestion:
    command = str(block.payload["command"])
    explanation = str(block.payload["explanation"]).rstrip(".")
    names = _names_in(command)
    hint = (
        f" Use these names and values: {', '.join(f'`{name}`' for name in names)}." if names else ""
    )
    return DraftQuestion(
        generator="command-write",
        block=block,
        type="docker_command",
        spec={
            "prompt": f"Type the Docker command that does this: **{explanation}**.{hint}",
            "answers": [{"command": command, "fraction": 1, "feedback": "Right."}],
            "feedback": f"`{command}`: {explanation}. See {block.citation}.",
        },
        tags=("generated", "docker-command"),
        difficulty=0.5,
    )


def _reverse(block: SourceBlock, others: Sequence[SourceBlock]) -> DraftQuestion | None:
    command = str(block.payload["command"])
    explanation = str(block.payload["explanation"]).rstrip(".")
    distractors: list[str] = []
    for other in others:
        other_explanation = str(other.payload["explanation"]).rstrip(".")
        # "Remove container" is still true of `docker rm -f`: a variant's explanation is no
        # distractor for its base command, nor the other way round.
        if _gist(other_explanation) == _gist(explanation) or other_explanation in distractors:
            continue
        if commands_equivalent(command, str(other.payload["command"])):
            continue
        distractors.append(other_explanation)
        if len(distractors) == REVERSE_DISTRACTORS:
            break
    if len(distractors) < 2:
        return None
    return DraftQuestion(
        generator="command-explain",
        block=block,
        type="single_choice",
        spec={
            "prompt": f"What does `{command}` do?",
            "options": [
                {"text": explanation, "correct": True, "feedback": "Right."},
                *(
                    {"text": text, "correct": False, "feedback": "That is another command's job."}
                    for text in distractors
                ),
            ],
            "feedback": f"`{command}`: {explanation}. See {block.citation}.",
        },
        tags=("generated", "docker-command"),
        difficulty=0.3,
    )


def drafts_from_commands(blocks: Sequence[SourceBlock]) -> list[DraftQuestion]:
    readable = [block for block in map(_one_line, blocks) if _readable(block)]
    distinct: list[SourceBlock] = []
    for block in readable:
        if not any(
            commands_equivalent(str(block.payload["command"]), str(seen.payload["command"]))
            for seen in distinct
        ):
            distinct.append(block)
    drafts: list[DraftQuestion] = []
    for block in distinct:
        drafts.append(_forward(block))
        same_section = [
            other
            for other in distinct
            if other.section_id == block.section_id and other is not block
        ]
        reverse = _reverse(block, same_section)
        if reverse is not None:
            drafts.append(reverse)
    return drafts
