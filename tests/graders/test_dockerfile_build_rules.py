"""Build rules judged per layer, as Docker stores layers; heredoc scripts count like RUN lines."""

from dataclasses import replace
from textwrap import dedent

import pytest

from graders import rule_results as ids
from graders.dockerfile_parser import parse_dockerfile
from graders.dockerfile_rules import DOCKERFILE_RULES
from graders.rule_results import DEFAULT_OPTIONS, RuleResult


def check(rule_id: str, text: str) -> RuleResult:
    return DOCKERFILE_RULES[rule_id](parse_dockerfile(dedent(text)), DEFAULT_OPTIONS)


# --- apt-get-chained-with-cleanup ------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get update && apt-get install -y --no-install-recommends curl "
        "&& rm -rf /var/lib/apt/lists/*",
        "RUN set -eux; apt-get update; DEBIAN_FRONTEND=noninteractive apt-get -y install curl; "
        "apt-get clean; rm -rf /var/lib/apt/lists/*",
        "RUN apt-get update \\\n && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists",
        "RUN <<EOT\nset -e\napt-get update\napt-get install -y curl\n"
        "rm -rf /var/lib/apt/lists/*\nEOT",
        "RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt "
        "apt-get update && apt-get install -y curl",
        "RUN if true; then apt-get update && apt-get install -y curl; fi "
        "&& rm -rf /var/lib/apt/lists/*",
        "RUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -type f -delete",
    ],
)
def test_update_install_and_list_cleanup_in_one_layer_pass(run: str) -> None:
    assert check(ids.APT_CHAINED_WITH_CLEANUP, f"FROM debian:12.5\n{run}\n").passed


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("RUN apt-get update && apt-get install -y curl && apt-get clean", "package lists"),
        ("RUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*", "lists"),
        ("RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl", "lists"),
        ("RUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*", "own"),
        ("RUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*", "without running"),
        (
            "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y x",
            "lists",
        ),
        ("RUN <<EOT\napt-get update\napt-get install -y curl\nEOT", "lists"),
        ("RUN echo /var/lib/apt/lists && apt-get update && apt-get install -y curl", "lists"),
    ],
)
def test_lists_left_in_a_layer_or_a_split_update_fail(text: str, fragment: str) -> None:
    result = check(ids.APT_CHAINED_WITH_CLEANUP, f"FROM debian:12.5\n{text}\n")

    assert not result.passed
    assert fragment in result.message


# --- pip, npm, apk caches --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("RUN pip install --no-cache-dir -r requirements.txt", True),
        ("ENV PIP_NO_CACHE_DIR=1\nRUN python -m pip install flask", True),
        ("RUN PIP_NO_CACHE_DIR=true pip3 install flask", True),
        ("ARG PIP_NO_CACHE_DIR=on\nRUN pip install flask", True),
        ("RUN --mount=type=cache,target=/root/.cache/pip pip install flask", True),
        ("RUN pip install flask && rm -rf /root/.cache/pip", True),
        ("RUN pip install flask && pip cache purge", True),
        ("RUN pip install -r requirements.txt", False),
        ("ENV PIP_NO_CACHE_DIR=0\nRUN pip install flask", False),  # 0 keeps the cache on
        ("RUN python3.12 -m pip install flask==3.0.0", False),
        ("RUN pip install flask\nRUN rm -rf /root/.cache/pip", False),
        ("RUN --mount=type=cache,target=/var/cache/apt pip install flask", False),
        ("RUN <<EOT\npip install flask\nEOT", False),
    ],
)
def test_pip_keeps_no_cache_in_the_final_image(text: str, passed: bool) -> None:
    assert check(ids.PIP_NO_CACHE_DIR, f"FROM python:3.12-slim\n{text}\n").passed is passed


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("RUN npm ci --omit=dev && npm cache clean --force", True),
        ("RUN yarn install --production && yarn cache clean", True),
        ("RUN --mount=type=cache,target=/root/.npm npm ci", True),
        ("USER node\nRUN npm ci && rm -rf /home/node/.npm", True),
        ("RUN npm install", False),
        ("RUN npm cache clean --force && npm ci", False),  # cleaned before the install
        ("RUN npm ci\nRUN npm cache clean --force", False),
        ("RUN npm install # all dependencies", False),
    ],
)
def test_node_installs_clean_their_cache_in_the_same_layer(text: str, passed: bool) -> None:
    assert check(ids.NPM_CACHE_CLEANED, f"FROM node:20.11.1-alpine\n{text}\n").passed is passed


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("RUN apk add --no-cache curl", True),
        ("RUN apk --no-cache add curl", True),
        ("RUN apk update && apk add curl && rm -rf /var/cache/apk/*", True),
        ("RUN --mount=type=cache,target=/var/cache/apk apk add curl", True),
        ("RUN apk update && apk add curl", False),
        ("RUN apk add curl\nRUN rm -rf /var/cache/apk/*", False),
    ],
)
def test_apk_keeps_no_index_in_the_final_image(text: str, passed: bool) -> None:
    assert check(ids.APK_NO_CACHE, f"FROM alpine:3.19\n{text}\n").passed is passed


