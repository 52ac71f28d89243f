"""The one place the Django side opens a connection to the Docker engine that grades submissions."""

import docker
from django.conf import settings

# Engine API calls (not builds, which the pipeline bounds itself) answer within seconds; a minute
# without an answer means the engine is unwell, which is an infrastructure fault to retry.
ENGINE_API_TIMEOUT_SECONDS = 60


def docker_client() -> docker.DockerClient:
    """A client for settings.DOCKER_HOST; raises docker.errors.DockerException if unreachable."""
    client = docker.DockerClient(base_url=settings.DOCKER_HOST, timeout=ENGINE_API_TIMEOUT_SECONDS)
    client.ping()
    return client
