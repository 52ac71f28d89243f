"""Images that another job removes while a janitor or a cache lists them are skipped, never an
error: gradings share the engine (graders/sandbox/listing.py)."""

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import docker
import pytest

from graders.sandbox.images import BUSYBOX
from graders.sandbox.labels import JOB_LABEL, job_labels
from graders.sandbox.listing import images_present
from graders.sandbox.scope import janitor

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

GONE_ID = "sha256:" + "0" * 64


def _listing_with_a_vanished_image(client: docker.DockerClient) -> Callable[..., Any]:
    """The engine's list, plus one image that was removed after it was listed."""
    real = client.api.images

    def images(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return [*real(*args, **kwargs), {"Id": GONE_ID, "Labels": {}, "RepoTags": []}]

    return images


def _job_image(client: docker.DockerClient, job_id: str) -> str:
    dockerfile = f'FROM {BUSYBOX.reference}\nCMD ["true"]\n'
    image, _ = client.images.build(
        fileobj=io.BytesIO(dockerfile.encode()),
        labels=job_labels(job_id),
        rm=True,
    )
    return str(image.id)


def test_an_image_gone_between_list_and_inspect_is_skipped(
    docker_client: docker.DockerClient, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    image_id = _job_image(docker_client, job_id)
    monkeypatch.setattr(docker_client.api, "images", _listing_with_a_vanished_image(docker_client))

    found = images_present(docker_client, filters={"label": f"{JOB_LABEL}={job_id}"})

    assert [str(image.id) for image in found] == [image_id]
    docker_client.images.remove(image_id, force=True)


def test_the_janitor_sweeps_on_when_another_job_removed_an_image_meanwhile(
    docker_client: docker.DockerClient, job_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    image_id = _job_image(docker_client, job_id)
    monkeypatch.setattr(docker_client.api, "images", _listing_with_a_vanished_image(docker_client))

    janitor(docker_client, older_than=timedelta(0), job_prefix=job_id)

    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(image_id)
