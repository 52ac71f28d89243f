"""Make the allowed base images available to builds, offline.

For each catalog image: use it if the engine has it; else try a pull (short timeout; there is no
registry on the grading machines); else make a labelled stand-in locally. Stand-ins are named after
what they contain: Debian bookworm's busybox-static is 1.35, so the busybox image is `busybox:1.35`
(not 1.36); its Python is 3.11, so the Python image is `python:3.11-slim-bookworm`. Unlike the
upstream image, Python lives in /usr/bin (with a `python` link in /usr/local/bin); there is no pip.

Run `python -m graders.sandbox.images` to do this from a shell.
"""

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from subprocess import SubprocessError

import docker
import requests

from graders.sandbox.labels import STANDIN_LABEL
from graders.sandbox.standins import (
    BUSYBOX_PACKAGE,
    StandinError,
    busybox_rootfs_tar,
    debian_package_version,
    debian_rootfs_tar,
    upstream_version,
)

logger = logging.getLogger(__name__)

# The same variable (and default) as Django's settings.GRADER_IMAGE_CACHE_DIR, read here too
# because graders/ knows no Django: the CLI below, the tests' and benchmarks' private engines.
CACHE_DIR_VARIABLE = "GRADER_IMAGE_CACHE_DIR"
DEFAULT_CACHE_DIR = Path(os.environ.get(CACHE_DIR_VARIABLE) or "/var/cache/quayside/images")
# A reachable registry answers within seconds; without one the daemon fails at DNS. Either way a
# stalled pull must not hold up grading: 10 s without progress, 5 minutes in all.
PULL_IDLE_TIMEOUT_SECONDS = 10.0
PULL_DEADLINE_SECONDS = 300.0
SOURCE_LABEL = f"{STANDIN_LABEL}.source"
RECIPE_LABEL = f"{STANDIN_LABEL}.recipe"
_STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Recipe(StrEnum):
    """How a stand-in is made when the real image cannot be had."""

    BUSYBOX = "busybox"
    DEBIAN = "debian"


# Bump a recipe's version when what it makes changes: stand-ins made by an older version (recorded
# in RECIPE_LABEL, and in the Debian cache file name) are then replaced on the next run.
# busybox 2: /etc/nsswitch.conf, without which name lookups crash.
RECIPE_VERSIONS = {Recipe.BUSYBOX: "2", Recipe.DEBIAN: "1"}


@dataclass(frozen=True)
class BaseImage:
    reference: str
    recipe: Recipe
    cmd: tuple[str, ...] = ("sh",)
    env: tuple[tuple[str, str], ...] = ()
    # Debian recipe only:
    suite: str = "bookworm"
    packages: tuple[str, ...] = ()
    symlinks: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ImageCatalog:
    images: tuple[BaseImage, ...]

    def references(self) -> frozenset[str]:
        return frozenset(image.reference for image in self.images)


BUSYBOX = BaseImage(reference="busybox:1.35", recipe=Recipe.BUSYBOX)
PYTHON = BaseImage(
    reference="python:3.11-slim-bookworm",
    recipe=Recipe.DEBIAN,
    cmd=("python3",),
    env=(("LANG", "C.UTF-8"),),
    suite="bookworm",
    # python3 rather than python3-minimal: learners' apps use http.server, json, sqlite3...
    packages=("python3",),
    symlinks=(("usr/local/bin/python", "/usr/bin/python3"),),
)
DEFAULT_CATALOG = ImageCatalog(images=(BUSYBOX, PYTHON))
# The image probes (busybox wget) run from.
PROBE_IMAGE = BUSYBOX.reference


class ImageAction(StrEnum):
    PRESENT = "present"
    PULLED = "pulled"
    BUILT = "built"
    FAILED = "failed"


@dataclass(frozen=True)
class ImageOutcome:
    reference: str
    action: ImageAction
    image_id: str | None
    seconds: float
    detail: str


def ensure_base_images(
    client: docker.DockerClient,
    catalog: ImageCatalog = DEFAULT_CATALOG,
    *,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    try_pull: bool = True,
    mirror: str | None = None,
) -> list[ImageOutcome]:
    """Make every catalog image present in the engine; one outcome per image, in catalog order.

    Idempotent: present images are left alone; Debian root filesystems are cached as tars in
    `cache_dir`, so a rerun after the engine lost its images only re-imports them. A failure for
    one image is reported in its outcome and does not stop the others.
    """
    return [_ensure(client, image, cache_dir, try_pull, mirror) for image in catalog.images]


def _ensure(
    client: docker.DockerClient,
    image: BaseImage,
    cache_dir: Path,
    try_pull: bool,
    mirror: str | None,
) -> ImageOutcome:
    started = time.monotonic()

    def outcome(action: ImageAction, detail: str) -> ImageOutcome:
        image_id = _local_id(client, image.reference)
        return ImageOutcome(image.reference, action, image_id, time.monotonic() - started, detail)

    labels = _local_labels(client, image.reference)
    outdated = labels is not None and _outdated_standin(image, labels)
    previous_id = _local_id(client, image.reference)
    if labels is not None and not outdated:
        return outcome(ImageAction.PRESENT, _describe(labels))
    if try_pull:
        pull_error = _pull(client, image.reference)
        if pull_error is None:
            return outcome(ImageAction.PULLED, "pulled from the registry")
        logger.info("pull of %s failed (%s); making a stand-in", image.reference, pull_error)
    try:
        source = _make_standin(client, image, cache_dir, mirror)
    except (StandinError, docker.errors.DockerException, OSError, SubprocessError) as error:
        return outcome(ImageAction.FAILED, str(error))
    if outdated and previous_id is not None:
        _remove_if_unused(client, previous_id)
    replaced = "replaced an outdated stand-in: " if outdated else ""
    return outcome(ImageAction.BUILT, f"{replaced}stand-in from {source}")