def test_package_caches_of_a_discarded_builder_stage_cost_nothing() -> None:
    text = "FROM node:20.11.1 AS build\nRUN npm ci\nFROM node:20.11.1-alpine\nCMD x\n"

    assert check(ids.NPM_CACHE_CLEANED, text).passed


# --- final-stage-without-build-tools ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM node:18.17.1-alpine3.18 AS build\nRUN apk add --no-cache python3 make g++\n"
        "RUN npm ci && npm run build\nFROM node:18.17.1-alpine3.18\n"
        "COPY --from=build /app/dist ./dist\n",
        "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev "
        "&& pip install --no-cache-dir psutil && apk del .build-deps\n",
        "FROM debian:12.5\nRUN apt-get update && apt-get install -y gcc && make && "
        "apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n",
        "FROM python:3.12-slim-bookworm\nRUN pip install --no-cache-dir flask\n",
        "FROM golang:1.22 AS build\nFROM gcr.io/distroless/static-debian12:nonroot\n"
        "COPY --from=build /app /app\n",
    ],
)
def test_a_final_image_without_compilers_passes(text: str) -> None:
    assert check(ids.NO_BUILD_TOOLS_IN_FINAL_STAGE, text).passed


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("FROM node:18.17.1-alpine3.18\nRUN apk add --no-cache python3 make g++\n", 2),
        ("FROM alpine:3.19\nRUN apk add --no-cache --virtual .deps g++ && apk del curl\n", 2),
        (
            "FROM debian:12.5\nRUN apt-get update && apt-get install -y gcc\n"
            "RUN apt-get purge gcc\n",
            2,
        ),
        ("FROM alpine:3.19\nRUN <<EOT\napk add --no-cache build-base\nEOT\n", 2),
        ("FROM golang:1.22\nCOPY . .\nRUN go build -o /app\n", 1),
        ("FROM node:18.17.1 AS build\nFROM node:18.17.1\nCOPY --from=build /a /a\n", 2),
        ("FROM python:3.12-bookworm\nCMD x\n", 1),  # the full variant ships gcc
        ("FROM node:18-alpine AS build\nRUN apk add --no-cache g++\nFROM build\nCMD x\n", 2),
    ],
)
def test_compilers_in_the_final_image_fail(text: str, line: int) -> None:
    result = check(ids.NO_BUILD_TOOLS_IN_FINAL_STAGE, text)

    assert not result.passed
    assert result.line == line


