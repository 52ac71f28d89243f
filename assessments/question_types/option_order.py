"""Identity and order of what a learner picks from: options, ordering items, matching choices.

An attempt freezes an order so a reload shows the same screen; the learner view takes it as a
list of the spec's indices in display order.

For ordering and matching, the spec's own order is the answer: an ordering lists its items in
the correct order, and a matching lists its right-hand answers in the order of the lefts. The
first `answer_length` indices are those whose relative order is the key; a display order in
which they appear in ascending order (whatever distractors lie between them) would show the
answer, so no order drawn here ever has that shape.
"""

import hashlib
import random

# Option ids are a prefix of the SHA-256 of the text: stable, and derived from nothing but what
# the learner already sees, so an id can never hint at which option is correct. 40 bits make a
# collision among a question's few options practically impossible (and validation rejects one).
OPTION_ID_LENGTH = 10
# Shuffles tried before falling back to a fixed swap. A uniform shuffle shows the key order with
# probability 1/k! (k >= 2), so 64 tries fail together with probability at most 2^-64.
MAX_SHUFFLES = 64


def option_id(text: str) -> str:
    """The id a learner view gives an option, item or matching choice with this text."""
    return hashlib.sha256(text.encode()).hexdigest()[:OPTION_ID_LENGTH]


def shows_answer_order(order: list[int], answer_length: int) -> bool:
    """Whether `order` shows the first `answer_length` indices in their key (ascending) order."""
    if answer_length < 2:
        return False
    keyed = [index for index in order if index < answer_length]
    return keyed == sorted(keyed)


def shuffled_order(count: int, seed: int, *, answer_length: int = 0) -> list[int]:
    """A shuffled order of `count` indices for `seed`, never showing the answer order.

    Uniform over the orders that hide the answer: shuffles that show it are drawn again.
    """
    rng = random.Random(seed)  # noqa: S311 - a display order, not a secret
    order = list(range(count))
    for _ in range(MAX_SHUFFLES):
        rng.shuffle(order)
        if not shows_answer_order(order, answer_length):
            return order
    return _away_from_answer_order(order, answer_length)


def display_order(
    texts: list[str],
    requested: list[int] | None,
    *,
    shuffles: bool,
    answer_length: int,
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
    if answer_length > 1:
        by_id = sorted(range(count), key=lambda index: option_id(texts[index]))
        return _away_from_answer_order(by_id, answer_length)
    return list(range(count))


def _away_from_answer_order(order: list[int], answer_length: int) -> list[int]:
    """`order` with its first two answer indices swapped if it shows the answer order."""
    if not shows_answer_order(order, answer_length):
        return order
    first, second = (position for position, index in enumerate(order) if index < 2)
    swapped = list(order)
    swapped[first], swapped[second] = swapped[second], swapped[first]
    return swapped
