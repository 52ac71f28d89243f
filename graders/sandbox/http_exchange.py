"""A short conversation with a service on the job's network: several HTTP requests, in order,
from one hardened probe container.

Probes that prove an app works (store something, then read it back) need a few requests in a
row; running them from one busybox container costs one container start instead of one per
request. The requests are arguments of a fixed script, never pasted into it, and each reply is
framed by a boundary drawn per call, which the app never sees, so no reply can forge another.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import docker

from graders.sandbox.images import PROBE_IMAGE
from graders.sandbox.run import HTTP_STATUS, SERVICE_NAME, URL_PATH, RunLimits, run_command

# Replies the grader reads are small JSON documents; more is cut (and then fails to parse).
MAX_REPLY_BODY_BYTES = 8 * 1024
# Room per reply for the boundary lines and wget's header dump (-S).
REPLY_OVERHEAD_BYTES = 4 * 1024
# A conversation is a handful of requests; this bounds the probe container's work and output.
MAX_REQUESTS = 20
# The only writable place in the hardened probe container.
_SCRATCH = "/tmp"  # noqa: S108
_SCRIPT = f"""
boundary="$1"; shift
while [ "$#" -ge 3 ]; do
  rm -f {_SCRATCH}/body
  if [ "$1" = POST ]; then
    wget -S -O {_SCRATCH}/body --header 'Content-Type: application/json' --post-data "$3" "$2" \
      2>{_SCRATCH}/head
  else
    wget -S -O {_SCRATCH}/body "$2" 2>{_SCRATCH}/head
  fi
  echo "$boundary head $?"
  cat {_SCRATCH}/head
  echo "$boundary body"
  head -c {MAX_REPLY_BODY_BYTES} {_SCRATCH}/body 2>/dev/null
  echo
  echo "$boundary end"
  shift 3
done
"""


class Method(StrEnum):
    # busybox wget speaks only these two.
    GET = "GET"
    POST = "POST"


@dataclass(frozen=True)
class HttpRequest:
    method: Method
    # Path and query, e.g. `/notes?limit=1`: printable ASCII without spaces.
    path: str
    # POST only: the JSON text sent as the body.
    json_body: str = ""


@dataclass(frozen=True)
class HttpReply:
    request: HttpRequest
    # None when no HTTP answer came (refused, name not found, timed out).
    status_code: int | None
    body: str
    # Why there is no answer, for messages: wget's last line or the timeout.
    detail: str


def exchange_http(
    client: docker.DockerClient,
    *,
    job_id: str,
    network: str,
    target_name: str,
    port: int,
    requests: Sequence[HttpRequest],
    timeout_seconds: float,
    limits: RunLimits | None = None,
) -> list[HttpReply]:
    """Send `requests` in order to http://target_name:port from one probe container on the job's
    `network`; one reply per request, in order. A request that got no answer (or was not sent
    because the container ran out of `timeout_seconds`) has `status_code` None.

    Bodies of 4xx/5xx answers are not kept (busybox wget drops them); bodies are cut at
    MAX_REPLY_BODY_BYTES.
    """
    if not SERVICE_NAME.fullmatch(target_name) or not 0 < port < 2**16:
        raise ValueError(f"refusing to probe {target_name!r}:{port}")
    if not 0 < len(requests) <= MAX_REQUESTS:
        raise ValueError(f"an exchange has 1 to {MAX_REQUESTS} requests, not {len(requests)}")
    arguments: list[str] = []
    for request in requests:
        if not URL_PATH.fullmatch(request.path):
            raise ValueError(f"refusing to request {request.path!r}")
        url = f"http://{target_name}:{port}{request.path}"
        arguments += [str(request.method), url, request.json_body]
    boundary = f"--quayside-{secrets.token_hex(16)}"
    output_cap = len(requests) * (MAX_REPLY_BODY_BYTES + REPLY_OVERHEAD_BYTES)
    limits = replace(
        limits or RunLimits(), wall_clock_seconds=timeout_seconds, output_cap_bytes=output_cap
    )
    result = run_command(
        client,
        PROBE_IMAGE,
        ["sh", "-c", _SCRIPT, "exchange", boundary, *arguments],
        job_id=job_id,
        network=network,
        limits=limits,
        user="65534:65534",  # the probe itself needs no privileges at all
    )
    replies = _parse(result.stdout, boundary, requests)
    missing = (
        f"the probe did not finish within {result.seconds:.0f} s"
        if result.timed_out
        else f"the probe stopped early (exit code {result.exit_code})"
    )
    return [
        reply or HttpReply(request, None, "", missing)
        for request, reply in zip(requests, replies, strict=True)
    ]


def _parse(stdout: str, boundary: str, requests: Sequence[HttpRequest]) -> list[HttpReply | None]:
    """Split the script's output into replies; None for requests with no complete frame."""
    replies: list[HttpReply | None] = []
    frames = stdout.split(f"{boundary} head ")[1:]
    for request, frame in zip(requests, frames, strict=False):
        head, has_body, rest = frame.partition(f"\n{boundary} body\n")
        body, has_end, _ = rest.partition(f"\n{boundary} end")
        if not has_body or not has_end:
            replies.append(None)
            continue
        exit_line, _, headers = head.partition("\n")
        codes = HTTP_STATUS.findall(headers)
        status = int(codes[-1]) if codes else None
        lines = headers.strip().splitlines()
        detail = lines[-1].strip() if lines and exit_line.strip() != "0" else ""
        replies.append(HttpReply(request, status, body, detail))
    replies += [None] * (len(requests) - len(replies))
    return replies
