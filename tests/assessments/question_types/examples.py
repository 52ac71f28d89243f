"""One valid spec per question type, with the strings a learner must never see before feedback.

Functions return fresh copies, so a test may change its spec freely.
"""

from typing import Any

from assessments.question_types import option_id

GENERAL_FEEDBACK = "Section 7: Essential Docker Commands explains this in detail."


def single_choice() -> dict[str, Any]:
    return {
        "prompt": "Which `FROM` line gives reproducible builds?",
        "feedback": "Section 3: Writing Production-Ready Dockerfiles covers pinning.",
        "options": [
            {
                "text": "FROM node:18.17.1-alpine3.18",
                "correct": True,
                "feedback": "A pinned tag always names the same release.",
            },
            {"text": "FROM node:latest", "correct": False, "feedback": "latest moves on release."},
            {"text": "FROM node", "correct": False, "feedback": "No tag silently means latest."},
        ],
    }


def multiple_response() -> dict[str, Any]:
    return {
        "prompt": "Which instructions add a filesystem layer?",
        "feedback": "Section 3: Writing Production-Ready Dockerfiles lists them.",
        "options": [
            {"text": "RUN", "correct": True, "feedback": "It executes a command and snapshots."},
            {"text": "COPY", "correct": True, "feedback": "It writes files into the image."},
            {"text": "ENV", "correct": False, "feedback": "It only changes metadata."},
            {"text": "LABEL", "correct": False, "feedback": "Labels live in the config."},
        ],
    }


def true_false() -> dict[str, Any]:
    return {
        "prompt": "A container shares the kernel of its host.",
        "feedback": "Section 1: Understanding Containers vs Virtual Machines.",
        "answer": True,
        "feedback_true": "Right: namespaces isolate, the kernel is shared.",
        "feedback_false": "Virtual machines bring their own kernel; containers do not.",
    }


def short_text() -> dict[str, Any]:
    return {
        "prompt": "Which Dockerfile instruction sets the directory later instructions run in?",
        "feedback": "Section 3: Writing Production-Ready Dockerfiles.",
        "answers": [
            {"text": "WORKDIR", "fraction": 1, "feedback": "Yes, and it creates it if needed."},
            {"regex": r"RUN\s+cd\s+\S+", "fraction": 0.25, "feedback": "cd lasts one RUN."},
            {"text": "VOLUME", "fraction": 0, "feedback": "That declares a mount point."},
        ],
    }


def docker_command() -> dict[str, Any]:
    return {
        "prompt": "List every container on this host, including stopped ones.",
        "feedback": GENERAL_FEEDBACK,
        "answers": [
            {"command": "docker ps -a", "fraction": 1, "feedback": "All containers, any state."},
            {
                "command": "docker ps -a --no-trunc",
                "fraction": 0.5,
                "feedback": "Works, but the full ids are noise here.",
            },
        ],
    }


def numeric() -> dict[str, Any]:
    return {
        "prompt": "An image shrank from 800 MB to 200 MB. By how many percent did it shrink?",
        "feedback": "Section 4: Multi-Stage Builds for Optimization.",
        "unit": "%",
        "answers": [
            {"value": 75, "tolerance": 0.5, "fraction": 1, "feedback": "Three quarters gone."},
            {"value": 0.75, "tolerance": 0.01, "fraction": 0.5, "feedback": "As a percentage."},
            {"value": 25, "tolerance": 0.5, "fraction": 0, "feedback": "That is what is left."},
        ],
    }


def ordering() -> dict[str, Any]:
    return {
        "prompt": "Put the lines of a multi-stage Dockerfile in order.",
        "feedback": "Section 4: Multi-Stage Builds for Optimization.",
        "items": [
            "FROM golang:1.22 AS build",
            "RUN go build -o /out/app .",
            "FROM gcr.io/distroless/base-debian12",
            "COPY --from=build /out/app /app",
        ],
    }


def matching() -> dict[str, Any]:
    return {
        "prompt": "Match each `docker run` flag with what it does.",
        "feedback": GENERAL_FEEDBACK,
        "pairs": [
            {"left": "-d", "right": "run in the background"},
            {"left": "-p", "right": "publish a port"},
            {"left": "-v", "right": "mount a volume"},
        ],
        "distractors": ["set the hostname"],
    }


def dockerfile() -> dict[str, Any]:
    return {
        "prompt": "Make this Dockerfile production-ready.",
        "feedback": "Section 3: Writing Production-Ready Dockerfiles.",
        "starter": "FROM node\nCOPY . .\nCMD node server.js\n",
        "rules": ["base-image-tag-pinned", "final-stage-non-root-user", "exec-form-cmd-entrypoint"],
    }


GOOD_DOCKERFILE = 'FROM node:18.17.1-alpine3.18\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n'

EXAMPLES = {
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

# A full-credit response per type, in the raw shape a form or API would send.
RIGHT_RESPONSES: dict[str, object] = {
    "single_choice": option_id("FROM node:18.17.1-alpine3.18"),
    "multiple_response": [option_id("COPY"), option_id("RUN")],
    "true_false": "true",
    "short_text": "  workdir ",
    "docker_command": "docker container ls --all",
    "numeric": "75 %",
    "ordering": [option_id(item) for item in ordering()["items"]],
    "matching": {option_id(pair["left"]): option_id(pair["right"]) for pair in matching()["pairs"]},
    "dockerfile": GOOD_DOCKERFILE,
}

# Strings from the answer side of each spec that must never appear in a learner view.
# (Option texts, ordering items and matching texts are shown; their correctness is not.)
ANSWER_STRINGS: dict[str, list[str]] = {
    "single_choice": [
        "pinning",
        "A pinned tag always names the same release.",
        "latest moves on release.",
        "No tag silently means latest.",
    ],
    "multiple_response": [
        "lists them",
        "It executes a command and snapshots.",
        "It writes files into the image.",
        "It only changes metadata.",
        "Labels live in the config.",
    ],
    "true_false": [
        "Section 1",
        "Right: namespaces isolate, the kernel is shared.",
        "Virtual machines bring their own kernel; containers do not.",
    ],
    "short_text": [
        "Section 3",
        "WORKDIR",
        r"RUN\s+cd\s+\S+",
        "cd lasts one RUN.",
        "VOLUME",
        "That declares a mount point.",
    ],
    "docker_command": [GENERAL_FEEDBACK, "docker ps", "--no-trunc", "All containers, any state."],
    "numeric": ["Section 4", "75", "0.75", "0.01", "25", "0.5", "Three quarters gone."],
    "ordering": ["Section 4"],
    "matching": [GENERAL_FEEDBACK],
    "dockerfile": [
        "Section 3",
        "base-image-tag-pinned",
        "final-stage-non-root-user",
        "exec-form-cmd-entrypoint",
    ],
}
