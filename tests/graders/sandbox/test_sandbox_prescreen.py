import pytest

from graders.sandbox.prescreen import (
    MAX_DOCKERFILE_INSTRUCTIONS,
    normalize_reference,
    screen_dockerfile,
)

ALLOWED = frozenset({"busybox:1.35", "python:3.11-slim-bookworm"})


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM busybox:1.35\nRUN echo hi\n",
        "FROM docker.io/library/busybox:1.35\n",
        "ARG BASE=busybox:1.35\nFROM ${BASE}\n",
        "FROM python:3.11-slim-bookworm AS build\nRUN true\nFROM build\nCOPY --from=build /a /b\n",
        "FROM busybox:1.35 AS one\nFROM busybox:1.35\nCOPY --from=0 /a /b\nCOPY --from=one /a /c\n",
        "FROM scratch\nCOPY app /\n",
        "FROM busybox:1.35\nADD archive.tar.gz /srv/\n",
        "FROM busybox:1.35\n# ADD http://example.com/x /x\n",
        "# escape=`\nFROM busybox:1.35\nRUN echo `\n  hi\n",
    ],
)
def test_it_lets_through_what_needs_nothing_from_outside(dockerfile: str) -> None:
    assert screen_dockerfile(dockerfile, ALLOWED) is None


@pytest.mark.parametrize(
    ("dockerfile", "reason", "line"),
    [
        ("FROM busybox:1.35\nADD https://example.com/x /x\n", "remote source", 2),
        ('FROM busybox:1.35\nADD ["http://example.com/x", "/x"]\n', "remote source", 2),
        ("FROM busybox:1.35\nADD --chown=1 git@github.com:a/b.git /x\n", "remote source", 2),
        ("FROM busybox:1.35\nENV U=ftp://example.com/x\nADD $U /x\n", "remote source", 3),
        ("FROM busybox:1.35\nRUN true \\\n && true\nADD \\\n http://x/y /y\n", "remote", 4),
        ("FROM busybox:1.35\nONBUILD ADD http://example.com/x /x\n", "remote source", 2),
        ("FROM busybox\n", "not allowed", 1),
        ("FROM --platform=linux/arm64 nginx:1\n", "not allowed", 1),
        ("ARG BASE=alpine\nFROM $BASE\n", "'alpine' is not allowed", 2),
        ("FROM busybox:1.35\nCOPY --from=nginx:1 /etc/nginx /x\n", "--from=nginx:1", 2),
        ("RUN echo no base\n", "no FROM", 1),
    ],
)
def test_it_rejects_what_the_daemon_would_fetch(dockerfile: str, reason: str, line: int) -> None:
    rejection = screen_dockerfile(dockerfile, ALLOWED)

    assert rejection is not None
    assert reason in rejection.reason
    assert rejection.line == line


@pytest.mark.parametrize(
    ("reference", "normalized"),
    [
        ("busybox", "busybox:latest"),
        ("docker.io/library/busybox:1.35", "busybox:1.35"),
        ("localhost:5000/app", "localhost:5000/app:latest"),
        ("busybox@sha256:abc", "busybox@sha256:abc"),
    ],
)
def test_references_are_compared_in_docker_hub_shorthand(reference: str, normalized: str) -> None:
    assert normalize_reference(reference) == normalized


def test_an_array_nested_past_the_recursion_limit_is_read_as_shell_form() -> None:
    # 30,000 levels fit a 64 KB text submission and are far past the interpreter's limit.
    nested = "[" * 30_000 + "]" * 30_000

    assert screen_dockerfile(f"FROM busybox:1.35\nCOPY {nested}\n", ALLOWED) is None


def test_a_dockerfile_at_the_instruction_limit_passes_and_one_more_is_refused() -> None:
    # given: comments, blank lines and continuation lines do not count as instructions
    body = "".join(
        f"# step {n}\n\nRUN echo {n} \\\n  && true\n"
        for n in range(MAX_DOCKERFILE_INSTRUCTIONS - 1)
    )
    at_limit = f"FROM busybox:1.35\n{body}"

    # when
    allowed = screen_dockerfile(at_limit, ALLOWED)
    refused = screen_dockerfile(at_limit + "USER 1000\n", ALLOWED)

    # then
    assert allowed is None
    assert refused is not None
    assert f"more than {MAX_DOCKERFILE_INSTRUCTIONS} instructions" in refused.reason
    assert refused.line == len(at_limit.splitlines()) + 1
