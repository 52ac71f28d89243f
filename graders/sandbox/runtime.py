"""Which OCI runtime the check containers use: the engine's default (runc) or, by choice, gVisor.

gVisor (`runsc`) puts a user-space kernel between the learner's app and the host's: a kernel
exploit in the app meets gVisor, not Linux. It must be registered with the engine
(`scripts/ensure-docker` with QUAYSIDE_DOCKER_RUNSC=1), and it needs what the host may not
give (a platform it can trap system calls with, network namespaces it accepts). So a worker
asks `runtime_problem()` before grading with it: a container is started with the runtime on an
internal network, as the learner's app would be, and anything that goes wrong is said plainly.

Builds keep the engine's default runtime (the classic builder takes no runtime option); the
learner's code that runs longest, the app under test, is what gVisor wraps.

One grading worker drives one engine with one runtime: the choice is process-wide
(`select_check_runtime`), made by the worker from its settings before it grades.
"""

import logging
import uuid

import docker
import requests
from docker.models.containers import Container
from docker.models.networks import Network

from graders.sandbox.images import PROBE_IMAGE
from graders.sandbox.labels import job_labels

logger = logging.getLogger(__name__)

# The engine's own default runtime: no option is passed.
DEFAULT_RUNTIME = ""
# Starting a gVisor sandbox takes about a second; a probe that hangs longer has failed.
PROBE_TIMEOUT_SECONDS = 60

_selected = DEFAULT_RUNTIME


def select_check_runtime(name: str) -> None:
    """Use runtime `name` for every check container from now on ("" for the default)."""
    global _selected
    _selected = name


def check_runtime() -> str:
    """The runtime check containers use ("" for the engine's default)."""
    return _selected


def runtime_problem(client: docker.DockerClient, name: str) -> str | None:
    """Why check containers cannot run with runtime `name` on this engine, or None if they can.

    Runs `true` with it on a fresh internal network (the app's conditions), then removes both.
    Raises the engine's error if the engine itself does not answer (that says nothing of the
    runtime).
    """
    if name == DEFAULT_RUNTIME:
        return None
    registered = sorted((client.info().get("Runtimes") or {}).keys())
    if name not in registered:
        return (
            f"the engine has no runtime {name!r} (it knows {', '.join(registered)}); register it "
            "with the engine (scripts/ensure-docker with QUAYSIDE_DOCKER_RUNSC=1)"
        )
    job = f"runtime-probe-{uuid.uuid4().hex[:12]}"
    network = container = None
    try:
        network = client.networks.create(
            f"quayside-{job}", driver="bridge", internal=True, labels=job_labels(job)
        )
        container = client.containers.create(
            PROBE_IMAGE, ["true"], runtime=name, network=network.name, labels=job_labels(job)
        )
        container.start()
        exit_code = int(container.wait(timeout=PROBE_TIMEOUT_SECONDS)["StatusCode"])
    except (docker.errors.DockerException, requests.RequestException) as error:
        explanation = getattr(error, "explanation", None) or str(error)
        return f"runtime {name!r} cannot run check containers on this engine: {explanation}"
    finally:
        _remove(container, network)
    if exit_code != 0:
        return f"runtime {name!r} ran `true` with exit code {exit_code} on this engine"
    return None


def _remove(container: Container | None, network: Network | None) -> None:
    try:
        if container is not None:
            container.remove(force=True)
        if network is not None:
            network.remove()
    except (docker.errors.DockerException, requests.RequestException) as error:
        logger.info("runtime probe leftovers (the janitor removes them): %s", error)
