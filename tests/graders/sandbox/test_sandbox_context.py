import io
import tarfile

import pytest

from graders.sandbox.context import (
    MAX_CONTEXT_FILES,
    ContextRejectedError,
    build_context,
    is_ignored,
    parse_dockerignore,
)


def members(tar: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        return archive.getnames()


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        ("*.env", "secret.env", True),
        ("*.env", "config/secret.env", False),  # `*` does not cross directories
        ("**/*.env", "config/secret.env", True),
        ("node_modules", "node_modules/left-pad/index.js", True),  # a parent matches
        ("/build", "build/out.o", True),  # a leading slash is the context root
        ("*.md\n!README.md", "README.md", False),  # the last matching rule wins
        ("!README.md\n*.md", "README.md", True),
        ("# *.py", "app.py", False),  # a comment
        ("app.???", "app.cfg", True),
        ("a.b", "axb", False),  # dots are literal
        ("data/**", "data/x/y.csv", True),
    ],
)
def test_dockerignore_follows_the_docker_cli(patterns: str, path: str, ignored: bool) -> None:
    assert is_ignored(path, parse_dockerignore(patterns)) is ignored


def test_the_context_holds_exactly_the_files_not_ignored() -> None:
    # when
    context = build_context(
        {
            "Dockerfile": b"FROM busybox:1.35\n",
            "./app/main.py": b"print(1)",
            ".dockerignore": b"*.env\nDockerfile\n.dockerignore\n",
            "secret.env": b"TOKEN=1",
        },
        dockerfile="Dockerfile",
        max_bytes=1024,
    )

    # then: the Dockerfile and .dockerignore are always sent, as the Docker CLI does
    assert members(context.tar) == [".dockerignore", "Dockerfile", "app/main.py"]
    assert context.dockerfile == b"FROM busybox:1.35\n"


def test_the_same_files_give_the_same_tar() -> None:
    files = {"Dockerfile": b"FROM busybox:1.35\n", "a": b"1"}

    first = build_context(files, dockerfile="Dockerfile", max_bytes=1024)
    second = build_context(dict(reversed(files.items())), dockerfile="Dockerfile", max_bytes=1024)

    assert first.tar == second.tar


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"Dockerfile": b"", "../escape": b""}, "leaves the build context"),
        ({"Dockerfile": b"", "/etc/passwd": b""}, "absolute path"),
        ({"Dockerfile": b"", "a\\b": b""}, "invalid file name"),
        ({"Dockerfile": b"", "a/./b": b"", "a/b": b""}, "appears twice"),
        ({"app.py": b""}, "no Dockerfile"),
        ({"Dockerfile": b"x" * 2000}, "limit 1000"),
    ],
)
def test_it_rejects_unsafe_or_oversized_contexts(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(ContextRejectedError, match=message):
        build_context(files, dockerfile="Dockerfile", max_bytes=1000)


def test_ignored_files_do_not_count_against_the_size_limit() -> None:
    files = {"Dockerfile": b"FROM x\n", ".dockerignore": b"big\n", "big": b"x" * 5000}

    context = build_context(files, dockerfile="Dockerfile", max_bytes=1000)

    assert "big" not in context.paths


def test_it_rejects_too_many_files() -> None:
    files = {f"f{i}": b"" for i in range(MAX_CONTEXT_FILES + 1)} | {"Dockerfile": b""}

    with pytest.raises(ContextRejectedError, match="files"):
        build_context(files, dockerfile="Dockerfile", max_bytes=10**6)
