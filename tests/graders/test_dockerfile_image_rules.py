"""Image rules, each with several Dockerfiles Docker accepts and several it should not."""

from textwrap import dedent

import pytest

from graders import rule_results as ids
from graders.dockerfile_parser import parse_dockerfile
from graders.dockerfile_rules import DOCKERFILE_RULES
from graders.rule_results import DEFAULT_OPTIONS, RuleOptions, RuleResult

DIGEST = "sha256:" + "0123456789abcdef" * 4


def check(rule_id: str, text: str, options: RuleOptions = DEFAULT_OPTIONS) -> RuleResult:
    return DOCKERFILE_RULES[rule_id](parse_dockerfile(dedent(text)), options)


# --- base-image-tag-pinned -------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    [
        "python:3.12-slim-bookworm",
        "ubuntu:22.04",
        "node:18.17.1-alpine3.18",
        "node:20-bookworm-slim",
        "debian:bookworm-20240110-slim",
        "alpine:3",
        "traefik:v3.0",
        "localhost:5000/team/app:1.2",
        "mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled",
        f"python@{DIGEST}",
    ],
)
def test_a_tag_that_names_a_version_or_a_digest_pins_the_base(reference: str) -> None:
    assert check(ids.BASE_IMAGE_TAG_PINNED, f"FROM {reference}\n").passed


@pytest.mark.parametrize(
    ("reference", "fragment"),
    [
        ("node", "has no tag"),
        ("node:latest", "`latest`"),
        ("node:LATEST", "`latest`"),
        ("node:lts", "names no version"),
        ("node:lts-alpine", "names no version"),
        ("node:lts-alpine3.18", "names no version"),  # the digits pin Alpine, not Node
        ("node:current-slim", "names no version"),
        ("debian:bookworm", "names no version"),
        ("debian:bookworm-slim", "names no version"),
        ("ubuntu:jammy", "names no version"),
        ("nginx:mainline-alpine", "names no version"),
        ("nginx:stable", "names no version"),
        ("alpine:edge", "names no version"),
        ("golang:alpine", "names no version"),
        ("python:slim", "names no version"),
        ("node:iron", "names no version"),
    ],
)
def test_floating_aliases_codenames_and_bare_variants_do_not_pin(
    reference: str, fragment: str
) -> None:
    result = check(ids.BASE_IMAGE_TAG_PINNED, f"FROM {reference}\n")

    assert not result.passed
    assert fragment in result.message
    assert result.line == 1


@pytest.mark.parametrize(
    "text",
    [
        "ARG PY=3.12\nFROM python:${PY}-slim\n",
        "ARG PY\nFROM python:${PY:-3.12}-slim\n",
        "ARG NODE_VERSION=20.11.1\nARG IMAGE=node:${NODE_VERSION}-alpine\nFROM $IMAGE\n",
        "FROM python:3.12 AS build\nFROM build AS test\nFROM scratch\nCOPY --from=build /a /a\n",
        "FROM golang:1.22 AS Build\nFROM BUILD\n",  # stage names are case-insensitive
    ],
)
def test_arg_defaults_are_resolved_and_scratch_and_stages_are_skipped(text: str) -> None:
    assert check(ids.BASE_IMAGE_TAG_PINNED, text).passed


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("ARG PY\nFROM python:${PY}-slim\n", 2),
        ("ARG TAG=lts\nFROM node:${TAG}\n", 2),
        ("ARG V=3.12\nFROM python:${V:+latest}\n", 2),
        ("FROM python:3.12 AS build\nFROM python:latest\n", 2),
        ("FROM node:20.11.1 AS build\nFROM node:lts-alpine\nCOPY --from=build /a /a\n", 2),
    ],
)
def test_arg_substituted_or_later_floating_bases_fail(text: str, line: int) -> None:
    result = check(ids.BASE_IMAGE_TAG_PINNED, text)

    assert not result.passed
    assert result.line == line


def test_a_digest_earns_more_than_a_tag_when_the_item_says_so() -> None:
    options = RuleOptions(tag_credit=0.5)

    tag = check(ids.BASE_IMAGE_TAG_PINNED, "FROM node:20.11.1\n", options)
    digest = check(ids.BASE_IMAGE_TAG_PINNED, f"FROM node:20.11.1@{DIGEST}\n", options)
    mixed = check(ids.BASE_IMAGE_TAG_PINNED, f"FROM node:20@{DIGEST} AS b\nFROM node:20\n", options)

    assert (tag.passed, tag.credit) == (True, 0.5)
    assert "digest" in tag.message
    assert (digest.passed, digest.credit) == (True, 1.0)
    assert mixed.credit == 0.5


