"""List the files of a built image without running any of its code.

A container is created (never started) from the image and exported; the tar stream is read for
member names only. This works for images without a shell (`FROM scratch`), cannot be fooled by
a PATH or a wrapper script, and the container carries the job label so `job_scope` removes it.
"""

import base64
import io
import json
import posixpath
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import docker

from graders.sandbox.labels import job_labels

# Created, never started: the entrypoint only has to be a valid string.
NEVER_STARTED_ENTRYPOINT = ["/quayside-listing-only"]
EXPORT_CHUNK_BYTES = 1024 * 1024
STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# The engine describes an archived path in this header (base64 JSON: name, size, mode...).
_PATH_STAT_HEADER = "X-Docker-Container-Path-Stat"
# Go's os.FileMode type bits (dir, symlink, named pipe, socket, device, char device, irregular).
_NOT_A_REGULAR_FILE = (
    (1 << 31) | (1 << 27) | (1 << 25) | (1 << 24) | (1 << 26) | (1 << 21) | (1 << 19)
)
# A one-file tar: a 512-byte header (plus a long-name header) and two zero blocks at the end.
TAR_OVERHEAD_BYTES = 4 * 1024


@dataclass(frozen=True)
class ImageFiles:
    """Absolute paths of everything in the image's filesystem (files, links, directories)."""

    paths: frozenset[str]

    def exists(self, path: str) -> bool:
        return posixpath.normpath(path) in self.paths

    def under(self, directory: str) -> list[str]:
        prefix = posixpath.normpath(directory).rstrip("/") + "/"
        return sorted(path for path in self.paths if path.startswith(prefix))

    def named(self, names: Iterable[str]) -> list[str]:
        wanted = set(names)
        return sorted(path for path in self.paths if posixpath.basename(path) in wanted)

    def programs(self, names: Iterable[str], search_path: str = STANDARD_PATH) -> list[str]:
        """Which of `names` a shell would find on `search_path` (as `command -v` would)."""
        found: list[str] = []
        directories = [d for d in search_path.split(":") if d.startswith("/")]
        for name in names:
            for directory in directories:
                candidate = posixpath.join(directory, name)
                if candidate in self.paths:
                    found.append(candidate)
                    break
        return found


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview | bytearray") -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def list_image_files(client: docker.DockerClient, image_id: str, *, job_id: str) -> ImageFiles:
    container = client.containers.create(
        image_id,
        entrypoint=NEVER_STARTED_ENTRYPOINT,
        network_mode="none",
        labels=job_labels(job_id),
    )
    try:
        chunks: Iterator[bytes] = iter(container.export(EXPORT_CHUNK_BYTES))  # type: ignore[arg-type]
        stream = io.BufferedReader(_ChunkReader(chunks))
        paths: set[str] = set()
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            for member in archive:
                paths.add(posixpath.normpath("/" + member.name.removeprefix("./")))
    finally:
        container.remove(force=True, v=True)
    return ImageFiles(frozenset(paths))


class ImagePaths:
    """Answers "does this path exist in the image?" with one HEAD request per path against a
    created (never started) container: milliseconds, where exporting a 120 MB image takes a
    second. The container carries the job label: `job_scope` removes it with the job."""

    def __init__(self, client: docker.DockerClient, image_id: str, *, job_id: str) -> None:
        self._client = client
        self._container = client.containers.create(
            image_id,
            entrypoint=NEVER_STARTED_ENTRYPOINT,
            network_mode="none",
            labels=job_labels(job_id),
        )
        self._known: dict[str, bool] = {}

    def exists(self, path: str) -> bool:
        path = posixpath.normpath(path)
        if path not in self._known:
            api = self._client.api
            response = api.head(
                f"{api.base_url}/v{api.api_version}/containers/{self._container.id}/archive",
                params={"path": path},
            )
            if response.status_code not in {200, 404}:
                response.raise_for_status()
            self._known[path] = response.status_code == 200
        return self._known[path]

    def read(self, path: str, *, max_bytes: int) -> bytes | None:
        """The content of the regular file at `path`, or None if there is no such file (a
        directory or a link is not one) or it is larger than `max_bytes`."""
        path = posixpath.normpath(path)
        if not self.exists(path):
            return None
        api = self._client.api
        response = api.get(
            f"{api.base_url}/v{api.api_version}/containers/{self._container.id}/archive",
            params={"path": path},
            stream=True,
        )
        try:
            if response.status_code == 404:
                return None
            response.raise_for_status()
            stat = json.loads(base64.b64decode(response.headers[_PATH_STAT_HEADER]))
            if int(stat.get("mode", 0)) & _NOT_A_REGULAR_FILE or stat.get("size", 0) > max_bytes:
                return None
            # The engine may gzip the tar (Content-Encoding); iter_content undoes that.
            raw = bytearray()
            for chunk in response.iter_content(EXPORT_CHUNK_BYTES):
                raw += chunk
                if len(raw) > max_bytes + TAR_OVERHEAD_BYTES:
                    return None
        finally:
            response.close()
        with tarfile.open(fileobj=io.BytesIO(bytes(raw)), mode="r:") as archive:
            member = archive.next()
            content = archive.extractfile(member) if member is not None and member.isreg() else None
            return content.read(max_bytes + 1) if content is not None else None

    def programs(self, names: Iterable[str], search_path: str = STANDARD_PATH) -> list[str]:
        directories = [d for d in search_path.split(":") if d.startswith("/")]
        found: list[str] = []
        for name in names:
            match = next(
                (
                    posixpath.join(directory, name)
                    for directory in dict.fromkeys(directories)
                    if self.exists(posixpath.join(directory, name))
                ),
                None,
            )
            if match is not None:
                found.append(match)
        return found
