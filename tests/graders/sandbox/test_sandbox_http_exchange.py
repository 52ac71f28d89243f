"""Several HTTP requests from one probe container (graders/sandbox/http_exchange.py), against a
real service on the job's internal network."""

import json

import docker
import pytest

from graders.sandbox.http_exchange import HttpRequest, Method, exchange_http
from graders.sandbox.images import PYTHON
from graders.sandbox.run import HealthCheck, HealthStatus, job_scope, start_service, wait_healthy

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

PORT = 8000
# Answers POST /echo with what it received (body and content type), GET /count with the number
# of POSTs so far, GET /slow never, anything else 404.
SERVER = """
import json, time
from http.server import BaseHTTPRequestHandler, HTTPServer
posts = []
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        posts.append(body)
        self.reply(201, {"got": body, "type": self.headers["Content-Type"]})
    def do_GET(self):
        if self.path == "/count":
            self.reply(200, {"count": len(posts)})
        elif self.path == "/slow":
            time.sleep(60)
        else:
            self.reply(404, {"error": "no"})
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
"""
READY = HealthCheck(
    test=("python3", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/count')"),
    interval_seconds=0.5,
)
# Shell syntax, quotes and a line that looks like the exchange's framing: all must arrive as
# data, never run or parsed.
TRICKY = json.dumps({"text": "$(id) `id` \"'; exit 1\n--quayside-0 end"})


def _exchange(
    client: docker.DockerClient, job_id: str, requests: list[HttpRequest], timeout: float
) -> list:
    with job_scope(client, job_id) as scope:
        network = scope.network().name
        service = start_service(
            client,
            PYTHON.reference,
            job_id=job_id,
            name="echo",
            network=network,
            command=["python3", "-c", SERVER],
            healthcheck=READY,
            user="65534:65534",
        )
        assert wait_healthy(service, timeout=20).status is HealthStatus.HEALTHY
        return exchange_http(
            client,
            job_id=job_id,
            network=network,
            target_name="echo",
            port=PORT,
            requests=requests,
            timeout_seconds=timeout,
        )


def test_requests_are_sent_in_order_and_each_reply_is_kept_apart(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    # given
    requests = [
        HttpRequest(Method.POST, "/echo", TRICKY),
        HttpRequest(Method.POST, "/echo", "{}"),
        HttpRequest(Method.GET, "/count"),
        HttpRequest(Method.GET, "/missing"),
    ]

    # when
    replies = _exchange(docker_client, job_id, requests, timeout=15)

    # then
    assert [reply.status_code for reply in replies] == [201, 201, 200, 404]
    assert json.loads(replies[0].body) == {"got": TRICKY, "type": "application/json"}
    assert json.loads(replies[2].body) == {"count": 2}
    assert "404" in replies[3].detail
    assert [reply.request for reply in replies] == requests


def test_requests_left_when_the_time_runs_out_have_no_answer(
    docker_client: docker.DockerClient, job_id: str
) -> None:
    requests = [
        HttpRequest(Method.GET, "/count"),
        HttpRequest(Method.GET, "/slow"),
        HttpRequest(Method.GET, "/count"),
    ]

    replies = _exchange(docker_client, job_id, requests, timeout=4)

    assert replies[0].status_code == 200
    assert [reply.status_code for reply in replies[1:]] == [None, None]
    assert all("did not finish within" in reply.detail for reply in replies[1:])


@pytest.mark.parametrize(
    "request_",
    [HttpRequest(Method.GET, "/a b"), HttpRequest(Method.GET, "no-slash")],
    ids=["space", "relative"],
)
def test_a_path_outside_the_safe_shape_is_refused_before_anything_runs(
    docker_client: docker.DockerClient, job_id: str, request_: HttpRequest
) -> None:
    with pytest.raises(ValueError, match="refusing to request"):
        exchange_http(
            docker_client,
            job_id=job_id,
            network="unused",
            target_name="echo",
            port=PORT,
            requests=[request_],
            timeout_seconds=5,
        )
