import time
import uuid
from pathlib import Path

import docker
import pytest

from graders.sandbox.images import (
    BUSYBOX,
    DEFAULT_CATALOG,
    PYTHON,
    BaseImage,
    ImageAction,
    ImageCatalog,
    ImageOutcome,
    ensure_base_images,
)
from graders.sandbox.labels import STANDIN_LABEL
from graders.sandbox.run import run_command

pytestmark = pytest.mark.docker

# A rerun only looks the images up; a second is generous.
WARM_RUN_SECONDS = 2.0


def test_it_makes_every_catalog_image_available(
    docker_client: docker.DockerClient, base_images: list[ImageOutcome]
) -> None:
    # then
    assert [o.reference for o in base_images] == [i.reference for i in DEFAULT_CATALOG.images]
    for outcome in base_images:
        assert outcome.action in {ImageAction.PRESENT, ImageAction.PULLED, ImageAction.BUILT}
        assert docker_client.images.get(outcome.reference).id == outcome.image_id


def test_a_second_run_is_idempotent_and_fast(
    docker_client: docker.DockerClient, base_images: list[ImageOutcome], image_cache_dir: Path
) -> None:
    # when
    started = time.monotonic()
    outcomes = ensure_base_images(docker_client, DEFAULT_CATALOG, cache_dir=image_cache_dir)
    elapsed = time.monotonic() - started

    # then
    assert [o.action for o in outcomes] == [ImageAction.PRESENT] * len(outcomes)
    assert [o.image_id for o in outcomes] == [o.image_id for o in base_images]
    assert elapsed < WARM_RUN_SECONDS


def test_stand_ins_are_labelled_as_such(
    docker_client: docker.DockerClient, base_images: list[ImageOutcome]
) -> None:
    for outcome in base_images:
        if outcome.action is ImageAction.PULLED or "upstream" in outcome.detail:
            continue
        labels = docker_client.images.get(outcome.reference).labels
        assert labels[STANDIN_LABEL] == "true"


def test_the_python_image_has_python_3_11_with_its_standard_library(
    docker_client: docker.DockerClient, base_images: list[ImageOutcome], job_id: str
) -> None:
    # when
    result = run_command(
        docker_client,
        PYTHON.reference,
        ["python", "-c", "import http.server, json, sqlite3, sys; print(sys.version_info[:2])"],
        job_id=job_id,
    )

    # then
    assert (result.exit_code, result.stdout.strip()) == (0, "(3, 11)")


def test_the_busybox_image_has_a_shell_and_wget(
    docker_client: docker.DockerClient, base_images: list[ImageOutcome], job_id: str
) -> None:
    result = run_command(
        docker_client, BUSYBOX.reference, ["sh", "-c", "wget --help 2>&1 | head -1"], job_id=job_id
    )

    assert result.exit_code == 0
    assert "BusyBox v1.35" in result.stdout


def test_a_debian_stand_in_is_imported_from_the_cached_root_filesystem(
    docker_client: docker.DockerClient, base_images: list[ImageOutcome], image_cache_dir: Path
) -> None:
    # given: the cache already holds the bookworm+python3 root filesystem (made for PYTHON)
    reference = f"quayside-test/python:cache-check-{uuid.uuid4().hex[:12]}"
    catalog = ImageCatalog(images=(BaseImage(**{**PYTHON.__dict__, "reference": reference}),))

    # when
    try:
        [outcome] = ensure_base_images(
            docker_client, catalog, cache_dir=image_cache_dir, try_pull=False
        )
    finally:
        # then (cleanup first, so a failed assertion leaves nothing behind)
        image = docker_client.images.get(reference)
        docker_client.images.remove(reference)

    assert outcome.action is ImageAction.BUILT
    assert image.labels[STANDIN_LABEL] == "true"
    python = docker_client.images.get(PYTHON.reference)
    assert image.attrs["RootFS"]["Layers"] == python.attrs["RootFS"]["Layers"]  # same content
