"""Quotes API: a small HTTP service that uses only Python's standard library.

GET /health answers {"status": "ok"}; GET /quotes lists the quotes. Listens on $PORT (8000).
`python3 quotes_api.py --healthcheck` exits 0 when a running API answers /health (for
HEALTHCHECK), 1 otherwise.
"""

import json
import os
import signal
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8000"))
# In a container the app must listen on every interface to be reachable from outside it.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
QUOTES = [
    {"id": 1, "text": "Build in one stage, ship from another."},
    {"id": 2, "text": "What is not in the image cannot be exploited."},
]


class QuotesHandler(BaseHTTPRequestHandler):
    server_version = "quotes-api/1.0"

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path in ("/", "/quotes"):
            self._send(200, {"quotes": QUOTES})
        else:
            self._send(404, {"error": "not found"})

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        sys.stdout.write(f"{self.address_string()} {format % args}\n")
        sys.stdout.flush()


def main() -> None:
    server = ThreadingHTTPServer((ALL_INTERFACES, PORT), QuotesHandler)
    # Stop cleanly on `docker stop` (SIGTERM), which only reaches us if we are PID 1's child
    # through an exec-form CMD.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stdout.write(f"quotes-api listening on :{PORT}" + "\n")
    sys.stdout.flush()
    server.serve_forever()


def healthcheck() -> int:
    url = f"http://127.0.0.1:{PORT}/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    if "--healthcheck" in sys.argv[1:]:
        sys.exit(healthcheck())
    main()
