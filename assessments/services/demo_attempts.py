"""Simulated attempts for the demo, so that the analytics pages have something to show.

Every simulated learner is labelled as such: named "Demo learner NN (simulated)", with an email
at the reserved `.invalid` domain and no usable password. Their attempts go through the
production path: `attempt_start` draws the questions, the simulated answers are stored as
saved responses, and `attempt_submit` grades them (which also fires the graded event).

The simulation is a two-parameter logistic model: each learner has an ability, each question a
difficulty (from its bank difficulty) and a discrimination drawn from its key, a few of them
deliberately poor; a wrong answer to a choice question picks a distractor by fixed weights, so
that some distractors are attractive and some are never chosen. Seeded, hence repeatable.
"""

import hashlib
import math
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from assessments.models import Assessment, Attempt, AttemptQuestion, AttemptStatus
from assessments.question_types import QUESTION_TYPES, ResponseError, option_id
from assessments.services.attempts import AttemptError, attempt_start, attempt_submit

DEMO_EMAIL_DOMAIN = "demo.quayside.invalid"
DEMO_LEARNERS = 36
DEMO_SEED = 20261204
# Attempts are spread over this many days before the seeding.
DEMO_DAYS = 28
# Chance that a learner tries an assessment at all, and takes a second attempt after failing.
TAKES_ASSESSMENT = 0.85
RETAKES_AFTER_FAIL = 0.6
# Share of questions simulated as poor discriminators (weaker learners do as well or better).
POOR_ITEM_SHARE = 0.12
# A second attempt, after reviewing, comes from a slightly abler learner.
LEARNING_GAIN = 0.4
ATTEMPT_MINUTES = 12


@dataclass(frozen=True)
class DemoSeedSummary:
    learners: int
    attempts: int
    already_seeded: bool


