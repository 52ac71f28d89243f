"""Exchanges: requests a rubric item makes of the running app with values drawn for each job, and
whether the answers are the ones the task's own app computes from those values.

A check that only requests `/health` is passed by any server that answers `{"status": "ok"}`. An
exchange asks for work only the real app does: store a note with made-up text and list it, count
the visits of a made-up visitor a random number of times. The values come from the operating
system's secure random source for every job (never a constant, never derived from the job id,
which a learner may guess), and the expected answers are computed here from them.

The rubric item's params (validated when the task is loaded):

    port: 8000
    ready_path: /health            # waited for before the exchange (default /health)
    values:                        # drawn per job
      words: {kind: words, count: 3}          # 3 words from WORDS, joined by spaces
      tag: {kind: token}                      # 12 random hex digits
      times: {kind: integer, min: 2, max: 4}  # a whole number in [min, max]
    requests:                      # sent in order, from one probe container
      - what: add a note           # names the step in messages (default: METHOD path)
        method: POST               # GET (default) or POST (with a JSON body)
        path: /notes               # placeholders are URL-encoded here
        json: {text: "{words} #{tag}"}
        repeat: "{times}"          # send it this many times (a number or an integer value)
        status: 201                # the status the task's app answers (default 200)
        expect: {text: "{words} #{tag}"}      # what its JSON answer contains (optional)

`{name}` stands for a drawn value: alone in a string it keeps the value's type (`"{times}"` is a
number), inside a string it is written out. `expect` is matched as a subset: every key of an
object must be there and match, every item of a list must match some item of the answer's list,
and numbers, strings and booleans must be equal.
"""

import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from graders.sandbox.http_exchange import MAX_REQUESTS, HttpReply, HttpRequest, Method
from graders.sandbox.run import URL_PATH

DEFAULT_PORT = 8000
DEFAULT_READY_PATH = "/health"
# 12 hex digits: 2**48 possible values, so no canned answer can anticipate one.
TOKEN_BYTES = 6
DEFAULT_WORD_COUNT = 3
MAX_WORD_COUNT = 8
# Plain words for readable made-up text (3 of 64: 262,144 combinations; add a token for more).
WORDS = (
    "anchor", "ballast", "barge", "beacon", "berth", "bollard", "bow", "buoy",
    "cable", "cargo", "channel", "compass", "crane", "crate", "current", "deck",
    "dock", "dredge", "ferry", "fog", "freight", "gangway", "gull", "harbour",
    "hatch", "hull", "jetty", "keel", "knot", "lantern", "ledger", "lock",
    "manifest", "mast", "mooring", "net", "oar", "pier", "pilot", "quay",
    "rope", "rudder", "sail", "salt", "schooner", "shanty", "ship", "shore",
    "signal", "slipway", "spray", "stern", "swell", "tackle", "tide", "tug",
    "vessel", "wake", "warehouse", "wave", "wharf", "winch", "yard", "yarn",
)  # fmt: skip
# Learner messages quote answers; longer ones are cut.
QUOTE_CHARS = 160
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_VALUE_KINDS = frozenset({"token", "words", "integer"})
_PARAM_KEYS = frozenset({"port", "ready_path", "values", "requests"})
_STEP_KEYS = frozenset({"what", "method", "path", "json", "repeat", "status", "expect"})

Value = str | int


class ExchangeSpecError(ValueError):
    """A rubric item's exchange is malformed; the message says where (for task authors)."""


@dataclass(frozen=True)
class ValueSpec:
    name: str
    kind: str
    count: int = DEFAULT_WORD_COUNT
    minimum: int = 0
    maximum: int = 0


@dataclass(frozen=True)
class StepSpec:
    what: str
    method: Method
    path: str
    json: Any
    repeat: int | str
    status: int
    expect: Any


@dataclass(frozen=True)
class ExchangeSpec:
    port: int
    ready_path: str
    values: tuple[ValueSpec, ...]
    steps: tuple[StepSpec, ...]


@dataclass(frozen=True)
class DrawnStep:
    what: str
    request: HttpRequest
    status: int
    expect: Any


@dataclass(frozen=True)
class DrawnExchange:
    values: Mapping[str, Value]
    steps: tuple[DrawnStep, ...]

    def requests(self) -> list[HttpRequest]:
        return [step.request for step in self.steps]

    def shown_values(self) -> str:
        return ", ".join(f"{name} = {json.dumps(value)}" for name, value in self.values.items())


@dataclass(frozen=True)
class ExchangeOutcome:
    passed: bool
    # The first step whose answer is wrong, for the learner; "" when passed.
    problem: str
    evidence: Mapping[str, Any]


# -- reading the spec ------------------------------------------------------------------------


