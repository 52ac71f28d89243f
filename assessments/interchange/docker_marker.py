"""docker_command questions travel as Moodle short answers carrying a marker tag.

Moodle grades them by exact text match, a fair approximation of our command grader, and an
import back into Quayside restores the type. Dockerfile questions have no Moodle equivalent
(their grading runs rules over a whole file) and are reported as not exportable instead.
"""

from dataclasses import replace

from assessments.interchange.model import (
    DOCKER_COMMAND_MARKER_TAG,
    InterchangeQuestion,
    QuestionType,
)


def mark_docker_command(question: InterchangeQuestion) -> InterchangeQuestion:
    if question.type is not QuestionType.DOCKER_COMMAND:
        return question
    tags = (*question.tags, DOCKER_COMMAND_MARKER_TAG)
    return replace(question, type=QuestionType.SHORT_TEXT, tags=tags)


def unmark_docker_command(question: InterchangeQuestion) -> InterchangeQuestion:
    if (
        question.type is not QuestionType.SHORT_TEXT
        or DOCKER_COMMAND_MARKER_TAG not in question.tags
    ):
        return question
    tags = tuple(tag for tag in question.tags if tag != DOCKER_COMMAND_MARKER_TAG)
    return replace(question, type=QuestionType.DOCKER_COMMAND, tags=tags)
