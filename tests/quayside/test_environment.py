import pytest
from django.core.exceptions import ImproperlyConfigured

from quayside.environment import env_bool, env_int, env_list, env_str


def test_it_reads_true_and_false_words():
    assert env_bool("X", default=False, environ={"X": "Yes"}) is True
    assert env_bool("X", default=True, environ={"X": "off"}) is False


def test_it_uses_the_default_when_unset_or_blank():
    assert env_bool("X", default=True, environ={}) is True
    assert env_int("X", 7, environ={"X": "  "}) == 7


def test_it_refuses_a_word_that_is_not_a_boolean():
    with pytest.raises(ImproperlyConfigured, match="X='maybe' is not a boolean"):
        env_bool("X", default=False, environ={"X": "maybe"})


def test_it_refuses_a_non_integer_and_out_of_range_numbers():
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("N", 1, environ={"N": "ten"})
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("N", 1, minimum=5, environ={"N": "3"})
    with pytest.raises(ImproperlyConfigured, match="above the maximum"):
        env_int("N", 1, maximum=5, environ={"N": "9"})


def test_it_requires_a_value_without_default():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        env_str("SECRET_KEY", environ={})


def test_it_splits_lists_and_refuses_empty_items():
    assert env_list("H", environ={"H": "a.example, b.example"}) == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("H", environ={"H": "a.example,,b"})