# --- dependencies-before-source --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("COPY package*.json ./\nRUN npm ci\nCOPY . .", True),
        (
            "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .",
            True,
        ),
        ("COPY . .\nRUN npm ci", False),
        ("COPY package*.json ./\nCOPY . .\nRUN npm ci", False),
        ("COPY . .\nRUN <<EOT\nnpm ci\nEOT", False),
        ("COPY . .", False),  # nothing installs the dependencies at all
    ],
)
def test_dependencies_install_before_the_source_is_copied(text: str, passed: bool) -> None:
    result = check(ids.DEPENDENCIES_BEFORE_SOURCE, f"FROM node:20.11.1\nWORKDIR /app\n{text}\n")

    assert result.passed is passed


# --- final-stage-installs-packages -----------------------------------------------------------


def packages_check(text: str, *packages: str) -> RuleResult:
    options = replace(DEFAULT_OPTIONS, required_packages=packages)
    rule = DOCKERFILE_RULES[ids.PACKAGES_INSTALLED]
    return rule(parse_dockerfile(dedent(text)), options)


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends "
        "curl=7.88.1-10 ca-certificates && rm -rf /var/lib/apt/lists/*\n",
        "FROM alpine:3.19\nRUN apk add --no-cache curl ca-certificates\n",
        "FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl ca-certificates\n"
        "FROM base\nUSER nobody\n",
        "FROM debian:12\nRUN <<EOT\napt-get update\napt-get install -y curl\n"
        "apt-get install -y ca-certificates\nEOT\n",
    ],
)
def test_the_final_image_installing_every_required_package_passes(text: str) -> None:
    assert packages_check(text, "curl", "ca-certificates").passed


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("FROM debian:12\nUSER nobody\n", "`curl`, `ca-certificates`"),
        ("FROM alpine:3.19\nRUN apk add --no-cache curl\n", "`ca-certificates`"),
        (
            "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y curl "
            "ca-certificates\nFROM debian:12\nCOPY --from=build /usr/bin/curl /usr/bin/\n",
            "`curl`, `ca-certificates`",
        ),
        (
            "FROM alpine:3.19\nRUN apk add --no-cache curl ca-certificates && apk del curl\n",
            "`curl`",
        ),
    ],
)
def test_dropping_or_removing_a_required_package_fails(text: str, missing: str) -> None:
    result = packages_check(text, "curl", "ca-certificates")

    assert not result.passed
    assert f"no longer installs {missing}," in result.message


def test_no_required_packages_passes() -> None:
    assert packages_check("FROM scratch\n").passed


# --- dependencies-before-source: npm ci needs its lock file ----------------------------------


@pytest.mark.parametrize(
    ("copy", "passed"),
    [
        ("COPY package*.json ./", True),
        ("COPY package.json package-lock.json ./", True),
        ("COPY package.json npm-shrinkwrap.json ./", True),
        ("COPY *.json ./", True),
        ("COPY package.json ./", False),
        ("COPY package.json yarn.lock ./", False),
    ],
)
def test_npm_ci_needs_the_lock_file_copied_before_it(copy: str, passed: bool) -> None:
    text = f"FROM node:18-alpine\nWORKDIR /app\n{copy}\nRUN npm ci --omit=dev\nCOPY . .\n"

    result = check(ids.DEPENDENCIES_BEFORE_SOURCE, text)

    assert result.passed is passed, result.message
    if not passed:
        assert "no lock file (`package-lock.json`) is copied before it" in result.message
        assert result.line == 4


def test_npm_ci_in_a_stage_built_on_one_that_copied_the_lock_file_passes() -> None:
    text = (
        "FROM node:18-alpine AS deps\nWORKDIR /app\nCOPY package*.json ./\n"
        "FROM deps AS build\nRUN npm ci\nCOPY . .\nRUN npm run build\n"
    )

    assert check(ids.DEPENDENCIES_BEFORE_SOURCE, text).passed


def test_npm_install_does_not_need_a_lock_file() -> None:
    text = "FROM node:18-alpine\nCOPY package.json ./\nRUN npm install\nCOPY . .\n"

    assert check(ids.DEPENDENCIES_BEFORE_SOURCE, text).passed