def _local_id(client: docker.DockerClient, reference: str) -> str | None:
    try:
        return str(client.images.get(reference).id)
    except docker.errors.ImageNotFound:
        return None


def _local_labels(client: docker.DockerClient, reference: str) -> dict[str, str] | None:
    """The image's labels ({} if none), or None if the engine does not have it."""
    try:
        return dict(client.images.get(reference).labels or {})
    except docker.errors.ImageNotFound:
        return None


def _remove_if_unused(client: docker.DockerClient, image_id: str) -> None:
    # Images built on the old stand-in keep it alive; the daemon refuses and it stays, untagged.
    try:
        client.images.remove(image_id)
    except docker.errors.APIError as error:
        logger.info("outdated stand-in %s kept: %s", image_id, error)


def _outdated_standin(image: BaseImage, labels: dict[str, str]) -> bool:
    is_standin = labels.get(STANDIN_LABEL) == "true"
    return is_standin and labels.get(RECIPE_LABEL) != RECIPE_VERSIONS[image.recipe]


def _describe(labels: dict[str, str]) -> str:
    if labels.get(STANDIN_LABEL) == "true":
        return f"stand-in from {labels.get(SOURCE_LABEL, 'unknown source')}"
    return "upstream image"


def _split_reference(reference: str) -> tuple[str, str]:
    repository, _, tag = reference.rpartition(":")
    if not repository or "/" in tag:
        return reference, "latest"
    return repository, tag


def _pull(client: docker.DockerClient, reference: str) -> str | None:
    """Try to pull; None on success, else why not. Bounded by the idle timeout and a deadline."""
    repository, tag = _split_reference(reference)
    api = client.api
    deadline = time.monotonic() + PULL_DEADLINE_SECONDS
    try:
        response = api.post(
            f"{api.base_url}/v{api.api_version}/images/create",
            params={"fromImage": repository, "tag": tag},
            stream=True,
            timeout=PULL_IDLE_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        return str(error)
    with response:
        if response.status_code >= 400:
            return response.text.strip()[:500]
        try:
            for line in response.iter_lines():
                stream_error = _stream_error(line)
                if stream_error is not None:
                    return stream_error
                if time.monotonic() > deadline:
                    return f"pull took longer than {PULL_DEADLINE_SECONDS:g} s"
        except requests.RequestException as error:
            return str(error)
    return None if _local_id(client, reference) else "pull ended without the image"


def _stream_error(line: bytes) -> str | None:
    if not line.strip():
        return None
    try:
        message = json.loads(line)
    except json.JSONDecodeError:
        return None
    if isinstance(message, dict) and message.get("error"):
        return str(message["error"])
    return None


def _changes(image: BaseImage, source: str) -> list[str]:
    env = dict((("PATH", _STANDARD_PATH), *image.env))
    return [
        f"LABEL {STANDIN_LABEL}=true",
        f"LABEL {SOURCE_LABEL}={json.dumps(source)}",
        f"LABEL {RECIPE_LABEL}={RECIPE_VERSIONS[image.recipe]}",
        *(f"ENV {name}={json.dumps(value)}" for name, value in env.items()),
        f"CMD {json.dumps(list(image.cmd))}",
    ]


def _make_standin(
    client: docker.DockerClient, image: BaseImage, cache_dir: Path, mirror: str | None
) -> str:
    repository, tag = _split_reference(image.reference)
    if image.recipe is Recipe.BUSYBOX:
        version = debian_package_version(BUSYBOX_PACKAGE)
        upstream = upstream_version(version)
        if tag not in {upstream, "latest"} and not upstream.startswith(f"{tag}."):
            raise StandinError(
                f"{BUSYBOX_PACKAGE} is {upstream}; a stand-in tagged {tag} would lie about it"
            )
        source = f"{BUSYBOX_PACKAGE} {version}"
        client.api.import_image_from_data(
            busybox_rootfs_tar(), repository=repository, tag=tag, changes=_changes(image, source)
        )
        return source
    tar = debian_rootfs_tar(
        cache_dir=cache_dir,
        suite=image.suite,
        packages=image.packages,
        symlinks=image.symlinks,
        mirror=mirror,
        recipe_version=RECIPE_VERSIONS[image.recipe],
    )
    source = f"debootstrap minbase {image.suite} +{','.join(image.packages)}"
    client.api.import_image_from_file(
        str(tar), repository=repository, tag=tag, changes=_changes(image, source)
    )
    return source


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graders.sandbox.images",
        description="Make the grader's allowed base images available offline.",
    )
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--no-pull", action="store_true", help="skip the registry attempt")
    parser.add_argument("--mirror", help="Debian mirror (default: the one apt uses)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    client = docker.from_env()
    outcomes = ensure_base_images(
        client,
        cache_dir=arguments.cache_dir,
        try_pull=not arguments.no_pull,
        mirror=arguments.mirror,
    )
    for item in outcomes:
        image_id = (item.image_id or "-")[:19]
        sys.stdout.write(
            f"{item.reference:<28} {item.action:<8} {image_id:<19} "
            f"{item.seconds:6.1f}s  {item.detail}\n"
        )
    return 1 if any(item.action is ImageAction.FAILED for item in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
