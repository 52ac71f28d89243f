"""The one .dockerignore matcher, used by the sandbox's context and by the rules."""

import pytest

from graders.dockerignore import (
    DockerignoreMatcher,
    DockerignorePatternError,
    clean_pattern,
    ignore_file_name,
)


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        ("node_modules", "node_modules/x/index.js", True),
        ("node_modules", "src/node_modules/x.js", False),  # relative to the root only
        ("**/node_modules", "src/node_modules/x.js", True),
        ("/.git/", ".git/HEAD", True),
        ("./.env", ".env", True),
        ("../.env", ".env", False),  # Go keeps a leading ..: it matches nothing
        (".env*", ".env.local", True),
        (".env*", ".env", True),
        ("**/.env", ".env", True),
        ("**", "anything/at/all", True),
        ("*.pyc", "__pycache__/app.pyc", False),
        ("**/*.pyc", "__pycache__/app.pyc", True),
        ("src/*.js", "src/lib/a.js", False),
        ("[ab].txt", "a.txt", True),
        ("\\*.txt", "*.txt", True),
        ("*\n!.env", ".env", False),  # the last matching line wins
        ("!.env\n*", ".env", True),
        ("  .env  ", ".env", True),  # lines are trimmed
        ("  # .env", ".env", False),  # an indented # is a pattern, not a comment...
        ("  # .env", "# .env", True),  # ...that matches a file of that name
        ("# .env", ".env", False),
        ("\ufeff.env", ".env", True),
        ("data\n!data/keep.txt", "data/keep.txt", False),
    ],
)
def test_it_matches_like_docker(patterns: str, path: str, excluded: bool) -> None:
    assert DockerignoreMatcher(patterns).excludes(path) is excluded


@pytest.mark.parametrize("patterns", ["!\n", "[a-\n"])
def test_patterns_docker_refuses_raise(patterns: str) -> None:
    with pytest.raises(DockerignorePatternError):
        DockerignoreMatcher(patterns)


@pytest.mark.parametrize(
    ("pattern", "cleaned"),
    [("a//b/", "a/b"), ("./a/./b", "a/b"), ("a/../b", "b"), ("/", "/"), ("..", "..")],
)
def test_patterns_are_cleaned_like_go(pattern: str, cleaned: str) -> None:
    assert clean_pattern(pattern) == cleaned


def test_a_dockerfile_specific_ignore_file_takes_precedence() -> None:
    files = {"Dockerfile": b"", ".dockerignore": b"", "Dockerfile.dockerignore": b""}

    assert ignore_file_name(files, dockerfile="Dockerfile") == "Dockerfile.dockerignore"
    assert ignore_file_name({".dockerignore": b""}, dockerfile="Dockerfile") == ".dockerignore"
    assert ignore_file_name({}, dockerfile="Dockerfile") is None
