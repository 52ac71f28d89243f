"""Checks for the networking task, on what `commands_runner` started from the learner's lines."""

import secrets
import time

from docker.models.containers import Container

from graders.checks.app_answers import exchange_finding, exchange_timeout
from graders.checks.base import Finding, Params
from graders.checks.context import GradingContext
from graders.checks.exchange import draw_exchange, exchange_spec, judge_exchange
from graders.commands_runner import CommandsRun, ContainerPlan, container_port
from graders.docker_cli_images import image_reference
from graders.sandbox.http_exchange import exchange_http
from graders.sandbox.run import HttpProbe, probe_http

READY_POLL_SECONDS = 0.3
PROBE_TIMEOUT_SECONDS = 5.0
# The round trip's own param, beside the exchange's (graders.checks.exchange).
API_IMAGE_PARAM = "api_image"
ROUND_TRIP_WHY = (
    "The API keeps nothing itself: it stores what it is sent in the database it finds by the "
    "name in `DB_HOST`, so the round trip works only when both containers share a "
    "user-defined network and the API is given the database container's name."
)


def _run(context: GradingContext) -> CommandsRun:
    if context.commands is None:
        raise RuntimeError("networking checks need a commands submission")
    return context.commands


def _api(run: CommandsRun, params: Params) -> ContainerPlan | None:
    wanted = image_reference(str(params["api_image"]))
    return next((plan for plan in run.plan.containers if plan.image == wanted), None)


def user_defined_network(context: GradingContext, params: Params) -> Finding:
    plans = _run(context).plan.containers
    networks = {plan.network for plan in plans}
    if None in networks:
        on_default = ", ".join(f"`{plan.name}`" for plan in plans if plan.network is None)
        return Finding(
            passed=False,
            message=f"{on_default} run(s) on the default bridge network, where containers "
            "cannot find each other by name. Create a network (`docker network create "
            "app-net`) and start every container with `--network app-net`.",
        )
    if len(networks) > 1:
        return Finding(
            passed=False,
            message="The containers are on different networks "
            f"({', '.join(sorted(str(n) for n in networks))}), so they cannot talk to each "
            "other. Put them all on one user-defined network.",
        )
    return Finding(
        passed=True,
        message=f"All containers share the user-defined bridge network `{networks.pop()}`.",
    )


def only_api_port_published(context: GradingContext, params: Params) -> Finding:
    """Exactly the API's container port is published; the database publishes nothing."""
    run = _run(context)
    api = _api(run, params)
    api_port = int(params["api_port"])
    published = {plan.name: plan.published for plan in run.plan.containers}
    evidence = {"published": {name: list(values) for name, values in published.items()}}
    others = [
        name for name, values in published.items() if values and (api is None or name != api.name)
    ]
    if others:
        return Finding(
            passed=False,
            message=f"{', '.join(f'`{n}`' for n in others)} publish(es) ports with `-p`. Only "
            "the API needs to be reachable from the host; the database is reached by name "
            "on the network and should not be published.",
            evidence=evidence,
        )
    api_ports = [container_port(value) for value in (api.published if api else ())]
    if api_ports != [api_port]:
        return Finding(
            passed=False,
            message=f"Publish the API's port {api_port} once (e.g. `-p 8080:{api_port}`); "
            f"found {list(api.published) if api else 'no API container'}.",
            evidence=evidence,
        )
    return Finding(passed=True, message="Only the API's port is published.", evidence=evidence)


def _probe_until_answer(
    context: GradingContext,
    network: str,
    target: str,
    port: int,
    path: str,
    *,
    resolvable: bool,
) -> HttpProbe:
    deadline = time.monotonic() + min(
        context.task.limits.healthy_within_seconds, max(context.remaining(), 0.0)
    )
    if not resolvable:
        deadline = 0.0  # one honest attempt: no name will start resolving later
    while True:
        probe = probe_http(
            context.engine(),
            job_id=context.job_id,
            network=network,
            target_name=target,
            port=port,
            path=path,
            timeout_seconds=PROBE_TIMEOUT_SECONDS,
        )
        if probe.status_code is not None or time.monotonic() >= deadline:
            return probe
        time.sleep(READY_POLL_SECONDS)


