"""Secret, secret-file and download rules, with accepted and rejected Dockerfiles each."""

from textwrap import dedent

import pytest

from graders import rule_results as ids
from graders.dockerfile_parser import parse_dockerfile
from graders.dockerfile_rules import DOCKERFILE_RULES, run_all
from graders.rule_results import DEFAULT_OPTIONS, RuleOptions, RuleResult

PASSWORD = "mysecretpassword"
WITH_PASSWORD = RuleOptions(secret_values=(PASSWORD,))
WITH_ENV_FILE = RuleOptions(secret_files=(".env",))


def check(rule_id: str, text: str, options: RuleOptions = DEFAULT_OPTIONS) -> RuleResult:
    return DOCKERFILE_RULES[rule_id](parse_dockerfile(dedent(text)), options)


# --- no-secrets-in-env-or-arg ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f"FROM a:1\nENV DATABASE_PASSWORD={PASSWORD}\n", 2),
        (f"FROM a:1\nENV DB_PASS={PASSWORD}\n", 2),
        (f"FROM a:1\nENV DB_SETTING={PASSWORD}\n", 2),  # any name: the value is declared
        (f"ARG DEFAULT_PW={PASSWORD}\nFROM a:1\n", 1),
        (f'FROM a:1\nLABEL note="pw is {PASSWORD}"\n', 2),
        (f"FROM a:1\nRUN echo {PASSWORD} > /run/pw\n", 2),
        (f"FROM a:1\nENV DATABASE_URL=postgres://admin:{PASSWORD}@db/app\n", 2),
        (f"FROM a:1\nRUN <<EOT\n  echo setting up\n  export PW={PASSWORD}\nEOT\n", 2),
        (f"FROM a:1\nCOPY <<EOF /app/.env\nDATABASE_PASSWORD={PASSWORD}\nEOF\n", 2),
        (f'FROM a:1\nENV P="{PASSWORD[:8]}""{PASSWORD[8:]}"\n', 2),  # quotes split the value
        (f"FROM a:1 AS build\nENV X={PASSWORD}\nFROM a:1\n", 2),  # wherever it appears
    ],
)
def test_the_declared_secret_value_fails_wherever_an_instruction_holds_it(
    text: str, line: int
) -> None:
    result = check(ids.NO_SECRETS_IN_ENV_OR_ARG, text, WITH_PASSWORD)

    assert not result.passed
    assert result.line == line
    assert PASSWORD not in result.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM a:1\nENV APP_PORT=3000\n",
        f"FROM a:1\n# the old value was {PASSWORD}\nENV APP_PORT=3000\n",  # comments never ship
        "FROM a:1\nARG DATABASE_PASSWORD\nENV DATABASE_PASSWORD_FILE=/run/secrets/db\n",
        "FROM a:1\nENV DB_PASSWORD=${DB_PASSWORD}\n",
        "FROM a:1\nENV DATABASE_URL=postgres://admin:${DB_PASSWORD}@db/app\n",
        "FROM a:1\nRUN --mount=type=secret,id=db_password cat /run/secrets/db_password\n",
        "FROM a:1\nENV GIT_URL=git@github.com:org/repo.git\n",
    ],
)
def test_references_secret_mounts_and_comments_pass(text: str) -> None:
    assert check(ids.NO_SECRETS_IN_ENV_OR_ARG, text, WITH_PASSWORD).passed


@pytest.mark.parametrize(
    "text",
    [
        "FROM a:1\nARG GITHUB_TOKEN=ghp_example\n",
        "FROM a:1\nENV STRIPE_API_KEY sk_live_example\n",
        "FROM a:1\nENV DB_PASS=hunter2\n",
        "FROM a:1\nRUN git clone https://deploy:hunter2@git.example.com/app.git\n",
        "FROM a:1\nADD https://user:hunter2@example.com/a.tgz /a.tgz\n",
    ],
)
def test_literal_secrets_fail_without_a_declaration(text: str) -> None:
    result = check(ids.NO_SECRETS_IN_ENV_OR_ARG, text)

    assert not result.passed
    assert "hunter2" not in result.message


# --- no-env-file-copied ----------------------------------------------------------------------

RIGHT_COPIES = [
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", ".env\n"),
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", "**/.env\n"),
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", ".env*\n!.env.example\n"),
    ("FROM a:1\nWORKDIR /app\nADD . .\n", "/.env\n"),
    ("FROM a:1\nWORKDIR /app\nCOPY package.json server.js ./\nCOPY src/ ./src/\n", None),
    ("FROM a:1\nCOPY --exclude=.env . /app/\n", None),
    ("FROM a:1\nCOPY .env.example ./\n", None),
    (
        "FROM node:20.11.1 AS build\nWORKDIR /app\nCOPY . .\nRUN npm run build\n"
        "FROM node:20.11.1\nCOPY --from=build /app/dist ./dist\n",
        None,
    ),
]


