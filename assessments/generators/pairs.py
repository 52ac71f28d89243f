"""Bad/good example pairs (the course's ❌/✅ comments) give "which is better, and why" items.

A Dockerfile pair is kept only when the Dockerfile rules prove the bad example wrong: some rule
fails on it and passes on the good one. Snippets without FROM are checked after a neutral FROM.
"""

import re

from assessments.generators.types import DraftQuestion, SourceBlock
from graders.dockerfile_parser import DockerfileSyntaxError
from graders.dockerfile_rules import run_all

DOCKERFILE_LANGUAGES = frozenset({"dockerfile", "docker", "containerfile"})
# Pinned and rule-neutral, so it adds no failure of its own to a fragment.
NEUTRAL_BASE = "FROM debian:12.5\n"
# The course's comments open with their verdict ("Bad - Uses latest"); the option says it already.
_VERDICT = re.compile(r"^(bad|good|better|best|avoid)\s*[-\u2013\u2014:]\s*", re.IGNORECASE)


def _has_instruction(text: str) -> bool:
    """A snippet of only comments passes every rule by doing nothing: it proves nothing."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def _reason(comment: str) -> str:
    reason = _VERDICT.sub("", comment.strip()).rstrip(".")
    return f"{reason[:1].upper()}{reason[1:]}." if reason else ""


def _failed_rules(text: str) -> dict[str, str] | None:
    """Rule id -> learner message for each failing rule; None when the text does not parse."""
    for candidate in (text, NEUTRAL_BASE + text):
        try:
            return {
                result.rule_id: result.message for result in run_all(candidate) if not result.passed
            }
        except DockerfileSyntaxError:
            continue
    return None


def dockerfile_pair_evidence(bad: str, good: str) -> list[str] | None:
    """Messages of the rules the bad example breaks and the good one keeps; None if unprovable."""
    if not _has_instruction(bad) or not _has_instruction(good):
        return None
    bad_failures, good_failures = _failed_rules(bad), _failed_rules(good)
    if bad_failures is None or good_failures is None:
        return None
    proof = [message for rule_id, message in bad_failures.items() if rule_id not in good_failures]
    return proof or None


def _fence(language: str, code: str) -> str:
    return f"```{language}\n{code}\n```"


def drafts_from_bad_good_pair(block: SourceBlock) -> list[DraftQuestion]:
    payload = block.payload
    language = str(payload.get("language", "")).lower()
    bad, good = payload.get("bad") or {}, payload.get("good") or {}
    bad_code, good_code = str(bad.get("code", "")).strip(), str(good.get("code", "")).strip()
    if not bad_code or not good_code or bad_code == good_code:
        return []
    why = _reason(str(good.get("comment", "")))
    why_not = _reason(str(bad.get("comment", "")))
    if language in DOCKERFILE_LANGUAGES:
        evidence = dockerfile_pair_evidence(bad_code, good_code)
        if evidence is None:
            return []
        why_not = why_not or _reason(evidence[0])
    topic = str(payload.get("topic") or payload.get("heading") or "this task").strip()
    fence_language = "dockerfile" if language in DOCKERFILE_LANGUAGES else language
    return [
        DraftQuestion(
            generator="pair-better",
            block=block,
            type="single_choice",
            spec={
                "prompt": f"Which is better for **{topic}**, and why? Pick the better version.",
                "options": [
                    {
                        "text": _fence(fence_language, good_code),
                        "correct": True,
                        "feedback": f"Better: {why}" if why else "Better.",
                    },
                    {
                        "text": _fence(fence_language, bad_code),
                        "correct": False,
                        "feedback": f"Worse: {why_not}" if why_not else "Worse.",
                    },
                ],
                "feedback": f"{why_not} {why} See {block.citation}.".strip(),
            },
            tags=("generated", "bad-good-pair"),
            difficulty=0.4,
        )
    ]
