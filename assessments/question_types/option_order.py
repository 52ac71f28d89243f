"""Identity and order of what a learner picks from: options, ordering items, matching choices.

An attempt freezes an order so a reload shows the same screen; the learner view takes it as a
list of the spec's indices in display order.
"""

import hashlib
import random

# Option ids are a prefix of the SHA-256 of the text: stable, and derived from nothing but what
# the learner already sees, so an id can never hint at which option is correct. 40 bits make a
# collision among a question's few options practically impossible (and validation rejects one).
OPTION_ID_LENGTH = 10


def option_id(text: str) -> str:
    """The id a learner view gives an option, item or matching choice with this text."""
    return hashlib.sha256(text.encode()).hexdigest()[:OPTION_ID_LENGTH]


def shuffled_order(count: int, seed: int, *, avoid_authoring_order: bool) -> list[int]:
    """A shuffled order of `count` indices for `seed`."""
    order = list(range(count))
    random.Random(seed).shuffle(order)  # noqa: S311 - a display order, not a secret
    return _away_from_authoring_order(order) if avoid_authoring_order else order


def display_order(
    texts: list[str],
    requested: list[int] | None,
    *,
    shuffles: bool,
    avoid_authoring_order: bool,
) -> list[int]:
    """The display order to use; raises ValueError when `requested` is not a permutation.

    Without shuffling (`shuffle: false` is the author's decision, e.g. to keep "All of the
    above" last) the authoring order is used whatever was requested. Without a requested order,
    types whose authoring order is the answer get a fixed scramble (sorted by option id).
    """
    count = len(texts)
    if requested is not None and sorted(requested) != list(range(count)):
        raise ValueError(f"option_order must be a permutation of 0..{count - 1}, not {requested}")
    if not shuffles:
        return list(range(count))
    if requested is not None:
        return list(requested)
    if avoid_authoring_order:
        by_id = sorted(range(count), key=lambda index: option_id(texts[index]))
        return _away_from_authoring_order(by_id)
    return list(range(count))


def _away_from_authoring_order(order: list[int]) -> list[int]:
    if order == sorted(order) and len(order) > 1:
        return order[1:] + order[:1]
    return order
