"""Which sections teach which learning objective: a deterministic keyword-overlap heuristic.

1. Words are lower-cased, split on anything not a letter or digit ("multi-stage" → multi, stage),
   stop words dropped, and crudely stemmed (containers → container, writing/write → writ) so that
   "Write production-ready Dockerfiles" meets "Writing Production-Ready Dockerfiles".
2. A section's words are its title (weight TITLE_WEIGHT) and the headings inside it (weight 1).
3. Each shared stem scores its weight times its inverse document frequency over the sections, so a
   word every section uses ("docker") counts for little and a distinctive one ("network") a lot.
4. An objective is taught in every section scoring at least SHARE_OF_BEST of the best score.
   An objective that shares no word with any section is taught nowhere (the reader says so).
Same input, same mapping: ties keep section order, nothing is random.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

TITLE_WEIGHT = 3.0
# A second section must come close to the best one to count as teaching the objective too.
SHARE_OF_BEST = 0.6
_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "between",
        "by",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "their",
        "this",
        "to",
        "use",
        "using",
        "vs",
        "what",
        "when",
        "with",
        "you",
        "your",
        "will",
        "by",
        "able",
        "basic",
        "basics",
        "fundamental",
    ]
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s", "e")
MIN_STEM_LENGTH = 3


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM_LENGTH:
            return word[: -len(suffix)]
    return word


def keyword_stems(*, text: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in _STOP_WORDS]


def _section_weights(title: str, subheadings: Sequence[str]) -> dict[str, float]:
    weights: defaultdict[str, float] = defaultdict(float)
    for stem in set(keyword_stems(text=title)):
        weights[stem] += TITLE_WEIGHT
    for stem in set(keyword_stems(text=" ".join(subheadings))):
        weights[stem] += 1.0
    return dict(weights)


def objective_sections_map(
    *, objectives: Sequence[str], sections: Sequence[tuple[str, str, Sequence[str]]]
) -> list[tuple[str, ...]]:
    """For each objective text, the slugs of the sections that teach it.

    `sections` holds (slug, title, subheadings) in reading order.
    """
    section_weights = [_section_weights(title, headings) for _, title, headings in sections]
    document_frequency: Counter[str] = Counter()
    for weights in section_weights:
        document_frequency.update(weights.keys())
    count = len(sections)

    def idf(stem: str) -> float:
        return math.log((1 + count) / (1 + document_frequency[stem])) + 1.0

    mapping: list[tuple[str, ...]] = []
    for objective in objectives:
        stems = set(keyword_stems(text=objective))
        scores = [
            sum(weight * idf(stem) for stem, weight in weights.items() if stem in stems)
            for weights in section_weights
        ]
        best = max(scores, default=0.0)
        mapping.append(
            tuple(
                slug
                for (slug, _, _), score in zip(sections, scores, strict=True)
                if best > 0 and score >= SHARE_OF_BEST * best
            )
        )
    return mapping
