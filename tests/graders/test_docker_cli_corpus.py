"""A corpus of docker command pairs: equivalent where Docker does the same for both, not
equivalent where anything Docker does differs (strict: `--rm`, `-q` or `--no-trunc` make a
different command even where a graded answer may excuse them)."""

import pytest

from graders.docker_cli import commands_equivalent
from tests.graders.docker_cli_different_pairs import NOT_EQUIVALENT
from tests.graders.docker_cli_equivalent_pairs import EQUIVALENT


def _pair_id(pair: tuple[str, str]) -> str:
    return f"{pair[0]} ~ {pair[1]}"


@pytest.mark.parametrize("pair", EQUIVALENT, ids=_pair_id)
def test_docker_treats_both_spellings_alike(pair: tuple[str, str]) -> None:
    first, second = pair

    assert commands_equivalent(first, second)
    assert commands_equivalent(second, first)


@pytest.mark.parametrize("pair", NOT_EQUIVALENT, ids=_pair_id)
def test_docker_treats_them_differently(pair: tuple[str, str]) -> None:
    first, second = pair

    assert not commands_equivalent(first, second)
    assert not commands_equivalent(second, first)


def test_the_corpus_is_large_and_has_no_pair_twice() -> None:
    pairs = [*EQUIVALENT, *NOT_EQUIVALENT]

    assert len(EQUIVALENT) >= 250
    assert len(NOT_EQUIVALENT) >= 200
    assert len(set(pairs)) == len(pairs)
