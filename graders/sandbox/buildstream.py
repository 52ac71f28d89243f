"""Drive the Engine API's `/build` in a worker thread that can be cut off at a wall-clock deadline.

The daemon has no build timeout and the SDK's `timeout` is only an idle read timeout. Closing the
client connection makes the daemon cancel a classic build (within ~3 s), so the request is made
here directly (same session and socket as the SDK) to keep hold of the response and shut its socket
down from another thread.
"""

import json
import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import docker
import requests

from graders.sandbox.logcap import CappedLog

logger = logging.getLogger(__name__)

# One JSON message of the build stream is one write of a build step (a pipe buffer, ~64 KiB);
# anything far larger without a newline is not the protocol we speak.
MAX_MESSAGE_BYTES = 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
# The classic builder prints "---> <12 hex>" for each image a step commits (or takes from the
# layer cache), and "Step n/m : FROM ..." where a stage begins.
_STEP_CONTAINER = re.compile(r"^ ---> Running in ([0-9a-f]{12})\s*$", re.MULTILINE)
_STAGE_OR_IMAGE = re.compile(
    r"^(?:Step \d+/\d+ : (?P<from>FROM)\b.*|(?: ---> (?P<image>[0-9a-f]{12})))\s*$",
    re.MULTILINE | re.IGNORECASE,
)
_SUCCESS = re.compile(r"Successfully built ([0-9a-f]{12})")
# The daemon wraps a step's stderr in terminal colour codes; learners read the log in a browser.
_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class BuildProgress:
    """What the worker thread has learned so far; read by the caller after `join`."""

    log: CappedLog
    image_id: str | None = None
    error: str | None = None
    step_images: list[str] = field(default_factory=list)
    step_containers: list[str] = field(default_factory=list)
    # The last image each stage committed, in stage order (the final stage's is the image built).
    stage_images: list[str] = field(default_factory=list)
    failure: BaseException | None = None
    finished: bool = False


class BuildStream:
    """One `/build` request read in a thread; `cancel()` cuts it off from any other thread."""

    def __init__(
        self,
        client: docker.DockerClient,
        *,
        params: dict[str, str],
        context_tar: bytes,
        log_cap_bytes: int,
    ) -> None:
        self._client = client
        self._params = params
        self._context_tar = context_tar
        self._lock = threading.Lock()
        self._response: requests.Response | None = None
        self._cancelled = False
        self.progress = BuildProgress(log=CappedLog(log_cap_bytes))
        self._stage_begun = False
        self._thread = threading.Thread(target=self._run, name="quayside-build", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds; True if the build stream has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        """Drop the connection so the daemon cancels the build; safe to call more than once."""
        with self._lock:
            self._cancelled = True
            response = self._response
        if response is not None:
            _shutdown(response)

    def _run(self) -> None:
        try:
            self._request_and_read()
        except (requests.RequestException, docker.errors.DockerException, OSError) as error:
            if not self._cancelled:
                self.progress.failure = error
        finally:
            self.progress.finished = True

    def _request_and_read(self) -> None:
        api = self._client.api
        response = api.post(
            f"{api.base_url}/v{api.api_version}/build",
            params=self._params,
            data=self._context_tar,
            headers={"Content-Type": "application/x-tar"},
            stream=True,
            timeout=None,  # the deadline is enforced by cancel(), not by a read timeout
        )
        with self._lock:
            self._response = response
            cancelled = self._cancelled
        try:
            if cancelled:
                return
            if response.status_code >= 400:
                self.progress.error = _error_text(response)
                return
            self._read_messages(response)
        finally:
            response.close()

    def _read_messages(self, response: requests.Response) -> None:
        pending = b""
        for chunk in response.iter_content(chunk_size=READ_CHUNK_BYTES):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self._handle(line)
            if len(pending) > MAX_MESSAGE_BYTES:
                self.progress.error = "build output message too large; build stopped"
                return
        if pending.strip():
            self._handle(pending)

    def _handle(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            message: Any = json.loads(line)
        except json.JSONDecodeError:
            self.progress.log.append(line.decode("utf-8", "replace"))
            return
        if not isinstance(message, dict):
            return
        text = message.get("stream")
        if isinstance(text, str):
            text = _ANSI_COLOUR.sub("", text)
            self.progress.log.append(text)
            self._note_steps(text)
            self.progress.step_containers.extend(_STEP_CONTAINER.findall(text))
            success = _SUCCESS.search(text)
            if success and self.progress.image_id is None:
                self.progress.image_id = success.group(1)
        aux = message.get("aux")
        if isinstance(aux, dict) and isinstance(aux.get("ID"), str):
            self.progress.image_id = aux["ID"]
        if message.get("error"):
            self.progress.error = str(message["error"]).strip()
            self.progress.log.append(f"ERROR: {self.progress.error}\n")

    def _note_steps(self, text: str) -> None:
        """Record step images from the whole stream (the log kept for learners is capped)."""
        progress = self.progress
        for match in _STAGE_OR_IMAGE.finditer(text):
            image = match.group("image")
            if image is None:
                self._stage_begun = True
                continue
            progress.step_images.append(image)
            if self._stage_begun or not progress.stage_images:
                progress.stage_images.append(image)
                self._stage_begun = False
            else:
                progress.stage_images[-1] = image


def _shutdown(response: requests.Response) -> None:
    # urllib3 >= 2.3 can shut a response's socket down from another thread, which wakes the
    # blocked reader; the reader then closes the connection and the daemon cancels the build.
    raw = response.raw
    try:
        raw.shutdown()
    except (AttributeError, ValueError, RuntimeError, OSError) as error:
        logger.warning("cannot shut the build socket down (%s); closing the response", error)
        response.close()


def _error_text(response: requests.Response) -> str:
    body = response.content[:MAX_MESSAGE_BYTES].decode("utf-8", "replace")
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError:
        return body.strip() or f"HTTP {response.status_code}"
    if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
        return parsed["message"].strip()
    return body.strip()