@pytest.mark.parametrize(("text", "dockerignore"), RIGHT_COPIES)
def test_no_secret_file_reaches_the_image(text: str, dockerignore: str | None) -> None:
    options = RuleOptions(secret_files=(".env",), dockerignore_text=dockerignore)

    assert check(ids.NO_ENV_FILE_COPIED, text, options).passed


WRONG_COPIES = [
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", None, 3),
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", "", 3),
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", "node_modules\n.git\n", 3),
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", "*\n!*\n", 3),  # re-included
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", "# .env\n", 3),  # a comment
    ("FROM a:1\nWORKDIR /app\nCOPY . .\n", "src/.env\n", 3),  # only a nested one
    ("FROM a:1\nCOPY * /app/\n", None, 2),  # globs match hidden files
    ("FROM a:1\nCOPY ./ /app/\n", None, 2),
    ("FROM a:1\nCOPY .env /app/.env\n", ".env\n", 2),  # named: copied (or the build fails)
    ("FROM a:1\nCOPY config/.env.production /app/\n", None, 2),
    ("FROM a:1\nCOPY prod.env /app/\n", None, 2),
    (
        "FROM a:1 AS build\nWORKDIR /app\nCOPY . .\nFROM a:1\nCOPY --from=build /app /srv\n",
        None,
        5,
    ),
    ("FROM a:1 AS base\nCOPY . /app/\nFROM base\nUSER app\n", None, 2),
]


@pytest.mark.parametrize(("text", "dockerignore", "line"), WRONG_COPIES)
def test_a_secret_file_that_reaches_the_image_fails(
    text: str, dockerignore: str | None, line: int
) -> None:
    options = RuleOptions(secret_files=(".env",), dockerignore_text=dockerignore)

    result = check(ids.NO_ENV_FILE_COPIED, text, options)

    assert not result.passed
    assert result.line == line


def test_the_message_names_the_file_and_where_it_lands() -> None:
    result = check(ids.NO_ENV_FILE_COPIED, "FROM a:1\nWORKDIR /app\nCOPY . .\n", WITH_ENV_FILE)

    assert "`.env`" in result.message
    assert "`/app/.env`" in result.message
    assert ".dockerignore" in result.message


def test_a_declared_file_missing_from_the_real_context_cannot_leak() -> None:
    options = RuleOptions(secret_files=(".env",), context_paths=("Dockerfile", "app.py"))

    assert check(ids.NO_ENV_FILE_COPIED, "FROM a:1\nCOPY . /app/\n", options).passed


def test_without_declared_files_only_named_env_files_count() -> None:
    assert check(ids.NO_ENV_FILE_COPIED, "FROM a:1\nCOPY . /app/\n").passed


def test_run_all_uses_the_submitted_dockerignore_for_the_secret_file_rule() -> None:
    text = "FROM a:1\nWORKDIR /app\nCOPY . .\n"

    (without,) = run_all(text, rule_ids=[ids.NO_ENV_FILE_COPIED], options=WITH_ENV_FILE)
    (excluded,) = run_all(text, ".env\n", rule_ids=[ids.NO_ENV_FILE_COPIED], options=WITH_ENV_FILE)

    assert not without.passed
    assert excluded.passed


# --- no-remote-add and copy-instead-of-add ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("FROM a:1\nADD --checksum=sha256:" + "b" * 64 + " https://example.com/t.tgz /t\n", True),
        ("FROM a:1\nRUN curl -fsSLo /app/ca.pem https://example.com/ca.pem\n", True),
        ("FROM a:1\nADD rootfs.tar.gz /\n", True),
        ("FROM a:1\nADD https://example.com/install.sh /tmp/\n", False),
        ("FROM a:1\nADD git@github.com:org/repo.git /src\n", False),
        ("FROM a:1\nARG URL=https://example.com/a.pem\nADD ${URL} /a.pem\n", False),
        ('FROM a:1\nADD ["https://example.com/a.pem", "/a.pem"]\n', False),
    ],
)
def test_add_never_fetches_unverified_urls(text: str, passed: bool) -> None:
    assert check(ids.NO_REMOTE_ADD, text).passed is passed


@pytest.mark.parametrize(
    ("text", "passed"),
    [
        ("FROM a:1\nADD rootfs.tar.gz /\nCOPY app.py /app/\n", True),
        ("FROM a:1\nADD vendor.tar.xz /opt/\n", True),
        ("FROM a:1\nADD https://example.com/a.pem /a.pem\n", True),  # not a plain copy
        ("FROM a:1\nADD app.py /app/\n", False),
        ("FROM a:1\nADD . /app\n", False),
        ("FROM a:1\nADD release.zip /opt/\n", False),  # ADD does not unpack zip files
        ("FROM a:1\nADD <<EOF /etc/motd\nhello\nEOF\n", False),
    ],
)
def test_add_is_only_for_what_copy_cannot_do(text: str, passed: bool) -> None:
    assert check(ids.COPY_INSTEAD_OF_ADD, text).passed is passed
