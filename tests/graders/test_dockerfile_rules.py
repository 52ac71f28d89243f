from dataclasses import replace
from textwrap import dedent

import pytest

from graders import rule_results as ids
from graders.course_sections import CONTAINER_SECURITY, PRODUCTION_DOCKERFILES
from graders.dockerfile_parser import DockerfileSyntaxError, parse_dockerfile
from graders.dockerfile_rules import DOCKERFILE_RULES, RULE_IDS, run_all
from graders.rule_results import DEFAULT_OPTIONS, RuleResult
from tests.graders import course_dockerfiles as course

GOOD_NODE = """\
FROM node:18.17.1-alpine3.18 AS builder
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:18.17.1-alpine3.18
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=builder /app/dist ./dist
USER node
HEALTHCHECK CMD node dist/healthcheck.js
CMD ["node", "dist/server.js"]
"""


# Only final-stage-installs-packages reads `required_packages`; the other rules ignore it.
CASE_OPTIONS = replace(DEFAULT_OPTIONS, required_packages=("curl",))


def check(rule_id: str, dockerfile_text: str) -> RuleResult:
    return DOCKERFILE_RULES[rule_id](parse_dockerfile(dedent(dockerfile_text)), CASE_OPTIONS)


# Each rule: a Dockerfile that passes it and one that fails it, with the line to blame.
RULE_CASES = [
    pytest.param(
        ids.BASE_IMAGE_TAG_PINNED,
        "FROM python:3.12-slim\n",
        "FROM python\n",
        1,
        id="untagged-base-image",
    ),
    pytest.param(
        ids.BASE_IMAGE_TAG_PINNED,
        "FROM python@sha256:" + "a" * 64 + "\n",
        "FROM python:3.12 AS build\nFROM python:latest\n",
        2,
        id="latest-in-a-later-stage",
    ),
    pytest.param(
        ids.BASE_IMAGE_TAG_PINNED,
        "ARG V=3.12\nFROM python:${V}-slim\n",
        "ARG V\nFROM python:${V}-slim\n",
        2,
        id="tag-from-build-arg-without-default",
    ),
    pytest.param(
        ids.BASE_IMAGE_DIGEST_PINNED,
        "FROM node:18-alpine@sha256:" + "0123456789abcdef" * 4 + "\n",
        "FROM node:18-alpine\n",
        1,
        id="digest",
    ),
    pytest.param(
        ids.NON_ROOT_USER,
        "FROM alpine:3.19\nRUN adduser -D app\nUSER app\n",
        "FROM alpine:3.19\nRUN echo\n",
        1,
        id="no-user",
    ),
    pytest.param(
        ids.NON_ROOT_USER,
        "FROM alpine:3.19 AS build\nUSER root\nFROM alpine:3.19\nUSER 1001:1001\n",
        "FROM alpine:3.19\nUSER nobody\nRUN apk add --no-cache curl\nUSER root\n",
        4,
        id="root-last",
    ),
    pytest.param(
        ids.NON_ROOT_USER,
        "FROM alpine:3.19 AS base\nUSER nobody\nFROM base AS final\nRUN echo\n",
        "FROM alpine:3.19\nUSER 0:0\n",
        2,
        id="uid-zero",
    ),
    pytest.param(
        ids.HEALTHCHECK_PRESENT,
        "FROM alpine:3.19\nHEALTHCHECK --interval=30s CMD wget -q -O- http://localhost/\n",
        "FROM alpine:3.19 AS build\nHEALTHCHECK CMD true\nFROM alpine:3.19\n",
        3,
        id="healthcheck-only-in-builder",
    ),
    pytest.param(
        ids.HEALTHCHECK_PRESENT,
        "FROM alpine:3.19\nHEALTHCHECK CMD true\n",
        "FROM alpine:3.19\nHEALTHCHECK NONE\n",
        2,
        id="healthcheck-none",
    ),
    pytest.param(
        ids.EXEC_FORM_START_COMMAND,
        'FROM node:18-alpine\nENTRYPOINT ["node"]\nCMD ["server.js"]\n',
        "FROM node:18-alpine\nCMD node server.js\n",
        2,
        id="shell-form-cmd",
    ),
    pytest.param(
        ids.EXEC_FORM_START_COMMAND,
        'FROM node:18-alpine\nCMD ["node", "server.js"]\n',
        "FROM node:18-alpine\nCMD ['node', 'server.js']\n",
        2,
        id="single-quoted-json",
    ),
    pytest.param(
        ids.EXEC_FORM_START_COMMAND,
        'FROM node:18-alpine\nCMD ["node", "server.js"]\n',
        'FROM node:18-alpine\nENTRYPOINT node server.js\nCMD ["--port", "80"]\n',
        2,
        id="shell-form-entrypoint",
    ),
    pytest.param(
        ids.START_COMMAND_DECLARED,
        'FROM node:18-alpine\nCMD ["node", "server.js"]\n',
        "FROM node:18-alpine\nCOPY . .\n",
        1,
        id="no-start-command",
    ),
    pytest.param(
        ids.COPIES_FROM_EARLIER_STAGE,
        "FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\n",
        "FROM golang:1.22 AS build\nRUN go build\nFROM alpine:3.19\nCOPY app /app\n",
        3,
        id="unused-build-stage",
    ),
    pytest.param(
        ids.DEPENDENCIES_BEFORE_SOURCE,
        "FROM python:3.12-slim\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n",
        "FROM python:3.12-slim\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        3,
        id="python",
    ),
    pytest.param(
        ids.DEPENDENCIES_BEFORE_SOURCE,
        "FROM golang:1.22 AS build\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
        "RUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n",
        "FROM golang:1.22\nCOPY . .\nRUN go mod download\n",
        3,
        id="go",
    ),
    pytest.param(
        ids.DEPENDENCIES_BEFORE_SOURCE,
        "FROM ruby:3.3\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\n",
        "FROM ruby:3.3\nCOPY Gemfile Gemfile.lock ./\nCOPY . .\nRUN bundle install\n",
        4,
        id="ruby-manifest-copied-but-installed-late",
    ),
    pytest.param(
        ids.APT_CHAINED_WITH_CLEANUP,
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
        "curl && rm -rf /var/lib/apt/lists/*\n",
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\n",
        2,
        id="apt-lists-left-behind",
    ),
    pytest.param(
        ids.APT_CHAINED_WITH_CLEANUP,
        "FROM debian:12-slim\nRUN --mount=type=cache,target=/var/lib/apt "
        "apt-get update && apt-get install -y curl\n",
        "FROM debian:12-slim\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        2,
        id="apt-install-without-update",
    ),
    pytest.param(
        ids.PIP_NO_CACHE_DIR,
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n",
        2,
        id="pip",
    ),
    pytest.param(
        ids.PIP_NO_CACHE_DIR,
        "FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN python -m pip install flask\n",
        "FROM python:3.12-slim\nRUN python3 -m pip install flask==3.0.0\n",
        2,
        id="python-dash-m-pip",
    ),
    pytest.param(
        ids.NPM_CACHE_CLEANED,
        "FROM node:18-alpine\nRUN npm ci --omit=dev && npm cache clean --force\n",
        "FROM node:18-alpine\nRUN npm install\n",
        2,
        id="npm",
    ),
    pytest.param(
        ids.APK_NO_CACHE,
        "FROM alpine:3.19\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.19\nRUN apk update && apk add curl\n",
        2,
        id="apk",
    ),
    pytest.param(
        ids.NO_BUILD_TOOLS_IN_FINAL_STAGE,
        "FROM python:3.12 AS build\nRUN apt-get update && apt-get install -y gcc\n"
        "FROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n",
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y build-essential "
        "libpq-dev && rm -rf /var/lib/apt/lists/*\n",
        2,
        id="apt-build-essential",
    ),
    pytest.param(
        ids.NO_BUILD_TOOLS_IN_FINAL_STAGE,
        "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev "
        "&& pip install --no-cache-dir psutil && apk del .build-deps\n",
        "FROM alpine:3.19\nRUN apk add --no-cache make g++\n",
        2,
        id="apk-compilers",
    ),
    pytest.param(
        ids.NO_BUILD_TOOLS_IN_FINAL_STAGE,
        "FROM golang:1.22 AS build\nRUN go build -o /app\n"
        "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\n",
        "FROM golang:1.22\nCOPY . .\nRUN go build -o /app\n",
        1,
        id="toolchain-base-image",
    ),
    pytest.param(
        ids.NO_SECRETS_IN_ENV_OR_ARG,
        "FROM alpine:3.19\nARG API_TOKEN\nENV DB_PASSWORD_FILE=/run/secrets/db "
        "DB_PASSWORD=${DB_PASS}\n",
        "FROM alpine:3.19\nARG GITHUB_TOKEN=ghp_example\n",
        2,
        id="arg-token-default",
    ),
    pytest.param(
        ids.NO_SECRETS_IN_ENV_OR_ARG,
        "FROM alpine:3.19\nENV APP_PORT=3000\n",
        "FROM alpine:3.19\nENV STRIPE_API_KEY sk_live_example\n",
        2,
        id="legacy-env-api-key",
    ),
    pytest.param(
        ids.NO_ENV_FILE_COPIED,
        "FROM alpine:3.19\nCOPY .env.example ./\n",
        "FROM alpine:3.19\nCOPY config/.env.production /app/\n",
        2,
        id="env-file",
    ),
    pytest.param(
        ids.NO_REMOTE_ADD,
        "FROM alpine:3.19\nADD --checksum=sha256:" + "b" * 64 + " https://example.com/t.tgz /t\n",
        "FROM alpine:3.19\nADD https://example.com/install.sh /tmp/\n",
        2,
        id="remote-add",
    ),
    pytest.param(
        ids.COPY_INSTEAD_OF_ADD,
        "FROM alpine:3.19\nADD rootfs.tar.gz /\nCOPY app.py /app/\n",
        "FROM alpine:3.19\nADD app.py /app/\n",
        2,
        id="add-plain-file",
    ),
    pytest.param(
        ids.PACKAGES_INSTALLED,
        "FROM alpine:3.19\nRUN apk add --no-cache curl\n",
        "FROM alpine:3.19\nRUN apk add --no-cache wget\n",
        1,
        id="required-package-dropped",
    ),
]


