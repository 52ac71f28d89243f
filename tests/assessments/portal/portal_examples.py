"""One question per type for portal tests: its spec, a full-credit form post and the answer-side
strings that must never reach a learner before the feedback policy allows it.

Answer-side strings are distinctive on purpose, so finding one in a page is never a coincidence.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assessments.question_types import option_id

GENERAL_FEEDBACK = "Section 3: Writing Production-Ready Dockerfiles has the Zanzibar remark."


@dataclass(frozen=True)
class Example:
    spec: dict[str, Any]
    # The full-credit answer as the portal form posts it, keyed by the field-name suffix.
    right_post: dict[str, Any]
    leaks: list[str]

    def post_for(self, field: str) -> dict[str, Any]:
        return {f"{field}{suffix}": value for suffix, value in self.right_post.items()}


def single_choice() -> Example:
    return Example(
        spec={
            "prompt": "Which base image line gives reproducible builds?",
            "feedback": GENERAL_FEEDBACK,
            "options": [
                {"text": "FROM node:18.17.1-alpine3.18", "correct": True, "feedback": "Quokka pin"},
                {"text": "FROM node:latest", "correct": False, "feedback": "Quokka moves"},
            ],
        },
        right_post={"": option_id("FROM node:18.17.1-alpine3.18")},
        leaks=[GENERAL_FEEDBACK, "Quokka pin", "Quokka moves"],
    )


def multiple_response() -> Example:
    return Example(
        spec={
            "prompt": "Which instructions add a filesystem layer?",
            "feedback": GENERAL_FEEDBACK,
            "options": [
                {"text": "RUN", "correct": True, "feedback": "Wombat snapshot"},
                {"text": "COPY", "correct": True, "feedback": "Wombat files"},
                {"text": "LABEL", "correct": False, "feedback": "Wombat metadata"},
            ],
        },
        right_post={"": [option_id("RUN"), option_id("COPY")]},
        leaks=[GENERAL_FEEDBACK, "Wombat snapshot", "Wombat files", "Wombat metadata"],
    )


def true_false() -> Example:
    return Example(
        spec={
            "prompt": "A container shares the kernel of its host.",
            "feedback": GENERAL_FEEDBACK,
            "answer": True,
            "feedback_true": "Platypus kernel yes",
            "feedback_false": "Platypus kernel no",
        },
        right_post={"": "true"},
        leaks=[GENERAL_FEEDBACK, "Platypus kernel yes", "Platypus kernel no"],
    )


def short_text() -> Example:
    return Example(
        spec={
            "prompt": "Which instruction sets the directory later instructions run in?",
            "feedback": GENERAL_FEEDBACK,
            "answers": [
                {"text": "WORKDIR", "fraction": 1, "feedback": "Echidna directory"},
                {"regex": r"RUN\s+cd\s+\S+", "fraction": 0.25, "feedback": "Echidna cd"},
            ],
        },
        right_post={"": "WORKDIR"},
        leaks=[GENERAL_FEEDBACK, "WORKDIR", r"RUN\s+cd", "Echidna directory", "Echidna cd"],
    )


def docker_command() -> Example:
    return Example(
        spec={
            "prompt": "List every container on this host, including stopped ones.",
            "feedback": GENERAL_FEEDBACK,
            "answers": [
                {"command": "docker ps -a", "fraction": 1, "feedback": "Dingo all states"},
                {"command": "docker ps -a --no-trunc", "fraction": 0.5, "feedback": "Dingo noise"},
            ],
        },
        right_post={"": "docker ps -a"},
        leaks=[GENERAL_FEEDBACK, "docker ps", "--no-trunc", "Dingo all states", "Dingo noise"],
    )


def numeric() -> Example:
    return Example(
        spec={
            "prompt": "How many megabytes does the image weigh?",
            "feedback": GENERAL_FEEDBACK,
            "unit": "MB",
            "answers": [
                {"value": 4242.5, "tolerance": 0.125, "fraction": 1, "feedback": "Koala exact"},
                {"value": 9191, "tolerance": 1, "fraction": 0.5, "feedback": "Koala close"},
            ],
        },
        right_post={"": "4242.5"},
        leaks=[GENERAL_FEEDBACK, "4242", "0.125", "9191", "Koala exact", "Koala close"],
    )


ORDERING_ITEMS = ["FROM golang AS build", "RUN go build", "FROM distroless", "COPY --from=build"]


def ordering() -> Example:
    return Example(
        spec={
            "prompt": "Put the lines of a multi-stage Dockerfile in order.",
            "feedback": GENERAL_FEEDBACK,
            "items": ORDERING_ITEMS,
        },
        right_post={
            f"__place__{option_id(item)}": str(place)
            for place, item in enumerate(ORDERING_ITEMS, start=1)
        },
        leaks=[GENERAL_FEEDBACK],
    )


MATCHING_PAIRS = [("-d", "run in the background"), ("-p", "publish a port")]


def matching() -> Example:
    return Example(
        spec={
            "prompt": "Match each flag with what it does.",
            "feedback": GENERAL_FEEDBACK,
            "pairs": [{"left": left, "right": right} for left, right in MATCHING_PAIRS],
            "distractors": ["set the hostname"],
        },
        right_post={
            f"__match__{option_id(left)}": option_id(right) for left, right in MATCHING_PAIRS
        },
        leaks=[GENERAL_FEEDBACK],
    )


GOOD_DOCKERFILE = 'FROM node:18.17.1-alpine3.18\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n'


def dockerfile() -> Example:
    return Example(
        spec={
            "prompt": "Make this Dockerfile production-ready.",
            "feedback": GENERAL_FEEDBACK,
            "starter": "FROM node\nCOPY . .\nCMD node server.js\n",
            "rules": [
                "base-image-tag-pinned",
                "final-stage-non-root-user",
                "exec-form-cmd-entrypoint",
            ],
        },
        right_post={"": GOOD_DOCKERFILE},
        leaks=[
            GENERAL_FEEDBACK,
            "base-image-tag-pinned",
            "final-stage-non-root-user",
            "exec-form-cmd-entrypoint",
        ],
    )


EXAMPLES: dict[str, Callable[[], Example]] = {
    "single_choice": single_choice,
    "multiple_response": multiple_response,
    "true_false": true_false,
    "short_text": short_text,
    "docker_command": docker_command,
    "numeric": numeric,
    "ordering": ordering,
    "matching": matching,
    "dockerfile": dockerfile,
}
