"""Grading latency: the pipeline against the same work done with the plain `docker` CLI.

    DEBUG=true .venv/bin/python bench/bench_grading_latency.py [--rounds 5]

Grades the production-dockerfile reference through `grade_submission` with a warm build cache
(base images present, the learner build cache holding the layers of one untimed grading, as it
does after a learner's first submission) and, in the same run, does the same build + run + probe
with CLI commands: `docker build` (classic builder, no network), `docker run -d` with the same
hardening flags and a 0.5 s health interval, polling `docker inspect` until healthy, and `wget`
from a busybox container on an internal network: `/health`, then (as the pipeline's
app-round-trip check does) a POST of a made-up note and the list of notes from one more. For
reference, both are also timed without any layer cache (`--no-cache`, a build cache of 0 bytes).

Prints per-phase medians and the ratios pipeline / CLI (target, warm cache: at most 1.5x).

Then (as root, unless --no-profiles) the same grading with a warm cache on engines of the bench's
own, to put a price on the optional sandbox profiles in the same run: an engine with gVisor
registered grades with the default runtime and with `runsc` for the check containers, and a
user-namespace-remapped engine grades too. Prints gVisor / default and userns / default as
ratios of the median totals (or why gVisor cannot run on this host).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import docker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coursepackages.layout import DEMO_TASKS_DIR
from graders.data import SubmissionFiles, SubmissionKind
from graders.pipeline import grade_submission
from graders.sandbox.buildcache import LearnerBuildCache
from graders.sandbox.images import PYTHON
from graders.sandbox.run import run_command
from graders.sandbox.runtime import DEFAULT_RUNTIME, runtime_problem, select_check_runtime
from graders.tasks import load_task
from tests.graders.pipeline.submissions import submission
from tests.private_services import PrivateEngine

TASK = "production-dockerfile"
BENCH_LABEL = "org.quayside.bench=1"
JOB_PREFIX = "bench-"
WARM_TAG = "quayside-bench:warm"
HEALTH_POLL_SECONDS = 0.1
HEALTH_TIMEOUT_SECONDS = 30.0
EXCHANGE_SCRIPT = (
    'wget -q -O - --header "Content-Type: application/json" --post-data "$1" '
    "http://app:8000/notes && wget -q -O - http://app:8000/notes"
)
HARDENING = [
    "--read-only",
    "--tmpfs",
    "/tmp:rw,nosuid,nodev,size=16m",  # noqa: S108
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges:true",
    "--memory",
    "256m",
    "--memory-swap",
    "256m",
    "--cpus",
    "0.5",
    "--pids-limit",
    "128",
    "--init",
]


def docker_cli(*arguments: str) -> str:
    completed = subprocess.run(
        ["docker", *arguments],
        capture_output=True,
        text=True,
        check=True,
        env={"DOCKER_BUILDKIT": "0", "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    return completed.stdout.strip()


def timed(phases: dict[str, float], name: str, started: float) -> float:
    now = time.monotonic()
    phases[name] = phases.get(name, 0.0) + now - started
    return now


def cli_round(context: Path, *, no_cache: bool) -> dict[str, float]:
    """Build, run hardened, wait healthy, probe, clean up; seconds per phase."""
    suffix = uuid.uuid4().hex[:8]
    tag, network, name = f"quayside-bench:{suffix}", f"quayside-bench-{suffix}", f"bench-{suffix}"
    phases: dict[str, float] = {}
    started = time.monotonic()
    cache = ["--no-cache"] if no_cache else []
    build = ["build", "-q", *cache, "--network", "none", "--label", BENCH_LABEL, "-t", tag]
    docker_cli(*build, str(context))
    mark = timed(phases, "build", started)
    try:
        docker_cli("network", "create", "--internal", "--label", BENCH_LABEL, network)
        docker_cli(
            "run", "-d", "--name", name, "--network", network, "--network-alias", "app",
            "--label", BENCH_LABEL, "--health-interval", "0.5s", "--health-start-period", "20s",
            *HARDENING, tag,
        )  # fmt: skip
        deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
        while docker_cli("inspect", "-f", "{{.State.Health.Status}}", name) != "healthy":
            if time.monotonic() > deadline:
                raise RuntimeError("CLI container never became healthy")
            time.sleep(HEALTH_POLL_SECONDS)
        mark = timed(phases, "run", mark)
        body = docker_cli(
            "run", "--rm", "--network", network, "--label", BENCH_LABEL, "busybox:1.35",
            "wget", "-q", "-O", "-", "http://app:8000/health",
        )  # fmt: skip
        assert '"ok"' in body, body
        # The pipeline's app-round-trip: add a note with made-up text and list the notes, both
        # from one more probe container.
        text = f"bench {uuid.uuid4().hex}"
        notes = docker_cli(
            "run", "--rm", "--network", network, "--label", BENCH_LABEL, "busybox:1.35",
            "sh", "-c", EXCHANGE_SCRIPT, "exchange", json.dumps({"text": text}),
        )  # fmt: skip
        assert notes.count(text) == 2, notes
        mark = timed(phases, "probe", mark)
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
        subprocess.run(["docker", "network", "rm", network], capture_output=True, check=False)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, check=False)
    timed(phases, "cleanup", mark)
    phases["total"] = time.monotonic() - started
    return phases


def pipeline_round(
    client: docker.DockerClient,
    spec: object,
    answer: SubmissionFiles,
    build_cache: LearnerBuildCache | None,
) -> dict[str, float]:
    result = grade_submission(
        spec,  # type: ignore[arg-type]
        answer,
        client=client,
        job_id=f"{JOB_PREFIX}{uuid.uuid4().hex[:12]}",
        build_cache=build_cache,
    )
    assert result.passed, result
    return dict(result.timings)


VARIANTS = ("pipeline_cached", "cli_cached", "pipeline_no_cache", "cli_no_cache")


def _total(report: dict[str, object], name: str) -> float:
    phases = report[name]
    assert isinstance(phases, dict)
    return float(phases["total"])


def medians(rounds: list[dict[str, float]]) -> dict[str, float]:
    names = sorted({name for round_ in rounds for name in round_})
    return {name: statistics.median(round_.get(name, 0.0) for round_ in rounds) for name in names}


GVISOR = "runsc"


GVISOR_OFFLINE = "runsc-offline"
# A check container that starts Python, as most checks of the course's images do.
CHECK_COMMAND = ["python3", "-c", "import json, http.client"]


def offline_container_ratio(client: docker.DockerClient, rounds: int) -> dict[str, object]:
    """One network-less check container (create, start, wait, remove) under gVisor and runc."""
    seconds: dict[str, list[float]] = {DEFAULT_RUNTIME: [], GVISOR_OFFLINE: []}
    problem = runtime_problem_offline(client)
    if problem is not None:
        return {"gvisor_offline_unavailable": problem}
    for _ in range(rounds * 3):
        for runtime in seconds:
            select_check_runtime(runtime)
            job = f"{JOB_PREFIX}{uuid.uuid4().hex[:12]}"
            result = run_command(client, PYTHON.reference, CHECK_COMMAND, job_id=job)
            assert result.exit_code == 0, result
            seconds[runtime].append(result.seconds)
    select_check_runtime(DEFAULT_RUNTIME)
    default = statistics.median(seconds[DEFAULT_RUNTIME])
    gvisor = statistics.median(seconds[GVISOR_OFFLINE])
    return {
        "check_container_seconds": {"runc": round(default, 3), "gvisor": round(gvisor, 3)},
        "ratio_gvisor_check_container": gvisor / default,
    }


def runtime_problem_offline(client: docker.DockerClient) -> str | None:
    try:
        client.containers.run(
            PYTHON.reference, ["true"], runtime=GVISOR_OFFLINE, network_mode="none", remove=True
        )
    except docker.errors.DockerException as error:
        return str(error)
    return None


def profile_rounds(spec: object, answer: SubmissionFiles, rounds: int) -> dict[str, object]:
    """Median pipeline seconds (warm cache) by profile, on engines of our own, and the ratios."""
    runsc = shutil.which(GVISOR)
    root = Path(tempfile.mkdtemp(prefix="qs-latency-", dir="/tmp"))
    config = root / "gvisor.json"
    runtimes = {
        GVISOR: {"path": runsc or GVISOR, "runtimeArgs": ["--platform=ptrace"]},
        # The same without a network stack: what still runs where gVisor's networking cannot.
        GVISOR_OFFLINE: {
            "path": runsc or GVISOR,
            "runtimeArgs": ["--platform=ptrace", "--network=none"],
        },
    }
    config.write_text(json.dumps({"runtimes": runtimes}))
    plain = PrivateEngine(root / "plain", "latency", extra_args=["--config-file", str(config)])
    userns = PrivateEngine(root / "userns", "latency-userns", extra_args=["--userns-remap=default"])
    runs: dict[str, list[dict[str, float]]] = {"default": [], "gvisor": [], "userns": []}
    report: dict[str, object] = {}
    try:
        for engine in (plain, userns):
            engine.start()
            engine.ensure_base_images()
        clients = {"plain": plain.client(), "userns": userns.client()}
        problem = runtime_problem(clients["plain"], GVISOR)
        caches = {name: LearnerBuildCache(scope=f"{JOB_PREFIX}{name}-") for name in clients}
        for name, client in clients.items():
            pipeline_round(client, spec, answer, caches[name])  # warm-up, untimed
        for _ in range(rounds):
            select_check_runtime(DEFAULT_RUNTIME)
            runs["default"].append(pipeline_round(clients["plain"], spec, answer, caches["plain"]))
            runs["userns"].append(pipeline_round(clients["userns"], spec, answer, caches["userns"]))
            if problem is None:
                select_check_runtime(GVISOR)
                runs["gvisor"].append(
                    pipeline_round(clients["plain"], spec, answer, caches["plain"])
                )
        report |= offline_container_ratio(clients["plain"], rounds)
        select_check_runtime(DEFAULT_RUNTIME)
        for client in clients.values():
            client.close()
    finally:
        for engine in (plain, userns):
            engine.remove()
        shutil.rmtree(root, ignore_errors=True)
    report |= {name: medians(done) for name, done in runs.items() if done}
    default_total = medians(runs["default"])["total"]
    report["ratio_userns"] = medians(runs["userns"])["total"] / default_total
    if problem is None:
        report["ratio_gvisor"] = medians(runs["gvisor"])["total"] / default_total
    else:
        report["gvisor_unavailable"] = problem
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-profiles", action="store_true", help="skip gVisor and userns")
    arguments = parser.parse_args()
    client = docker.from_env()
    task = load_task(TASK, directory=DEMO_TASKS_DIR)
    answer = submission(SubmissionKind.ARCHIVE, dict(task.reference_files))
    with tempfile.TemporaryDirectory() as directory:
        context = Path(directory)
        for path, content in {**task.spec.provided_files, **task.reference_files}.items():
            (context / path).parent.mkdir(parents=True, exist_ok=True)
            (context / path).write_bytes(content)
        build_cache = LearnerBuildCache()
        build_cache.clear(client, job_prefix=JOB_PREFIX)
        pipeline_round(client, task.spec, answer, build_cache)  # warm-up, untimed
        # Kept for the whole run so the cached CLI builds really hit the layer cache.
        docker_cli("build", "-q", "--network", "none", "-t", WARM_TAG, str(context))
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
        try:
            for _ in range(arguments.rounds):
                runs["pipeline_cached"].append(
                    pipeline_round(client, task.spec, answer, build_cache)
                )
                runs["cli_cached"].append(cli_round(context, no_cache=False))
                runs["pipeline_no_cache"].append(pipeline_round(client, task.spec, answer, None))
                runs["cli_no_cache"].append(cli_round(context, no_cache=True))
        finally:
            subprocess.run(["docker", "rmi", WARM_TAG], capture_output=True, check=False)
            build_cache.clear(client, job_prefix=JOB_PREFIX)
    report: dict[str, object] = {"rounds": arguments.rounds}
    report |= {name: medians(rounds) for name, rounds in runs.items()}
    ratios = {
        "ratio_cached": _total(report, "pipeline_cached") / _total(report, "cli_cached"),
        "ratio_no_cache": _total(report, "pipeline_no_cache") / _total(report, "cli_no_cache"),
    }
    report |= ratios
    for name in VARIANTS:
        phases = medians(runs[name])
        shown = "  ".join(f"{phase}={seconds:.2f}s" for phase, seconds in phases.items())
        print(f"{name:<18} {shown}")
    print(f"pipeline / CLI, warm layer cache: {ratios['ratio_cached']:.2f}x (target <= 1.5x)")
    print(f"pipeline / CLI, no layer cache:   {ratios['ratio_no_cache']:.2f}x")
    if not arguments.no_profiles and os.geteuid() == 0:
        profiles = profile_rounds(task.spec, answer, arguments.rounds)
        report["profiles"] = profiles
        for name in ("default", "gvisor", "userns"):
            phases = profiles.get(name)
            if isinstance(phases, dict):
                shown = "  ".join(f"{phase}={seconds:.2f}s" for phase, seconds in phases.items())
                print(f"profile {name:<10} {shown}")
        if "ratio_gvisor" in profiles:
            print(f"gVisor / default runtime (own engine): {profiles['ratio_gvisor']:.2f}x")
        else:
            print(f"gVisor / default runtime: not measured: {profiles['gvisor_unavailable']}")
        print(f"userns-remap / default engine:         {profiles['ratio_userns']:.2f}x")
        if "ratio_gvisor_check_container" in profiles:
            print(
                "gVisor / runc, one network-less check container: "
                f"{profiles['ratio_gvisor_check_container']:.2f}x "
                f"{profiles['check_container_seconds']}"
            )
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "grading_latency.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
