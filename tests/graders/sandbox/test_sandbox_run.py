from datetime import timedelta

import docker
import pytest
import requests
from docker.models.containers import Container

from graders.sandbox.cgroups import BUILD_CGROUP_NAME
from graders.sandbox.images import BUSYBOX, PYTHON
from graders.sandbox.labels import JOB_LABEL, job_labels
from graders.sandbox.run import (
    START_ATTEMPTS,
    HealthCheck,
    HealthStatus,
    RunLimits,
    janitor,
    job_scope,
    probe_http,
    run_command,
    start_service,
    wait_healthy,
)

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

HTTP_PORT = 8000
SERVE_FILES = ["python3", "-m", "http.server", str(HTTP_PORT), "--directory", "/etc"]
HTTP_HEALTHCHECK = HealthCheck(
    test=(
        "python3",
        "-c",
        f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{HTTP_PORT}/')",
    ),
    interval_seconds=0.5,
)


def test_a_hardened_run_is_unprivileged_read_only_and_offline(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # when
    result = run_command(
        docker_client,
        BUSYBOX.reference,
        [
            "sh",
            "-c",
            "id -u; touch /probe 2>&1; touch /tmp/ok && echo tmp-writable; ls /sys/class/net; "
            "grep CapEff /proc/self/status; ulimit -n",
        ],
        job_id=job_id,
        user="1000:1000",
    )

    # then
    lines = result.stdout.splitlines()
    assert result.exit_code == 0, result
    assert lines[0] == "1000"
    assert "Read-only file system" in lines[1]
    assert lines[2] == "tmp-writable"
    assert lines[3] == "lo"  # network none: loopback only
    assert lines[4].split() == ["CapEff:", "0000000000000000"]
    assert lines[5] == str(RunLimits().nofile)


def test_root_in_the_container_has_no_capabilities_either(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    result = run_command(
        docker_client,
        BUSYBOX.reference,
        ["sh", "-c", "id -u; grep CapEff /proc/self/status; touch /etc/x 2>&1; chown 1 /tmp"],
        job_id=job_id,
    )

    lines = result.stdout.splitlines()
    assert lines[0] == "0"
    assert lines[1].split() == ["CapEff:", "0000000000000000"]
    assert "Read-only file system" in lines[2]
    assert result.exit_code != 0  # chown needs CAP_CHOWN


def test_a_run_that_outlives_its_limit_is_killed_and_removed(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # when
    result = run_command(
        docker_client,
        BUSYBOX.reference,
        ["sleep", "60"],
        job_id=job_id,
        limits=RunLimits(wall_clock_seconds=1),
    )

    # then
    assert result.timed_out
    assert result.exit_code is None
    assert result.seconds < 10


def test_a_memory_hog_is_oom_killed(docker_client: docker.DockerClient, job_id: str) -> None:
    result = run_command(
        docker_client,
        PYTHON.reference,
        ["python3", "-c", "b = bytearray(512 * 2**20)"],
        job_id=job_id,
        limits=RunLimits(memory_bytes=64 * 2**20),
    )

    assert result.oom_killed
    assert result.exit_code == 137


def _web_service(client: docker.DockerClient, job_id: str, network: str) -> Container:
    """The file-serving service "web" on the job's network, as an unprivileged user."""
    return start_service(
        client,
        PYTHON.reference,
        job_id=job_id,
        name="web",
        network=network,
        command=SERVE_FILES,
        healthcheck=HTTP_HEALTHCHECK,
        user="65534:65534",
    )


def test_an_http_probe_reaches_a_service_on_the_internal_network(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    with job_scope(docker_client, job_id) as scope:
        # given
        network = scope.network()
        assert network.attrs["Internal"] is True
        service = _web_service(docker_client, job_id, network.name)
        assert service.attrs["HostConfig"]["PortBindings"] in (None, {})

        # when
        health = wait_healthy(service, timeout=20)
        found = probe_http(
            docker_client,
            job_id=job_id,
            network=network.name,
            target_name="web",
            port=HTTP_PORT,
            path="/hostname",
        )
        missing = probe_http(
            docker_client,
            job_id=job_id,
            network=network.name,
            target_name="web",
            port=HTTP_PORT,
            path="/no-such-file",
        )

    # then
    assert health.status is HealthStatus.HEALTHY
    assert (found.ok, found.status_code) == (True, 200)
    assert found.body.strip() == "web"  # the service's own /etc/hostname
    assert (missing.ok, missing.status_code) == (False, 404)


def test_a_service_that_exits_is_reported_as_exited(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    with job_scope(docker_client, job_id) as scope:
        service = start_service(
            docker_client,
            PYTHON.reference,
            job_id=job_id,
            name="crash",
            network=scope.network().name,
            command=["python3", "-c", "raise SystemExit(3)"],
            healthcheck=HTTP_HEALTHCHECK,
        )

        health = wait_healthy(service, timeout=20)

    assert health.status is HealthStatus.EXITED


def fail_with_a_service_running(client: docker.DockerClient, job_id: str) -> None:
    with job_scope(client, job_id) as scope:
        start_service(
            client,
            BUSYBOX.reference,
            job_id=job_id,
            name="idle",
            network=scope.network().name,
            command=["sleep", "600"],
        )
        raise RuntimeError("grader bug")


def test_job_scope_removes_everything_even_when_the_job_fails(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    with pytest.raises(RuntimeError, match="grader bug"):
        fail_with_a_service_running(docker_client, job_id)

    # then: the `job_id` fixture asserts that no container, network or image is left


def test_the_janitor_removes_only_leftovers_older_than_asked(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # given: a leftover from a crashed worker
    leftover = docker_client.containers.create(
        BUSYBOX.reference, ["true"], labels=job_labels(job_id)
    )

    # when
    kept = janitor(docker_client, older_than=timedelta(hours=1), job_prefix=job_id)
    still_there = docker_client.containers.list(
        all=True, filters={"label": f"{JOB_LABEL}={job_id}"}
    )
    swept = janitor(docker_client, older_than=timedelta(0), job_prefix=job_id)

    # then
    assert [c.id for c in still_there] == [leftover.id]
    assert kept.containers == 0
    assert swept.containers >= 1
    with pytest.raises(docker.errors.NotFound):
        leftover.reload()


def test_the_janitor_removes_build_step_containers_a_crashed_build_left(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # given: an unlabelled container under a job's build cgroup, as a build step would be
    step = docker_client.containers.create(
        BUSYBOX.reference, ["true"], cgroup_parent=f"/{BUILD_CGROUP_NAME}/{job_id}"
    )

    # when
    janitor(docker_client, older_than=timedelta(0), job_prefix=job_id)

    # then
    with pytest.raises(docker.errors.NotFound):
        step.reload()


def _failing_starts(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[str]:
    """Container.start fails on the engine's side (as containerd does under load) `failures`
    times, then starts for real; returns the ids of the containers whose start failed."""
    real_start = Container.start
    failed: list[str] = []

    def start(self: Container, **kwargs: object) -> None:
        if len(failed) < failures:
            failed.append(self.id)
            response = requests.Response()
            response.status_code = 500
            raise docker.errors.APIError(
                "500 Server Error", response, "cannot start a stopped process: unknown"
            )
        real_start(self, **kwargs)

    monkeypatch.setattr(Container, "start", start)
    return failed


def test_a_start_the_engine_fails_is_retried_in_a_fresh_container(
    docker_client: docker.DockerClient, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = _failing_starts(monkeypatch, failures=START_ATTEMPTS - 1)

    result = run_command(docker_client, BUSYBOX.reference, ["echo", "ran"], job_id=job_id)

    assert result.exit_code == 0
    assert result.stdout.strip() == "ran"
    assert len(failed) == START_ATTEMPTS - 1
    leftovers = docker_client.containers.list(all=True, filters={"label": f"{JOB_LABEL}={job_id}"})
    assert leftovers == []


def test_a_start_that_keeps_failing_rises_and_leaves_nothing(
    docker_client: docker.DockerClient, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = _failing_starts(monkeypatch, failures=START_ATTEMPTS)

    with pytest.raises(docker.errors.APIError, match="cannot start a stopped process"):
        run_command(docker_client, BUSYBOX.reference, ["echo", "ran"], job_id=job_id)

    assert len(failed) == START_ATTEMPTS
    leftovers = docker_client.containers.list(all=True, filters={"label": f"{JOB_LABEL}={job_id}"})
    assert leftovers == []


def test_a_service_start_the_engine_fails_is_retried_under_the_same_name(
    docker_client: docker.DockerClient, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = _failing_starts(monkeypatch, failures=START_ATTEMPTS - 1)

    with job_scope(docker_client, job_id) as scope:
        network = scope.network()
        service = _web_service(docker_client, job_id, network.name)
        health = wait_healthy(service, timeout=20)

        assert len(failed) == START_ATTEMPTS - 1
        assert health.status == HealthStatus.HEALTHY
        assert service.name == f"quayside-{job_id}-web"
        assert service.id not in failed