def test_a_tag_earns_full_credit_by_default() -> None:
    assert check(ids.BASE_IMAGE_TAG_PINNED, "FROM node:20.11.1\n").credit == 1.0


# --- base-image-digest-pinned ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        (f"FROM node:18-alpine@{DIGEST}\n", True),
        (f"FROM python@{DIGEST} AS b\nFROM scratch\nCOPY --from=b /x /x\n", True),
        (f"ARG D={DIGEST}\nFROM node:18@${{D}}\n", True),
        ("FROM node:18-alpine\n", False),
        ("FROM node:18@sha256:abc123\n", False),
        (f"FROM node:18@{DIGEST} AS b\nFROM alpine:3.19\n", False),
    ],
)
def test_the_digest_rule_wants_a_full_digest_on_every_base(text: str, passed: bool) -> None:
    assert check(ids.BASE_IMAGE_DIGEST_PINNED, text).passed is passed


# --- final-stage-non-root-user ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.19\nRUN adduser -D app\nUSER app\n",
        "FROM alpine:3.19\nUSER 1001:1001\n",
        "FROM alpine:3.19\nUSER 1000:0\n",  # root group, unprivileged user
        "FROM alpine:3.19\nARG UID=10001\nUSER ${UID}\n",
        "FROM node:18-alpine\nENV APP_USER=node\nUSER $APP_USER\n",
        "FROM alpine:3.19 AS base\nRUN adduser -D app\nUSER app\nFROM base AS final\nRUN echo\n",
        "FROM python:3.12-slim\nRUN groupadd -r app && useradd -r -g app app\nUSER app:app\n",
        "FROM debian:12-slim\nUSER nobody\n",
        "FROM gcr.io/distroless/static-debian12\nUSER nonroot:nonroot\n",
        "FROM registry.example.com/team/base:1.0\nUSER app\n",  # accounts unknown: trusted
    ],
)
def test_a_non_root_user_passes_by_name_uid_or_variable(text: str) -> None:
    assert check(ids.NON_ROOT_USER, text).passed


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.19\nUSER app\n",
        "FROM python:3.12-slim\nUSER node\n",
        "FROM scratch\nCOPY app /app\nUSER app\n",
        "FROM node:18-alpine AS build\nRUN adduser -D app\nFROM node:18-alpine\nUSER app\n",
        "FROM gcr.io/distroless/nodejs18-debian11\nUSER node\n",
    ],
)
def test_a_user_that_does_not_exist_in_the_final_image_fails(text: str) -> None:
    result = check(ids.NON_ROOT_USER, text)

    assert not result.passed
    assert "cannot start the container" in result.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("FROM alpine:3.19\nRUN echo\n", 1),
        ("FROM alpine:3.19\nUSER root\n", 2),
        ("FROM alpine:3.19\nUSER 0:0\n", 2),
        ("FROM alpine:3.19\nUSER 000\n", 2),
        ("FROM alpine:3.19\nARG RUNAS=root\nUSER ${RUNAS}\n", 3),
        ("FROM alpine:3.19\nARG RUNAS\nUSER ${RUNAS}\n", 3),
        ("FROM alpine:3.19\nUSER app\nRUN apk add --no-cache curl\nUSER root\n", 4),
        ("FROM alpine:3.19 AS build\nUSER app\nFROM alpine:3.19\nCMD x\n", 3),
    ],
)
def test_root_or_an_unknown_user_fails(text: str, line: int) -> None:
    result = check(ids.NON_ROOT_USER, text)

    assert not result.passed
    assert result.line == line


# --- final-stage-healthcheck -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("FROM alpine:3.19\nHEALTHCHECK CMD wget -q -O- http://localhost/\n", True),
        ('FROM alpine:3.19\nHEALTHCHECK --interval=30s CMD ["wget", "-q", "localhost"]\n', True),
        ("FROM alpine:3.19 AS base\nHEALTHCHECK CMD true\nFROM base\n", True),
        ("FROM alpine:3.19\nHEALTHCHECK NONE\n", False),
        ("FROM alpine:3.19\nHEALTHCHECK CMD true\nHEALTHCHECK none\n", False),
        ("FROM alpine:3.19 AS build\nHEALTHCHECK CMD true\nFROM alpine:3.19\n", False),
    ],
)
def test_the_final_image_must_declare_a_working_healthcheck(text: str, passed: bool) -> None:
    assert check(ids.HEALTHCHECK_PRESENT, text).passed is passed


