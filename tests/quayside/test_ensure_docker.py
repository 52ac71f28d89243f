"""scripts/ensure-docker's grading-engine profiles: the daemon configuration it writes for gVisor
and user-namespace remapping is one a real dockerd starts with (on an engine of the test's own:
the machine's engine is never restarted)."""

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.private_services import PrivateEngine, ServiceStartError

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure-docker"


def dry_run(**options: str) -> tuple[str, dict[str, object]]:
    done = subprocess.run(
        [str(SCRIPT)],
        env=os.environ | {"QUAYSIDE_DOCKER_DRY_RUN": "1"} | options,
        capture_output=True,
        text=True,
        check=True,
    )
    command, config = done.stdout.splitlines()
    return command, json.loads(config)


def test_without_a_profile_the_engine_starts_as_before() -> None:
    assert dry_run() == ("dockerd", {})


def test_each_profile_adds_its_daemon_options() -> None:
    command, config = dry_run(
        QUAYSIDE_DOCKER_RUNSC="1",
        QUAYSIDE_DOCKER_USERNS="1",
        QUAYSIDE_DOCKER_XFS_BYTES="21474836480",
        QUAYSIDE_DOCKER_LAYER_BYTES="1073741824",
        QUAYSIDE_DOCKERD_CONFIG="/etc/quayside/test.json",
    )

    assert command == "dockerd --config-file /etc/quayside/test.json"
    runtimes = config["runtimes"]
    assert isinstance(runtimes, dict)
    assert runtimes["runsc"]["runtimeArgs"] == ["--platform=ptrace"]
    assert config["userns-remap"] == "default"
    assert config["storage-opts"] == ["overlay2.size=1073741824"]
    assert config["data-root"] == "/var/lib/quayside-docker"


@pytest.fixture
def engine_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="qs-ensure-", dir="/tmp"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.docker
@pytest.mark.engines
@pytest.mark.gvisor
def test_the_gvisor_and_userns_configuration_starts_a_real_engine(engine_root: Path) -> None:
    # given: what the script would write for both profiles
    _, config = dry_run(QUAYSIDE_DOCKER_RUNSC="1", QUAYSIDE_DOCKER_USERNS="1")
    config_file = engine_root / "dockerd.json"
    config_file.write_text(json.dumps(config))
    engine = PrivateEngine(
        root=engine_root / "engine", name="ensure", extra_args=["--config-file", str(config_file)]
    )

    # when
    try:
        engine.start()
        client = engine.client()
        info = client.info()
        client.close()
    except ServiceStartError as error:
        pytest.fail(f"dockerd refused the configuration: {error}")
    finally:
        engine.remove()

    # then
    assert "runsc" in info["Runtimes"]
    assert "name=userns" in info["SecurityOptions"]