@pytest.mark.parametrize(("rule_id", "passing", "failing", "failing_line"), RULE_CASES)
def test_each_rule_passes_a_good_dockerfile_and_fails_a_bad_one(
    rule_id: str, passing: str, failing: str, failing_line: int
) -> None:
    # when
    good, bad = check(rule_id, passing), check(rule_id, failing)

    # then
    assert good.passed, good.message
    assert not bad.passed
    assert bad.line == failing_line
    assert bad.rule_id == good.rule_id == rule_id


def test_every_registered_dockerfile_rule_has_a_passing_and_failing_case() -> None:
    covered = {param.values[0] for param in RULE_CASES}

    assert covered == set(DOCKERFILE_RULES)


def test_it_explains_the_problem_and_cites_the_course_section() -> None:
    result = check(ids.BASE_IMAGE_TAG_PINNED, "FROM node:latest\n")

    assert "`FROM node:latest` (line 1)" in result.message
    assert result.section is PRODUCTION_DOCKERFILES
    assert (result.section_number, result.section_slug) == (
        3,
        "writing-production-ready-dockerfiles",
    )


def test_it_never_repeats_the_secret_value_in_feedback() -> None:
    result = check(ids.NO_SECRETS_IN_ENV_OR_ARG, "FROM alpine:3.19\nENV API_KEY=hunter2\n")

    assert "hunter2" not in result.message
    assert result.section is CONTAINER_SECURITY


