"""One example question of every type, for every test that needs one.

Each example holds its spec (`spec()` returns a fresh copy, so a test may change it freely), the
full-credit response in the raw shape the services and the API take, the full-credit portal form
post, and the answer-side strings a learner must never see before the feedback policy allows it.

Every feedback text of an example carries the example's codeword (Quokka, Wombat, ...), and the
other answer-side strings (accepted answers, numbers, rule ids) appear in no example's learner
view, so finding one on a page or in a payload is never a coincidence
(tests/assessments/test_question_examples.py checks both). A test that needs a variant (a unit,
a regex answer, a penalty) derives it from an example with a dict update.
"""

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.question_types import option_id


@dataclass(frozen=True)
class QuestionExample:
    question_type: str
    codeword: str
    spec_source: Mapping[str, Any]
    response: object
    # The full-credit answer as the portal form posts it, keyed by the field-name suffix.
    post: Mapping[str, object]
    # Answer-side strings: feedback texts, accepted answers, numbers, rule ids.
    secrets: tuple[str, ...]
    # Whether GIFT and Moodle XML can carry the example (a round trip keeps every field).
    in_moodle_formats: bool = True

    def spec(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.spec_source))

    def right_response(self) -> Any:
        return copy.deepcopy(self.response)

    def post_for(self, field: str) -> dict[str, object]:
        """The full-credit form post for the question rendered under the field name `field`."""
        return {f"{field}{suffix}": copy.deepcopy(value) for suffix, value in self.post.items()}


def _feedback(codeword: str, section: str) -> str:
    return f"Section {section} has the {codeword} remark."


_DOCKERFILES = "3: Writing Production-Ready Dockerfiles"
_COMMANDS = "7: Essential Docker Commands"
_MULTI_STAGE = "4: Multi-Stage Builds for Optimization"

_PINNED = "FROM node:18.17.1-alpine3.18"
_single_choice = {
    "prompt": "Which base image line gives reproducible builds?",
    "feedback": _feedback("Quokka", _DOCKERFILES),
    "options": [
        {"text": _PINNED, "correct": True, "feedback": "Quokka pin: a tag names one release."},
        {"text": "FROM node:latest", "correct": False, "feedback": "Quokka moves on release."},
        {"text": "FROM node", "correct": False, "feedback": "Quokka default: no tag is latest."},
    ],
}

_multiple_response = {
    "prompt": "Which instructions add a filesystem layer?",
    "feedback": _feedback("Wombat", _DOCKERFILES),
    "options": [
        {"text": "RUN", "correct": True, "feedback": "Wombat snapshot of a command."},
        {"text": "COPY", "correct": True, "feedback": "Wombat files written into the image."},
        {"text": "ENV", "correct": False, "feedback": "Wombat metadata only."},
        {"text": "LABEL", "correct": False, "feedback": "Wombat labels live in the config."},
    ],
    "penalty": True,
}

_true_false = {
    "prompt": "A container shares the kernel of its host.",
    "feedback": _feedback("Platypus", "1: Understanding Containers vs Virtual Machines"),
    "answer": True,
    "feedback_true": "Platypus kernel yes: namespaces isolate, the kernel is shared.",
    "feedback_false": "Platypus kernel no: virtual machines bring their own kernel.",
}

_short_text = {
    "prompt": "Which Dockerfile instruction sets the directory later instructions run in?",
    "feedback": _feedback("Echidna", _DOCKERFILES),
    "answers": [
        {"text": "WORKDIR", "fraction": 1, "feedback": "Echidna directory, created if needed."},
        {"text": "VOLUME", "fraction": 0, "feedback": "Echidna mount point, not a directory."},
    ],
    "case_sensitive": False,
}

_docker_command = {
    "prompt": "List every container on this host, including stopped ones.",
    "feedback": _feedback("Dingo", _COMMANDS),
    "answers": [
        {"command": "docker ps -a", "fraction": 1, "feedback": "Dingo all states."},
        {"command": "docker ps -a --no-trunc", "fraction": 0.5, "feedback": "Dingo noise."},
    ],
}

# 4100.5 + 142 = 4242.5 MB: the numbers a learner must find appear nowhere in the prompt.
_numeric = {
    "prompt": "An image has a 4100.5 MB base layer and a 142 MB layer of its own. How many MB?",
    "feedback": _feedback("Koala", _MULTI_STAGE),
    "answers": [
        {"value": 4242.5, "tolerance": 0.0625, "fraction": 1, "feedback": "Koala sum."},
        {"value": 4.2425, "tolerance": 0, "fraction": 0.5, "feedback": "Koala gigabytes."},
        {"value": 3958.5, "tolerance": 0, "fraction": 0, "feedback": "Koala difference."},
    ],
}

_ordering = {
    "prompt": "Put the lines of a multi-stage Dockerfile in order.",
    "feedback": _feedback("Kookaburra", _MULTI_STAGE),
    "items": [
        "FROM golang:1.22 AS build",
        "RUN go build -o /out/app .",
        "FROM gcr.io/distroless/base-debian12",
        "COPY --from=build /out/app /app",
    ],
}

