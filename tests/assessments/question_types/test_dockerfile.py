"""dockerfile: the share of the listed graders.dockerfile_rules that pass."""

from typing import Any

import pytest

from assessments.question_types import QUESTION_TYPES, ResponseError
from tests.question_examples import right_response, spec_of

DOCKERFILE = QUESTION_TYPES["dockerfile"]
# Passes every rule of the example: a pinned node image, a non-root user, an exec-form CMD.
GOOD_DOCKERFILE = right_response("dockerfile")


def dockerfile() -> dict[str, Any]:
    """Rules: base-image-tag-pinned, final-stage-non-root-user, exec-form-cmd-entrypoint."""
    return spec_of("dockerfile")


def test_a_dockerfile_passing_every_listed_rule_gets_full_credit() -> None:
    grade = DOCKERFILE.grade(dockerfile(), GOOD_DOCKERFILE)

    assert grade.fraction == 1
    assert grade.correct
    assert [part.label for part in grade.parts] == dockerfile()["rules"]
    assert all(part.correct and part.feedback for part in grade.parts)


def test_the_fraction_is_the_share_of_passing_rules() -> None:
    # given a pinned base image, but root and a shell-form CMD
    text = "FROM node:18.17.1-alpine3.18\nCOPY . .\nCMD node server.js\n"

    grade = DOCKERFILE.grade(dockerfile(), text)

    assert grade.fraction == pytest.approx(1 / 3)
    assert [part.correct for part in grade.parts] == [True, False, False]
    assert "USER" in grade.parts[1].feedback
    assert grade.explanation.endswith("1 of 3 checks pass.")


def test_the_starter_scores_zero() -> None:
    assert DOCKERFILE.grade(dockerfile(), dockerfile()["starter"]).fraction == 0


def test_a_dockerfile_that_does_not_parse_scores_zero_with_the_parser_message() -> None:
    grade = DOCKERFILE.grade(dockerfile(), "RUN echo hi\nFROM node:18\n")

    assert grade.fraction == 0
    assert "line 1" in grade.explanation
    assert "before the first FROM" in grade.explanation


def test_only_the_listed_rules_count() -> None:
    spec = dockerfile() | {"rules": ["base-image-tag-pinned"]}

    grade = DOCKERFILE.grade(spec, "FROM node:18.17.1\nCMD node server.js\n")

    assert grade.fraction == 1
    assert len(grade.parts) == 1


def test_dockerignore_rules_grade_the_submitted_dockerignore() -> None:
    spec = dockerfile() | {"rules": ["dockerignore-excludes-env"], "dockerignore_starter": ""}

    good = DOCKERFILE.grade(spec, {"dockerfile": GOOD_DOCKERFILE, "dockerignore": ".env\n"})
    bad = DOCKERFILE.grade(spec, {"dockerfile": GOOD_DOCKERFILE, "dockerignore": "node_modules\n"})

    assert good.fraction == 1
    assert bad.fraction == 0


def test_a_dockerignore_rule_needs_a_dockerignore_starter() -> None:
    spec = dockerfile() | {"rules": ["dockerignore-excludes-env"]}

    assert DOCKERFILE.validate_spec(spec) == [
        "rules[0]: dockerignore-excludes-env checks a .dockerignore, "
        "so the spec needs dockerignore_starter"
    ]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"rules": ["no-such-rule"]}, "rules[0]: unknown rule id 'no-such-rule'"),
        ({"rules": []}, "rules: needs at least 1 entries"),
        ({"rules": ["non-root-user"]}, "rules[0]: unknown rule id 'non-root-user'"),
        ({"rules": ["no-remote-add", "no-remote-add"]}, "rules[1]: repeats 'no-remote-add'"),
        ({"starter": None}, "starter: must be a string (it may be empty)"),
    ],
)
def test_spec_errors(change: dict[str, object], error: str) -> None:
    assert error in DOCKERFILE.validate_spec(dockerfile() | change)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("  \n", "empty"),
        (42, "text"),
        ({"dockerfile": GOOD_DOCKERFILE, "dockerignore": ".env"}, "Unexpected file"),
        ({"dockerignore": ".env"}, "Unexpected file"),
        ({}, "must be text"),
        ("FROM x\n" * 20_000, "longer"),
    ],
)
def test_it_rejects_malformed_responses(raw: object, message: str) -> None:
    with pytest.raises(ResponseError, match=message):
        DOCKERFILE.normalise_response(dockerfile(), raw)


def test_tag_credit_makes_a_digest_earn_more_than_a_tag() -> None:
    spec = dockerfile() | {"rules": ["base-image-tag-pinned"], "tag_credit": 0.5}
    digest = "sha256:" + "ab" * 32

    tag = DOCKERFILE.grade(spec, "FROM node:18.17.1-alpine3.18\n")
    pinned = DOCKERFILE.grade(spec, f"FROM node:18.17.1-alpine3.18@{digest}\n")

    assert tag.fraction == 0.5
    assert pinned.fraction == 1


