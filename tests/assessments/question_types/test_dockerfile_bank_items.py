"""The four bank Dockerfile items that once gave full marks to wrong answers, graded through the
question type with their real bank specs: right answers earn full credit, wrong ones do not."""

import copy
import functools
from typing import Any

import pytest
import yaml

from assessments.question_types import QUESTION_TYPES
from coursepackages.layout import DEMO_BANK_DIR

BANK = DEMO_BANK_DIR
DOCKERFILE = QUESTION_TYPES["dockerfile"]
DIGEST = "sha256:" + "0123456789abcdef" * 4


@functools.cache
def _bank_items() -> dict[str, dict[str, Any]]:
    """Every bank item by key, parsed once per process (the files are large; YAML is slow)."""
    return {
        item["key"]: item
        for path in sorted(BANK.glob("[0-9][0-9]-*.yaml"))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    }


def bank_item(key: str) -> dict[str, Any]:
    """A deep copy of the item: a test may change its spec without touching the next test's."""
    try:
        return copy.deepcopy(_bank_items()[key])
    except KeyError:
        raise LookupError(key) from None


def fraction(key: str, dockerfile: str, dockerignore: str | None = None) -> float:
    spec = bank_item(key)
    raw: object = (
        dockerfile
        if dockerignore is None
        else {
            "dockerfile": dockerfile,
            "dockerignore": dockerignore,
        }
    )
    return DOCKERFILE.grade(spec, raw).fraction


# --- s3-fix-tag-order-cmd: pinned tag, install before source, exec-form start ---------------

TAG_ORDER_RIGHT = [
    "FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n"
    'COPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
    "FROM node:20.11.1-bookworm-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
    'RUN npm ci --omit=dev\nCOPY . .\nCMD ["npm", "start"]\n',
    "ARG NODE_VERSION=20.11.1\nFROM node:${NODE_VERSION}-alpine\nWORKDIR /app\n"
    "COPY package*.json ./\nRUN <<EOT\nnpm ci --omit=dev\nEOT\n"
    'COPY . .\nCMD ["node", "server.js"]\n',
    f"FROM node:18.17.1-alpine3.18@{DIGEST}\nWORKDIR /app\nCOPY package*.json ./\n"
    'RUN npm ci --omit=dev\nCOPY . .\nENTRYPOINT ["node"]\nCMD ["server.js"]\n',
]
TAG_ORDER_WRONG = [
    # a floating alias is not a version
    "FROM node:lts-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n"
    'COPY . .\nCMD ["node", "server.js"]\n',
    "FROM node:current\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n"
    'COPY . .\nCMD ["node", "server.js"]\n',
    # the JSON array hands the command to a shell, exactly like the shell form
    "FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n"
    'COPY . .\nCMD ["sh", "-c", "npm start"]\n',
    # no start command at all: nothing is in exec form
    "FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n"
    "COPY . .\n",
    # the install disappeared: nothing is cached because nothing is installed
    'FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
    # a build argument without a default decides the base
    "ARG NODE_VERSION\nFROM node:${NODE_VERSION}\nWORKDIR /app\nCOPY package*.json ./\n"
    'RUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]\n',
]


@pytest.mark.parametrize("answer", TAG_ORDER_RIGHT)
def test_tag_order_cmd_right_answers_earn_full_credit(answer: str) -> None:
    assert fraction("s3-fix-tag-order-cmd", answer) == 1


@pytest.mark.parametrize("answer", TAG_ORDER_WRONG)
def test_tag_order_cmd_wrong_answers_lose_credit(answer: str) -> None:
    assert fraction("s3-fix-tag-order-cmd", answer) < 1


# --- s6-fix-root-unpinned: unprivileged user, pinned base -----------------------------------

ROOT_UNPINNED_RIGHT = [
    "FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\n"
    'CMD ["node", "server.js"]\n',
    "FROM node:20.11.1-bookworm-slim\nRUN groupadd -g 1001 app && useradd -u 1001 -g app app\n"
    'WORKDIR /app\nCOPY . .\nUSER 1001:1001\nCMD ["node", "server.js"]\n',
    "ARG V=20.11.1\nFROM node:${V}-alpine\nWORKDIR /app\nCOPY . .\nUSER node\n"
    'CMD ["node", "server.js"]\n',
]
ROOT_UNPINNED_WRONG = [
    'FROM node:lts\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
    'FROM node:alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
    'FROM node:bookworm-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
    'FROM node:18.17.1\nWORKDIR /app\nCOPY . .\nUSER 0\nCMD ["node", "server.js"]\n',
    'FROM node:18.17.1\nUSER node\nCOPY . .\nUSER root\nCMD ["node", "server.js"]\n',
    'ARG V\nFROM node:${V}\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
]


@pytest.mark.parametrize("answer", ROOT_UNPINNED_RIGHT)
def test_root_unpinned_right_answers_earn_full_credit(answer: str) -> None:
    assert fraction("s6-fix-root-unpinned", answer) == 1


@pytest.mark.parametrize("answer", ROOT_UNPINNED_WRONG)
def test_root_unpinned_wrong_answers_lose_credit(answer: str) -> None:
    assert fraction("s6-fix-root-unpinned", answer) < 1


# --- s4-fix-build-tools-in-final: multi-stage, no tools in final, healthcheck ---------------