_matching = {
    "prompt": "Match each `docker run` flag with what it does.",
    "feedback": _feedback("Wallaby", _COMMANDS),
    "pairs": [
        {"left": "-d", "right": "run in the background"},
        {"left": "-p", "right": "publish a port"},
        {"left": "-v", "right": "mount a volume"},
    ],
    "distractors": ["set the hostname"],
}

_GOOD_DOCKERFILE = f'{_PINNED}\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n'
_dockerfile = {
    "prompt": "Make this Dockerfile production-ready.",
    "feedback": _feedback("Bilby", _DOCKERFILES),
    "starter": "FROM node\nCOPY . .\nCMD node server.js\n",
    "rules": ["base-image-tag-pinned", "final-stage-non-root-user", "exec-form-cmd-entrypoint"],
}


def _feedback_texts(spec: Mapping[str, Any]) -> tuple[str, ...]:
    """The general feedback and every option's or answer's feedback of a spec."""
    texts = [spec["feedback"], spec.get("feedback_true"), spec.get("feedback_false")]
    for entry in [*spec.get("options", []), *spec.get("answers", [])]:
        texts.append(entry.get("feedback"))
    return tuple(text for text in texts if text)


def _example(
    question_type: str,
    codeword: str,
    spec: Mapping[str, Any],
    *,
    response: object,
    post: Mapping[str, object],
    answers: tuple[str, ...] = (),
    in_moodle_formats: bool = True,
) -> QuestionExample:
    """An example whose secrets are its feedback texts and the answer-side `answers`."""
    return QuestionExample(
        question_type=question_type,
        codeword=codeword,
        spec_source=spec,
        response=response,
        post=post,
        secrets=_feedback_texts(spec) + answers,
        in_moodle_formats=in_moodle_formats,
    )


def _places(items: list[str]) -> dict[str, object]:
    return {f"__place__{option_id(item)}": str(n) for n, item in enumerate(items, start=1)}


def _matches(pairs: list[dict[str, str]]) -> dict[str, object]:
    return {f"__match__{option_id(p['left'])}": option_id(p["right"]) for p in pairs}


_EXAMPLES = (
    _example(
        "single_choice",
        "Quokka",
        _single_choice,
        response=option_id(_PINNED),
        post={"": option_id(_PINNED)},
    ),
    _example(
        "multiple_response",
        "Wombat",
        _multiple_response,
        # Out of authoring order: the service puts a response into its canonical order.
        response=[option_id("COPY"), option_id("RUN")],
        post={"": [option_id("RUN"), option_id("COPY")]},
    ),
    _example("true_false", "Platypus", _true_false, response="true", post={"": "true"}),
    _example(
        "short_text",
        "Echidna",
        _short_text,
        response="  workdir ",
        post={"": "  workdir "},
        answers=("WORKDIR", "VOLUME"),
    ),
    _example(
        "docker_command",
        "Dingo",
        _docker_command,
        # Another spelling of `docker ps -a`: commands are graded by what Docker does.
        response="docker container ls --all",
        post={"": "docker container ls --all"},
        answers=("docker ps", "--no-trunc"),
    ),
    _example(
        "numeric",
        "Koala",
        _numeric,
        response="4242.5",
        post={"": "4242.5"},
        answers=("4242.5", "0.0625", "4.2425", "3958.5"),
    ),
    _example(
        "ordering",
        "Kookaburra",
        _ordering,
        response=[option_id(item) for item in _ordering["items"]],
        post=_places(_ordering["items"]),
    ),
    _example(
        "matching",
        "Wallaby",
        _matching,
        response={option_id(p["left"]): option_id(p["right"]) for p in _matching["pairs"]},
        post=_matches(_matching["pairs"]),
    ),
    _example(
        "dockerfile",
        "Bilby",
        _dockerfile,
        response=_GOOD_DOCKERFILE,
        post={"": _GOOD_DOCKERFILE},
        answers=tuple(_dockerfile["rules"]),
        in_moodle_formats=False,
    ),
)

QUESTION_EXAMPLES: dict[str, QuestionExample] = {
    example.question_type: example for example in _EXAMPLES
}
TYPE_NAMES = sorted(QUESTION_EXAMPLES)
# Every answer-side string of every example: what no payload may hold before feedback.
ALL_SECRETS = tuple(secret for example in _EXAMPLES for secret in example.secrets)


def spec_of(question_type: str) -> dict[str, Any]:
    """A fresh copy of the example spec of `question_type`."""
    return QUESTION_EXAMPLES[question_type].spec()


def right_response(question_type: str) -> Any:
    """The example's full-credit response, in the raw shape the services and the API take."""
    return QUESTION_EXAMPLES[question_type].right_response()


def secrets_found(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets that occur in `text`. A secret counts only where no digit touches it, so a
    number is never found inside a longer one (a timestamp's microseconds, an id)."""
    return [
        secret
        for secret in secrets
        if re.search(rf"(?<![0-9]){re.escape(secret)}(?![0-9])", text) is not None
    ]
