"""The one place the Django side opens a connection to the Docker engine that grades submissions.

Each grading worker names its own engine (`DOCKER_HOST`); grading scales by adding hosts, each
with its engine and a worker, on the same broker and database.
"""

import docker
import requests
from django.conf import settings

# Engine API calls (not builds, which the pipeline bounds itself) answer within seconds; a minute
# without an answer means the engine is unwell, which is an infrastructure fault to retry.
ENGINE_API_TIMEOUT_SECONDS = 60
# A health ping answers in milliseconds; a few seconds without an answer is a sick engine.
ENGINE_PING_TIMEOUT_SECONDS = 3


def docker_client() -> docker.DockerClient:
    """A client for settings.DOCKER_HOST; raises docker.errors.DockerException if unreachable."""
    client = docker.DockerClient(base_url=settings.DOCKER_HOST, timeout=ENGINE_API_TIMEOUT_SECONDS)
    client.ping()
    return client


def engine_problem() -> str | None:
    """Why this worker's engine cannot grade right now, or None if it answers."""
    try:
        client = docker.DockerClient(
            base_url=settings.DOCKER_HOST, timeout=ENGINE_PING_TIMEOUT_SECONDS
        )
    except docker.errors.DockerException as error:
        return f"{settings.DOCKER_HOST}: {error}"
    try:
        client.ping()
    except (docker.errors.DockerException, requests.RequestException) as error:
        return f"{settings.DOCKER_HOST}: {type(error).__name__}: {error}"
    finally:
        client.close()
    return None