def exchange_spec(
    params: Mapping[str, Any], *, other_keys: frozenset[str] = frozenset()
) -> ExchangeSpec:
    """The exchange a rubric item describes; raises ExchangeSpecError if it is malformed.
    `other_keys` are the check's own params, left alone here."""
    unknown = set(params) - _PARAM_KEYS - other_keys
    if unknown:
        raise ExchangeSpecError(f"unknown exchange params: {', '.join(sorted(unknown))}")
    raw_values, raw_steps = params.get("values") or {}, params.get("requests") or []
    if not isinstance(raw_values, Mapping) or not isinstance(raw_steps, list):
        raise ExchangeSpecError("`values` must be an object and `requests` a list")
    values = tuple(_value_spec(str(name), raw) for name, raw in raw_values.items())
    steps = tuple(_step_spec(index, raw) for index, raw in enumerate(raw_steps))
    spec = ExchangeSpec(
        port=_integer(params.get("port", DEFAULT_PORT), "port", 1, 2**16 - 1),
        ready_path=str(params.get("ready_path", DEFAULT_READY_PATH)),
        values=values,
        steps=steps,
    )
    _check_spec(spec)
    return spec


def _integer(raw: Any, where: str, low: int, high: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise ExchangeSpecError(f"{where} must be a whole number from {low} to {high}")
    return raw


def _value_spec(name: str, raw: Any) -> ValueSpec:
    if not PLACEHOLDER.fullmatch(f"{{{name}}}") or not isinstance(raw, Mapping):
        raise ExchangeSpecError(f"value {name!r}: a lowercase name with {{kind: ...}}")
    kind = raw.get("kind")
    if kind not in _VALUE_KINDS:
        raise ExchangeSpecError(f"value {name!r}: kind must be one of {sorted(_VALUE_KINDS)}")
    if kind == "words":
        count = _integer(raw.get("count", DEFAULT_WORD_COUNT), f"{name}.count", 1, MAX_WORD_COUNT)
        return ValueSpec(name, kind, count=count)
    if kind == "integer":
        low = _integer(raw.get("min"), f"{name}.min", 0, 10**9)
        high = _integer(raw.get("max"), f"{name}.max", low + 1, 10**9)
        return ValueSpec(name, kind, minimum=low, maximum=high)
    return ValueSpec(name, kind)


def _step_spec(index: int, raw: Any) -> StepSpec:
    where = f"requests[{index}]"
    if not isinstance(raw, Mapping) or set(raw) - _STEP_KEYS:
        raise ExchangeSpecError(f"{where}: an object with keys among {sorted(_STEP_KEYS)}")
    method = str(raw.get("method", Method.GET)).upper()
    if method not in set(Method):
        raise ExchangeSpecError(f"{where}: method must be GET or POST")
    if (method == Method.POST) != ("json" in raw):
        raise ExchangeSpecError(f"{where}: a POST sends a `json` body and a GET none")
    path = str(raw.get("path", ""))
    repeat = raw.get("repeat", 1)
    if not isinstance(repeat, str):
        repeat = _integer(repeat, f"{where}.repeat", 1, MAX_REQUESTS)
    return StepSpec(
        what=str(raw.get("what") or f"{method} {path}"),
        method=Method(method),
        path=path,
        json=raw.get("json"),
        repeat=repeat,
        status=_integer(raw.get("status", 200), f"{where}.status", 100, 599),
        expect=raw.get("expect"),
    )


def _check_spec(spec: ExchangeSpec) -> None:
    if not spec.steps:
        raise ExchangeSpecError("an exchange needs at least one request")
    if not URL_PATH.fullmatch(spec.ready_path):
        raise ExchangeSpecError(f"ready_path {spec.ready_path!r} is not a URL path")
    values = {value.name: value for value in spec.values}
    most = 0
    for index, step in enumerate(spec.steps):
        used = _placeholders(step.path) | _placeholders(step.json) | _placeholders(step.expect)
        if isinstance(step.repeat, str):
            used |= _placeholders(step.repeat)
        unknown = used - set(values)
        if unknown:
            raise ExchangeSpecError(f"requests[{index}] uses undeclared {sorted(unknown)}")
        most += _most_repeats(step.repeat, values, index)
        # The sandbox refuses paths outside this shape; tell the author now, not at grading.
        if not URL_PATH.fullmatch(_fill_path(step.path, _samples(spec.values))):
            raise ExchangeSpecError(f"requests[{index}].path {step.path!r} is not a URL path")
    if most > MAX_REQUESTS:
        raise ExchangeSpecError(f"the exchange may send {most} requests; at most {MAX_REQUESTS}")


def _most_repeats(repeat: int | str, values: Mapping[str, ValueSpec], index: int) -> int:
    if isinstance(repeat, int):
        return repeat
    whole = PLACEHOLDER.fullmatch(repeat)
    value = values.get(whole.group(1)) if whole else None
    if value is None or value.kind != "integer" or value.minimum < 1:
        raise ExchangeSpecError(
            f"requests[{index}].repeat: a number or an integer value with min >= 1"
        )
    return value.maximum


def _placeholders(template: Any) -> set[str]:
    if isinstance(template, str):
        return set(PLACEHOLDER.findall(template))
    if isinstance(template, Mapping):
        return set().union(*(_placeholders(item) for item in template.values()))
    if isinstance(template, list):
        return set().union(*(_placeholders(item) for item in template))
    return set()


def _samples(values: tuple[ValueSpec, ...]) -> dict[str, Value]:
    return _draw_values(values, random.Random(0))  # noqa: S311 (shape only, never graded)


# -- drawing ---------------------------------------------------------------------------------


def draw_exchange(spec: ExchangeSpec, rng: random.Random) -> DrawnExchange:
    """The concrete requests for one job. Pass `secrets.SystemRandom()` when grading."""
    values = _draw_values(spec.values, rng)
    steps: list[DrawnStep] = []
    for step in spec.steps:
        repeat = step.repeat if isinstance(step.repeat, int) else _fill(step.repeat, values)
        body = json.dumps(_fill(step.json, values)) if step.method == Method.POST else ""
        request = HttpRequest(step.method, _fill_path(step.path, values), body)
        expect = _fill(step.expect, values) if step.expect is not None else None
        steps += [DrawnStep(step.what, request, step.status, expect)] * int(repeat)
    return DrawnExchange(values=values, steps=tuple(steps))


def _draw_values(specs: tuple[ValueSpec, ...], rng: random.Random) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for spec in specs:
        if spec.kind == "token":
            values[spec.name] = f"{rng.getrandbits(TOKEN_BYTES * 8):0{TOKEN_BYTES * 2}x}"
        elif spec.kind == "words":
            values[spec.name] = " ".join(rng.choice(WORDS) for _ in range(spec.count))
        else:
            values[spec.name] = rng.randint(spec.minimum, spec.maximum)
    return values


def _fill(template: Any, values: Mapping[str, Value]) -> Any:
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template)
        if whole:
            return values[whole.group(1)]
        return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), template)
    if isinstance(template, Mapping):
        return {key: _fill(item, values) for key, item in template.items()}
    if isinstance(template, list):
        return [_fill(item, values) for item in template]
    return template