def test_it_ignores_package_caches_in_a_discarded_builder_stage() -> None:
    result = check(ids.NPM_CACHE_CLEANED, GOOD_NODE)

    assert result.passed


def test_it_passes_a_well_written_multi_stage_dockerfile_on_every_rule_but_digest() -> None:
    results = run_all(GOOD_NODE)

    failed = [result.rule_id for result in results if not result.passed]
    assert failed == [ids.BASE_IMAGE_DIGEST_PINNED]


# --- The course's own examples ------------------------------------------------------------

COURSE_EXPECTATIONS = [
    (course.SECTION_3_BASIC_STRUCTURE, ids.BASE_IMAGE_TAG_PINNED, True),
    (course.SECTION_3_BASIC_STRUCTURE, ids.NON_ROOT_USER, True),
    (course.SECTION_3_BASIC_STRUCTURE, ids.HEALTHCHECK_PRESENT, True),
    (course.SECTION_3_BASIC_STRUCTURE, ids.EXEC_FORM_START_COMMAND, True),
    (course.SECTION_3_BASIC_STRUCTURE, ids.DEPENDENCIES_BEFORE_SOURCE, True),
    (course.SECTION_3_BASIC_STRUCTURE, ids.NO_SECRETS_IN_ENV_OR_ARG, True),
    (course.SECTION_3_TAG_BAD, ids.BASE_IMAGE_TAG_PINNED, False),
    (course.SECTION_3_TAG_GOOD, ids.BASE_IMAGE_TAG_PINNED, True),
    (course.SECTION_3_TAG_GOOD, ids.BASE_IMAGE_DIGEST_PINNED, False),
    (course.SECTION_3_TAG_BETTER, ids.BASE_IMAGE_TAG_PINNED, True),
    (course.SECTION_3_LAYERS_BAD, ids.APT_CHAINED_WITH_CLEANUP, False),
    (course.SECTION_3_LAYERS_GOOD, ids.APT_CHAINED_WITH_CLEANUP, True),
    (course.SECTION_3_BUILD_CACHE, ids.DEPENDENCIES_BEFORE_SOURCE, True),
    (course.SECTION_3_NON_ROOT, ids.NON_ROOT_USER, True),
    (course.SECTION_4_MULTI_STAGE, ids.NPM_CACHE_CLEANED, True),
    (course.SECTION_4_MULTI_STAGE, ids.NO_BUILD_TOOLS_IN_FINAL_STAGE, True),
    (course.SECTION_4_MULTIPLE_TARGETS, ids.BASE_IMAGE_TAG_PINNED, True),
    (course.SECTION_4_MULTIPLE_TARGETS, ids.NON_ROOT_USER, True),
    (course.SECTION_4_MULTIPLE_TARGETS, ids.DEPENDENCIES_BEFORE_SOURCE, True),
    (course.SECTION_4_MULTIPLE_TARGETS, ids.EXEC_FORM_START_COMMAND, True),
    (course.SECTION_6_BASE_AVOID, ids.BASE_IMAGE_TAG_PINNED, False),
    (course.SECTION_6_BASE_BETTER, ids.BASE_IMAGE_TAG_PINNED, True),
    (course.SECTION_6_ROOT_BAD, ids.NON_ROOT_USER, False),
    (course.SECTION_6_ROOT_GOOD, ids.NON_ROOT_USER, True),
    (course.SECTION_6_ROOT_GOOD, ids.EXEC_FORM_START_COMMAND, True),
    # The snippet elides its setup (`# ... app setup ...`), so node:18-alpine has no `nodejs`.
    (course.SECTION_6_READ_ONLY, ids.NON_ROOT_USER, False),
    (course.SECTION_6_SECRETS_NEVER, ids.NO_SECRETS_IN_ENV_OR_ARG, False),
    (course.SECTION_6_SECRETS_NEVER, ids.NO_ENV_FILE_COPIED, False),
]