FINAL_STAGE = (
    "FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY package*.json ./\n"
    "RUN npm ci --omit=dev && npm cache clean --force\n"
)
BUILDER = (
    "FROM node:18.17.1-alpine3.18 AS builder\nRUN apk add --no-cache python3 make g++\n"
    "WORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n"
)
TAIL = 'USER node\nHEALTHCHECK CMD node dist/healthcheck.js\nCMD ["node", "dist/server.js"]\n'
BUILD_TOOLS_RIGHT = [
    BUILDER + FINAL_STAGE + "COPY --from=builder /app/dist ./dist\n" + TAIL,
    BUILDER + FINAL_STAGE + "COPY --from=0 /app/dist ./dist\n" + TAIL,
    BUILDER.replace("AS builder", "AS Build")
    + FINAL_STAGE
    + "COPY --from=build /app/dist ./dist\n"
    + TAIL,
]
BUILD_TOOLS_WRONG = [
    # single stage that simply dropped the toolchain: not a multi-stage build
    "FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n"
    "RUN npm run build\n" + TAIL,
    # a builder stage that the final stage never uses
    BUILDER + FINAL_STAGE + "COPY . .\n" + TAIL,
    # the final stage builds on the builder: the toolchain ships
    BUILDER + "FROM builder AS final\n" + TAIL,
    # the final stage installs the toolchain again
    BUILDER
    + FINAL_STAGE
    + "RUN apk add --no-cache g++\nCOPY --from=builder /app/dist ./dist\n"
    + TAIL,
    # the full node image ships gcc and make
    BUILDER + "FROM node:18.17.1\nWORKDIR /app\nCOPY --from=builder /app/dist ./dist\n" + TAIL,
    # health checking switched off
    BUILDER
    + FINAL_STAGE
    + "COPY --from=builder /app/dist ./dist\n"
    + TAIL.replace("HEALTHCHECK CMD node dist/healthcheck.js", "HEALTHCHECK NONE"),
]


@pytest.mark.parametrize("answer", BUILD_TOOLS_RIGHT)
def test_build_tools_right_answers_earn_full_credit(answer: str) -> None:
    assert fraction("s4-fix-build-tools-in-final", answer) == 1


@pytest.mark.parametrize("answer", BUILD_TOOLS_WRONG)
def test_build_tools_wrong_answers_lose_credit(answer: str) -> None:
    assert fraction("s4-fix-build-tools-in-final", answer) < 1


# --- s6-fix-secrets-remote-add: no secret in layers, no .env shipped, no remote ADD ---------

SECRETS_BASE = (
    "FROM node:18.17.1-alpine3.18\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\n"
)
SECRETS_TAIL = 'USER node\nCMD ["node", "server.js"]\n'
CERT = "RUN wget -qO /app/certs/rds-ca.pem https://example.com/certs/rds-ca.pem\n"
SECRETS_RIGHT = [
    (SECRETS_BASE + "COPY . .\n" + CERT + SECRETS_TAIL, ".env\n"),
    (SECRETS_BASE + "COPY . .\n" + CERT + SECRETS_TAIL, "**/.env*\nnode_modules\n"),
    (SECRETS_BASE + "COPY . .\n" + CERT + SECRETS_TAIL, "*.env\n"),  # `*` may match nothing
    (SECRETS_BASE + "COPY server.js ./\nCOPY src/ ./src/\n" + CERT + SECRETS_TAIL, ""),
    (
        SECRETS_BASE
        + "COPY . .\nADD --checksum=sha256:"
        + "c" * 64
        + " https://example.com/certs/rds-ca.pem /app/certs/rds-ca.pem\n"
        + SECRETS_TAIL,
        ".env\n",
    ),
]
SECRETS_WRONG = [
    # `COPY . .` still sends .env when no .dockerignore excludes it
    (SECRETS_BASE + "COPY . .\n" + CERT + SECRETS_TAIL, ""),
    (SECRETS_BASE + "COPY . .\n" + CERT + SECRETS_TAIL, "node_modules\n.git\n"),
    # the password moved to another name, an ARG default, a RUN line or a URL
    (
        "FROM node:18.17.1-alpine3.18\nENV DB_PASS=mysecretpassword\n" + CERT + SECRETS_TAIL,
        ".env\n",
    ),
    (
        "FROM node:18.17.1-alpine3.18\nARG DATABASE_PASSWORD=mysecretpassword\n"
        + CERT
        + SECRETS_TAIL,
        ".env\n",
    ),
    (
        "FROM node:18.17.1-alpine3.18\nENV DATABASE_URL=postgres://app:mysecretpassword@db/app\n"
        + CERT
        + SECRETS_TAIL,
        ".env\n",
    ),
    # the remote ADD is only hidden behind a build argument
    (
        "FROM node:18.17.1-alpine3.18\nARG CA=https://example.com/certs/rds-ca.pem\n"
        "ADD ${CA} /app/certs/rds-ca.pem\n" + SECRETS_TAIL,
        ".env\n",
    ),
]


@pytest.mark.parametrize(("answer", "dockerignore"), SECRETS_RIGHT)
def test_secrets_right_answers_earn_full_credit(answer: str, dockerignore: str) -> None:
    assert fraction("s6-fix-secrets-remote-add", answer, dockerignore) == 1


@pytest.mark.parametrize(("answer", "dockerignore"), SECRETS_WRONG)
def test_secrets_wrong_answers_lose_credit(answer: str, dockerignore: str) -> None:
    assert fraction("s6-fix-secrets-remote-add", answer, dockerignore) < 1


def test_the_secret_declarations_never_reach_the_learner_view() -> None:
    view = DOCKERFILE.learner_view(bank_item("s6-fix-secrets-remote-add"))

    assert "secret_values" not in view
    assert "secret_files" not in view