def _fill_path(template: str, values: Mapping[str, Value]) -> str:
    return PLACEHOLDER.sub(lambda match: quote(str(values[match.group(1)]), safe=""), template)


# -- judging ---------------------------------------------------------------------------------


def judge_exchange(drawn: DrawnExchange, replies: list[HttpReply]) -> ExchangeOutcome:
    """Compare each reply with what the task's app answers; the first wrong one is the problem."""
    evidence: dict[str, Any] = {
        "values": dict(drawn.values),
        "replies": [
            {
                "request": f"{reply.request.method} {reply.request.path}",
                "status": reply.status_code,
                "body": reply.body[:QUOTE_CHARS],
            }
            for reply in replies
        ],
    }
    for step, reply in zip(drawn.steps, replies, strict=True):
        problem = _step_problem(step, reply)
        if problem:
            return ExchangeOutcome(passed=False, problem=problem, evidence=evidence)
    return ExchangeOutcome(passed=True, problem="", evidence=evidence)


def _step_problem(step: DrawnStep, reply: HttpReply) -> str:
    request = f"`{step.request.method} {step.request.path}` ({step.what})"
    if reply.status_code is None:
        return f"{request} got no answer: {reply.detail or 'no response'}."
    if reply.status_code != step.status:
        said = f" It said: {_quoted(reply.body)}" if reply.body.strip() else ""
        return (
            f"{request} answered HTTP {reply.status_code}; the task's app answers "
            f"{step.status}.{said}"
        )
    if step.expect is None:
        return ""
    try:
        answer = json.loads(reply.body)
    except ValueError:
        return f"{request} answered {_quoted(reply.body)}, which is not JSON."
    mismatch = _mismatch(step.expect, answer, "")
    if mismatch is None:
        return ""
    return f"{request} answered {_quoted(reply.body)}: {mismatch}."


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f"`{text[:QUOTE_CHARS]}{'…' if len(text) > QUOTE_CHARS else ''}`"


def _mismatch(expected: Any, actual: Any, where: str) -> str | None:
    """Why `actual` does not contain `expected`, or None if it does."""
    shown = f"`{where}`" if where else "the answer"
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"{shown} is not a JSON object"
        for key, wanted in expected.items():
            inner = f"{where}.{key}" if where else str(key)
            if key not in actual:
                return f"`{inner}` is missing"
            problem = _mismatch(wanted, actual[key], inner)
            if problem is not None:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{shown} is not a list"
        for wanted in expected:
            if not any(_mismatch(wanted, item, where) is None for item in actual):
                return f"no item of {shown} matches {json.dumps(wanted)}"
        return None
    if _equal(expected, actual):
        return None
    return f"{shown} is {json.dumps(actual)[:QUOTE_CHARS]}, where the task's app answers " + (
        json.dumps(expected)
    )


def _equal(expected: Any, actual: Any) -> bool:
    # JSON's true is not 1: booleans only equal booleans.
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)