@pytest.mark.parametrize(("dockerfile_text", "rule_id", "expected"), COURSE_EXPECTATIONS)
def test_it_grades_the_course_examples_as_the_course_presents_them(
    dockerfile_text: str, rule_id: str, expected: bool
) -> None:
    result = check(rule_id, dockerfile_text)

    assert result.passed is expected, result.message


def test_the_section_4_multi_stage_example_passes_every_rule_except_digest_pinning() -> None:
    results = run_all(course.SECTION_4_MULTI_STAGE)

    failed = [result.rule_id for result in results if not result.passed]
    assert failed == [ids.BASE_IMAGE_DIGEST_PINNED]


def test_the_basic_section_3_example_is_told_to_clean_the_npm_cache_as_section_4_teaches() -> None:
    # The basic example installs with `npm ci` but leaves the cache; section 4 adds the cleanup.
    result = check(ids.NPM_CACHE_CLEANED, course.SECTION_3_BASIC_STRUCTURE)

    assert not result.passed
    assert result.line == 18


def test_the_course_digest_placeholder_is_not_accepted_as_a_real_digest() -> None:
    # `sha256:abc123...` is an elided digest: Docker would refuse it as an invalid reference.
    result = check(ids.BASE_IMAGE_DIGEST_PINNED, course.SECTION_3_TAG_BETTER)

    assert not result.passed
    assert "not a full sha256 digest" in result.message


