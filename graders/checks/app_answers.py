"""The running app answers requests made with values drawn for this job as the task's app does.

`app-round-trip` proves that what runs is the task's app, working: a server that only answers
`/health`, static files or canned replies cannot answer a note, a count or a filter computed
from values nobody knew before the job started (see `graders.checks.exchange`).
"""

import secrets

from graders.checks.base import Finding, Params
from graders.checks.context import GradingContext
from graders.checks.exchange import (
    DrawnExchange,
    ExchangeOutcome,
    draw_exchange,
    exchange_spec,
    judge_exchange,
)
from graders.checks.service import APP_NAME
from graders.sandbox.http_exchange import exchange_http

# Per request of an exchange: the starter apps answer in milliseconds; this is for slow starts.
SECONDS_PER_REQUEST = 3.0
MIN_EXCHANGE_SECONDS = 5.0
STAND_IN_WHY = (
    "The grader makes up new values for every grading job and checks the answers against "
    "what the task's app computes from them, so only the app itself, built and running, "
    "passes: a stand-in that answers /health or canned replies cannot."
)


def validate_exchange_params(params: Params) -> None:
    """Raise ExchangeSpecError (a ValueError) if the rubric item's exchange is malformed."""
    exchange_spec(params)


def exchange_timeout(context: GradingContext, drawn: DrawnExchange) -> float:
    wanted = max(MIN_EXCHANGE_SECONDS, SECONDS_PER_REQUEST * len(drawn.steps))
    return max(1.0, min(wanted, context.remaining()))


def exchange_finding(
    drawn: DrawnExchange, outcome: ExchangeOutcome, target: str, *, why: str = STAND_IN_WHY
) -> Finding:
    """The learner-facing result of an exchange with the app at `target` (its URL); `why`
    tells a learner who failed what the check is for."""
    if outcome.passed:
        return Finding(
            passed=True,
            message=f"{target} answered all {len(drawn.steps)} requests made with this job's "
            f"values ({drawn.shown_values()}) exactly as the task's app does.",
            evidence=outcome.evidence,
        )
    return Finding(
        passed=False,
        message=f"{target} does not answer like the task's app. With this job's values "
        f"({drawn.shown_values()}): {outcome.problem} {why}",
        evidence=outcome.evidence,
    )


def app_round_trip(context: GradingContext, params: Params) -> Finding:
    """Wait for the app, then run the rubric item's exchange against it from the job's network."""
    spec = exchange_spec(params)
    app = context.app()
    target = f"http://{APP_NAME}:{spec.port}"
    ready = app.ready(spec.port, spec.ready_path)
    if not ready.ok:
        return Finding(
            passed=False,
            message=f"Not checked: the app does not answer {target}{spec.ready_path}, so it "
            f"could not be asked anything else. {app.exit_summary()}",
        )
    drawn = draw_exchange(spec, secrets.SystemRandom())
    assert context.network is not None
    replies = exchange_http(
        context.engine(),
        job_id=context.job_id,
        network=context.network,
        target_name=APP_NAME,
        port=spec.port,
        requests=drawn.requests(),
        timeout_seconds=exchange_timeout(context, drawn),
    )
    return exchange_finding(drawn, judge_exchange(drawn, replies), target)