def _key_unit(key: str, salt: str) -> float:
    """A number in [0, 1) fixed by the question's key (so reseeding draws the same items)."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _discrimination(key: str) -> float:
    if _key_unit(key, "poor") < POOR_ITEM_SHARE:
        return -0.6
    return 0.6 + 1.6 * _key_unit(key, "discrimination")


def _p_correct(*, ability: float, difficulty: float, key: str) -> float:
    location = 4 * (difficulty - 0.5)
    return 1 / (1 + math.exp(-1.7 * _discrimination(key) * (ability - location)))


def _distractor(options: list[dict[str, Any]], key: str, rng: random.Random) -> dict[str, Any]:
    wrong = [option for option in options if not option.get("correct")]
    # The first distractor in a key-fixed order attracts most, the last almost nobody.
    ordered = sorted(wrong, key=lambda option: _key_unit(f"{key}:{option['text']}", "lure"))
    weights = [0.6**index for index in range(len(ordered))]
    weights[-1] *= 0.1 if len(ordered) > 2 else 1
    return rng.choices(ordered, weights=weights)[0]


def _answer(question_type: str, variant: dict[str, Any], right: bool, key: str, rng: Any) -> Any:
    """A raw response that the type grades right (or wrong), where one can be made."""
    if question_type == "single_choice":
        options = list(variant["options"])
        chosen = next(o for o in options if o.get("correct")) if right else None
        return option_id(str((chosen or _distractor(options, key, rng))["text"]))
    if question_type == "multiple_response":
        options = list(variant["options"])
        picked = [option_id(str(o["text"])) for o in options if o.get("correct")]
        if not right:
            picked = [*picked[:-1], option_id(str(_distractor(options, key, rng)["text"]))]
        return picked
    if question_type == "true_false":
        return "true" if bool(variant["answer"]) == right else "false"
    if question_type == "ordering":
        items = [option_id(str(item)) for item in variant["items"]]
        return items if right else items[::-1]
    if question_type == "matching":
        pairs = list(variant["pairs"])
        rights = [option_id(str(pair["right"])) for pair in pairs]
        if not right:
            rights = rights[1:] + rights[:1]
        return {option_id(str(p["left"])): r for p, r in zip(pairs, rights, strict=True)}
    return _typed_answer(question_type, variant, right)


def _typed_answer(question_type: str, variant: dict[str, Any], right: bool) -> Any:
    full = [a for a in variant.get("answers", []) if float(a.get("fraction", 1)) == 1]
    if question_type == "docker_command":
        return full[0]["command"] if right and full else "docker ps"
    if question_type == "numeric":
        return str(full[0]["value"]) if right and full else "-987654321"
    if question_type == "short_text":
        texts = [a["text"] for a in full if "text" in a]
        texts += [_regex_example(a["regex"]) for a in full if "regex" in a]
        return texts[0] if right and texts else "no idea"
    # A Dockerfile answer is the starter as given: the simulation does not write Dockerfiles.
    return str(variant.get("starter", "FROM scratch\n"))


def _regex_example(pattern: str) -> str:
    """A likely match of a simple answer regex: optional groups and characters dropped, the
    first alternative of a group kept (enough for the bank's one-word answers)."""
    text = re.sub(r"\([^()]*\)\?", "", pattern)
    text = re.sub(r"\(([^()|]*)(\|[^()]*)?\)", r"\1", text)
    text = re.sub(r"(\\.|[^\\])\?", "", text)
    return text.replace("\\", "").strip("^$")


def _respond(item: AttemptQuestion, ability: float, rng: random.Random) -> None:
    version = item.question_version
    variant = item.variant
    key = version.question.key
    right = rng.random() < _p_correct(ability=ability, difficulty=version.difficulty, key=key)
    raw = _answer(version.type, variant, right, key, rng)
    try:
        item.response = QUESTION_TYPES[version.type].normalise_response(variant, raw)
    except ResponseError:
        item.response = None


def _attempt(
    learner: User, assessment: Assessment, ability: float, at: datetime, rng: random.Random
) -> Attempt | None:
    try:
        attempt = attempt_start(learner=learner, assessment=assessment, now=at)
    except AttemptError:
        return None
    items = list(attempt.questions.select_related("question_version__question"))
    for item in items:
        _respond(item, ability, rng)
        item.saved_at = at
        item.save_count = 1
    AttemptQuestion.objects.bulk_update(items, ["response", "saved_at", "save_count"])
    return attempt_submit(attempt=attempt, now=at + timedelta(minutes=ATTEMPT_MINUTES))


def _learners() -> list[User]:
    learners = []
    for number in range(1, DEMO_LEARNERS + 1):
        learner, _ = User.objects.get_or_create(
            email=f"demo-learner-{number:02d}@{DEMO_EMAIL_DOMAIN}",
            defaults={
                "display_name": f"Demo learner {number:02d} (simulated)",
                "role": Role.LEARNER,
            },
        )
        if learner.has_usable_password():
            learner.set_unusable_password()
            learner.save(update_fields=["password"])
        learners.append(learner)
    return learners


def demo_attempts_seed(*, module_id: int, now: datetime | None = None) -> DemoSeedSummary:
    """Seed simulated attempts at the module's published assessments. Idempotent: when demo
    learners already have attempts, nothing is added."""
    now = now or timezone.now()
    seeded = Attempt.objects.filter(
        learner__email__endswith=f"@{DEMO_EMAIL_DOMAIN}", assessment__module_id=module_id
    ).exists()
    if seeded:
        return DemoSeedSummary(learners=DEMO_LEARNERS, attempts=0, already_seeded=True)
    rng = random.Random(DEMO_SEED)  # noqa: S311 - a simulation, not a secret
    assessments = list(
        Assessment.objects.filter(module_id=module_id, is_published=True).order_by("pk")
    )
    made = 0
    with transaction.atomic():
        learners = _learners()
    for learner in learners:
        ability = rng.gauss(0, 1)
        for assessment in assessments:
            if rng.random() > TAKES_ASSESSMENT:
                continue
            at = now - timedelta(days=rng.uniform(1, DEMO_DAYS))
            attempt = _attempt(learner, assessment, ability, at, rng)
            made += attempt is not None
            failed = (
                attempt is not None
                and attempt.status == AttemptStatus.SUBMITTED
                and not attempt.passed
            )
            if failed and rng.random() < RETAKES_AFTER_FAIL:
                later = min(at + timedelta(days=rng.uniform(0.2, 2)), now - timedelta(hours=1))
                retake = _attempt(learner, assessment, ability + LEARNING_GAIN, later, rng)
                made += retake is not None
    return DemoSeedSummary(learners=len(learners), attempts=made, already_seeded=False)