def test_the_course_distroless_example_is_flagged_for_having_no_tag() -> None:
    # Section 6 calls it "best" for size; section 3's tag rule still applies to it.
    result = check(ids.BASE_IMAGE_TAG_PINNED, course.SECTION_6_BASE_BEST)

    assert not result.passed
    assert "has no tag" in result.message


def test_the_multiple_targets_example_has_no_healthcheck_in_its_production_stage() -> None:
    result = check(ids.HEALTHCHECK_PRESENT, course.SECTION_4_MULTIPLE_TARGETS)

    assert not result.passed
    assert result.line == 19


# --- run_all and the registry ---------------------------------------------------------------


def test_run_all_runs_only_the_chosen_rules_in_registry_order() -> None:
    chosen = [ids.HEALTHCHECK_PRESENT, ids.BASE_IMAGE_TAG_PINNED, ids.DOCKERIGNORE_EXCLUDES_GIT]

    results = run_all("FROM node:latest\n", ".git\n", rule_ids=chosen)

    assert [(result.rule_id, result.passed) for result in results] == [
        (ids.BASE_IMAGE_TAG_PINNED, False),
        (ids.HEALTHCHECK_PRESENT, False),
        (ids.DOCKERIGNORE_EXCLUDES_GIT, True),
    ]


def test_run_all_skips_dockerignore_rules_when_no_dockerignore_was_submitted() -> None:
    results = run_all(GOOD_NODE)

    assert {result.rule_id for result in results} == set(DOCKERFILE_RULES)


def test_run_all_treats_an_empty_dockerignore_as_excluding_nothing() -> None:
    results = run_all(GOOD_NODE, "")

    assert [result.passed for result in results if "dockerignore" in result.rule_id] == [
        False,
        False,
        False,
    ]


def test_run_all_rejects_unknown_rule_ids() -> None:
    with pytest.raises(ValueError, match="no-such-rule"):
        run_all(GOOD_NODE, rule_ids=["no-such-rule"])


def test_run_all_raises_a_syntax_error_with_the_line_for_unparseable_input() -> None:
    with pytest.raises(DockerfileSyntaxError) as raised:
        run_all("FROM node:18\nRUN npm ci &&\n  npm run build\n")

    assert raised.value.line == 3


def test_every_rule_id_has_a_definition_and_is_unique() -> None:
    assert len(RULE_IDS) == len(set(RULE_IDS)) == 21