def test_declared_secrets_and_files_are_graded_with_the_submitted_dockerignore() -> None:
    spec = dockerfile() | {
        "rules": ["no-secrets-in-env-or-arg", "no-env-file-copied"],
        "dockerignore_starter": "",
        "secret_values": ["s3cr3t-value"],
        "secret_files": [".env"],
    }
    text = 'FROM node:18.17.1\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'

    shipped = DOCKERFILE.grade(spec, {"dockerfile": text, "dockerignore": ""})
    excluded = DOCKERFILE.grade(spec, {"dockerfile": text, "dockerignore": ".env\n"})
    leaked = DOCKERFILE.grade(
        spec, {"dockerfile": text + "ENV X=s3cr3t-value\n", "dockerignore": ".env\n"}
    )

    assert [part.correct for part in shipped.parts] == [True, False]
    assert excluded.fraction == 1
    assert [part.correct for part in leaked.parts] == [False, True]
    assert "s3cr3t-value" not in leaked.explanation + " ".join(p.feedback for p in leaked.parts)


def test_a_dockerignore_docker_refuses_scores_zero_with_a_message() -> None:
    spec = dockerfile() | {"rules": ["dockerignore-excludes-env"], "dockerignore_starter": ""}

    grade = DOCKERFILE.grade(spec, {"dockerfile": GOOD_DOCKERFILE, "dockerignore": "!\n"})

    assert grade.fraction == 0
    assert "refuses the .dockerignore" in grade.explanation


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"secret_values": "pw"}, "secret_values: must be a list of strings"),
        ({"secret_files": []}, "secret_files: needs at least 1 entries"),
        ({"tag_credit": 1.5}, "tag_credit: must be at most 1"),
        ({"tag_credit": "half"}, "tag_credit: must be a number"),
    ],
)
def test_rule_option_errors(change: dict[str, object], error: str) -> None:
    assert error in DOCKERFILE.validate_spec(dockerfile() | change)


# --- required rules: conditions a fix must keep ------------------------------------------------

APT_STARTER = (
    "FROM debian:12.5-slim\nRUN apt-get update\nRUN apt-get install -y curl\n"
    'USER nobody\nCMD ["/run.sh"]\n'
)


def _apt_spec() -> dict[str, object]:
    return dockerfile() | {
        "starter": APT_STARTER,
        "rules": ["apt-get-chained-with-cleanup"],
        "required_rules": ["start-command-declared", "final-stage-installs-packages"],
        "required_packages": ["curl"],
    }


def test_a_passing_required_rule_adds_nothing_to_the_mean() -> None:
    fixed = (
        "FROM debian:12.5-slim\n"
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        'USER nobody\nCMD ["/run.sh"]\n'
    )

    starter = DOCKERFILE.grade(_apt_spec(), APT_STARTER)
    grade = DOCKERFILE.grade(_apt_spec(), fixed)

    assert starter.fraction == 0
    assert grade.fraction == 1
    assert grade.explanation == "Correct. 1 of 1 checks pass."
    assert [part.label for part in grade.parts] == [
        "apt-get-chained-with-cleanup",
        "start-command-declared",
        "final-stage-installs-packages",
    ]


def test_dropping_what_the_fix_must_keep_earns_nothing() -> None:
    without_install = 'FROM debian:12.5-slim\nUSER nobody\nCMD ["/run.sh"]\n'
    without_start = (
        "FROM debian:12.5-slim\n"
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    )

    dropped_package = DOCKERFILE.grade(_apt_spec(), without_install)
    dropped_start = DOCKERFILE.grade(_apt_spec(), without_start)

    assert dropped_package.fraction == dropped_start.fraction == 0
    assert dropped_package.explanation.startswith("Incorrect. A required check fails")
    assert "no longer installs `curl`" in dropped_package.explanation
    assert "no CMD or ENTRYPOINT" in dropped_start.explanation
    assert dropped_package.parts[0].correct  # the graded rule itself passed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"required_rules": ["no-such-rule"]}, "required_rules[0]: unknown rule id"),
        (
            {"required_rules": ["apt-get-chained-with-cleanup"]},
            "apt-get-chained-with-cleanup is also in rules",
        ),
        ({"required_rules": []}, "required_rules: needs at least 1 entries"),
        ({"required_packages": []}, "required_packages: needs at least 1 entries"),
        (
            {"required_rules": ["start-command-declared"]},
            "list the packages exactly when final-stage-installs-packages is one of the rules",
        ),
    ],
)
def test_required_rules_and_packages_are_validated(
    changes: dict[str, object], message: str
) -> None:
    spec = _apt_spec() | changes

    errors = DOCKERFILE.validate_spec(spec)

    assert any(message in error for error in errors), errors
