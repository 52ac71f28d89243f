"""Listing engine objects that other jobs on the same engine may remove at the same moment.

The docker SDK's `images.list` lists the images, then inspects each one: an image another job
(or its janitor, or a cache eviction) removes between the two raises ImageNotFound from inside
the listing. Containers have `ignore_removed=True` and networks are not inspected; images need
this helper.
"""

import docker
from docker.models.images import Image

from graders.sandbox.labels import DockerFilters


def images_present(client: docker.DockerClient, *, filters: DockerFilters) -> list[Image]:
    """The images matching `filters` that still exist once inspected (gone ones are skipped)."""
    present: list[Image] = []
    for row in client.api.images(filters=filters):
        try:
            present.append(client.images.get(row["Id"]))
        except docker.errors.ImageNotFound:
            continue
    return present