def _exit_note(container: Container | None) -> str:
    if container is None:
        return ""
    container.reload()
    state = container.attrs["State"]
    if state.get("Running"):
        return ""
    return f" The container exited with code {state.get('ExitCode')}."


def containers_reach_by_name(context: GradingContext, params: Params) -> Finding:
    """The API answers by its name from another container, and reports the DB reachable by name
    (the API's own response says so). Half the points when only the first holds."""
    run = _run(context)
    api = _api(run, params)
    if api is None:
        return Finding(passed=False, message="No container runs the API image.")
    if api.name in run.start_errors:
        return Finding(
            passed=False, message=f"The API container did not start: {run.start_errors[api.name]}"
        )
    port, path = int(params["api_port"]), str(params.get("path", "/db"))
    probe = _probe_until_answer(
        context, run.docker_network(api), api.name, port, path, resolvable=api.network is not None
    )
    url = f"http://{api.name}:{port}{path}"
    evidence = {"url": url, "status_code": probe.status_code, "body": probe.body[:300]}
    if probe.status_code is None:
        hint = (
            " Containers on the default bridge network are not reachable by name."
            if api.network is None
            else ""
        )
        note = _exit_note(run.containers.get(api.name))
        return Finding(
            passed=False,
            message=f"GET {url} from another container got no answer.{hint}{note}",
            evidence=evidence,
        )
    expected = str(params.get("expect", ""))
    if probe.ok and expected in probe.body:
        return Finding(
            passed=True,
            message=f"GET {url} answered by name, and the API reached the database by name.",
            evidence=evidence,
        )
    return Finding(
        passed=False,
        fraction=0.5,
        message=f"The API answers by name ({url}), but it cannot reach the database "
        f"(HTTP {probe.status_code}: {probe.body.strip()[:200] or 'no details'}). Check that "
        "the database runs on the same network and that the API is told its container name "
        "(e.g. `-e DB_HOST=<db container name>`).",
        evidence=evidence,
    )


def validate_round_trip_params(params: Params) -> None:
    if not str(params.get(API_IMAGE_PARAM) or ""):
        raise ValueError(f"api-round-trip-by-name needs the param {API_IMAGE_PARAM}")
    exchange_spec(params, other_keys=frozenset({API_IMAGE_PARAM}))


def api_round_trip_by_name(context: GradingContext, params: Params) -> Finding:
    """Data drawn for this job goes through the API, by its name, into the database and back.

    The API keeps nothing itself, so answering the exchange (store an item, read it back)
    proves the two containers talk over the learner's network, beyond a PING.
    """
    run = _run(context)
    api = _api(run, params)
    if api is None:
        return Finding(passed=False, message="No container runs the API image.")
    if api.name in run.start_errors:
        return Finding(
            passed=False, message=f"The API container did not start: {run.start_errors[api.name]}"
        )
    spec = exchange_spec(params, other_keys=frozenset({API_IMAGE_PARAM}))
    network = run.docker_network(api)
    ready = _probe_until_answer(
        context, network, api.name, spec.port, spec.ready_path, resolvable=api.network is not None
    )
    target = f"http://{api.name}:{spec.port}"
    if ready.status_code is None:
        hint = " Containers on the default bridge network are not reachable by name." * (
            api.network is None
        )
        note = _exit_note(run.containers.get(api.name))
        return Finding(
            passed=False,
            message=f"Not checked: {target}{spec.ready_path} got no answer from another "
            f"container, so the API could not be asked to store anything.{hint}{note}",
        )
    drawn = draw_exchange(spec, secrets.SystemRandom())
    replies = exchange_http(
        context.engine(),
        job_id=context.job_id,
        network=network,
        target_name=api.name,
        port=spec.port,
        requests=drawn.requests(),
        timeout_seconds=exchange_timeout(context, drawn),
    )
    return exchange_finding(drawn, judge_exchange(drawn, replies), target, why=ROUND_TRIP_WHY)