# --- exec-form-cmd-entrypoint and start-command-declared -------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'FROM node:20.11.1\nCMD ["node", "server.js"]\n',
        'FROM node:20.11.1\nENTRYPOINT ["node"]\nCMD ["server.js"]\n',
        'FROM node:20.11.1\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node", "server.js"]\n',
        'FROM node:20.11.1 AS base\nCMD ["node", "server.js"]\nFROM base\nUSER node\n',
        'FROM node:20.11.1\nCMD ["npm", "start"]\n',
    ],
)
def test_exec_form_start_commands_pass(text: str) -> None:
    assert check(ids.EXEC_FORM_START_COMMAND, text).passed
    assert check(ids.START_COMMAND_DECLARED, text).passed


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("FROM node:20.11.1\nCMD npm start\n", "shell form"),
        ("FROM node:20.11.1\nCMD ['node', 'server.js']\n", "not valid JSON"),
        ('FROM node:20.11.1\nCMD ["sh", "-c", "node server.js"]\n', "hands the command to a shell"),
        ('FROM node:20.11.1\nCMD ["/bin/bash", "-ec", "exec node x.js"]\n', "to a shell"),
        ('FROM node:20.11.1\nENTRYPOINT node server.js\nCMD ["--port", "80"]\n', "shell form"),
        ('FROM node:20.11.1\nENTRYPOINT ["node"]\nCMD server.js\n', "shell form"),
        ("FROM node:20.11.1\nCOPY . .\n", "no CMD or ENTRYPOINT"),
        ('FROM node:20.11.1 AS build\nCMD ["node", "x"]\nFROM node:20.11.1\n', "no CMD"),
        ("FROM node:20.11.1\nCMD []\n", "no CMD"),
    ],
)
def test_shell_form_shell_wrappers_and_missing_commands_fail(text: str, fragment: str) -> None:
    result = check(ids.EXEC_FORM_START_COMMAND, text)

    assert not result.passed
    assert fragment in result.message


def test_shell_form_and_its_json_spelling_score_alike() -> None:
    shell = check(ids.EXEC_FORM_START_COMMAND, "FROM a:1\nCMD node server.js\n")
    spelled = check(
        ids.EXEC_FORM_START_COMMAND, 'FROM a:1\nCMD ["/bin/sh", "-c", "node server.js"]\n'
    )

    assert shell.passed is spelled.passed is False


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("FROM node:20.11.1\nCMD node server.js\n", True),  # runnable, though in shell form
        ('FROM node:20.11.1\nENTRYPOINT ["node", "server.js"]\n', True),
        ("FROM node:20.11.1\nUSER node\n", False),
        ("FROM node:20.11.1\nCMD []\n", False),
        ('FROM node:20.11.1 AS build\nCMD ["node", "x"]\nFROM node:20.11.1\n', False),
    ],
)
def test_a_runnable_image_declares_how_it_starts(text: str, passed: bool) -> None:
    assert check(ids.START_COMMAND_DECLARED, text).passed is passed


# --- final-stage-copies-from-earlier-stage ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.22 AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /\n",
        "FROM golang:1.22 AS Build\nFROM alpine:3.19\nCOPY --from=BUILD /app /\n",
        "FROM golang:1.22\nRUN go build -o /app\nFROM alpine:3.19\nCOPY --from=0 /app /\n",
        "ARG SRC=build\nFROM golang:1.22 AS build\nFROM alpine:3.19\nARG SRC\n"
        "COPY --from=${SRC} /app /\n",
        "FROM node:20.11.1 AS base\nFROM base AS build\nRUN npm run build\n"
        "FROM base AS final\nCOPY --from=build /app/dist ./dist\n",
        "FROM golang:1.22 AS build\nFROM alpine:3.19\n"
        "RUN --mount=type=bind,from=build,source=/app,target=/mnt cp /mnt /usr/local/bin/app\n",
    ],
)
def test_a_final_stage_fed_by_a_build_stage_is_multi_stage(text: str) -> None:
    assert check(ids.COPIES_FROM_EARLIER_STAGE, text).passed


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("FROM node:20.11.1\nRUN npm ci\n", "single stage"),
        ("FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.19\nCOPY app /app\n", "nothing"),
        (
            "FROM golang:1.22 AS build\nFROM alpine:3.19\nCOPY --from=nginx:1.25 /etc/x /x\n",
            "nothing",
        ),
        ("FROM golang:1.22 AS build\nRUN go build\nFROM build AS final\n", "nothing"),
        ("FROM golang:1.22 AS build\nFROM build AS final\nCOPY --from=build /a /b\n", "nothing"),
    ],
)
def test_unused_build_stages_and_external_images_are_not_multi_stage(
    text: str, fragment: str
) -> None:
    result = check(ids.COPIES_FROM_EARLIER_STAGE, text)

    assert not result.passed
    assert fragment in result.message
