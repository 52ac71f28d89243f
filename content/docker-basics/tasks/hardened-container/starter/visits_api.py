"""Visits API: a small HTTP service that uses only Python's standard library.

On start it writes a marker file into $DATA_DIR (default /app/data) and counts visits there, so
it needs one writable directory. GET /health answers {"status": "ok"}; GET /visits counts a
visit and answers the total; POST /visits with a JSON body {"visitor": "<name>"} counts a visit
by that visitor and answers their count (201); GET /visitors/<name> answers it without counting.
Names are 1 to 64 letters, digits, `-` or `_`. Listens on $PORT (8000).
`python3 visits_api.py --healthcheck` exits 0 when a running API answers /health (for
HEALTHCHECK), 1 otherwise.
"""

import json
import os
import re
import signal
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT = int(os.environ.get("PORT", "8000"))
# In a container the app must listen on every interface to be reachable from outside it.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
DATA_DIR = Path(os.environ.get("DATA_DIR", "/app/data"))
COUNTER = DATA_DIR / "visits"
VISITORS = DATA_DIR / "visitors"
VISITOR_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_BODY_BYTES = 4096
LOCK = threading.Lock()


def prepare_data_dir() -> None:
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        VISITORS.mkdir(exist_ok=True)
        (DATA_DIR / "started").write_text(f"pid {os.getpid()}\n")
        if not COUNTER.exists():
            COUNTER.write_text("0")
    except OSError as error:
        sys.stderr.write(
            f"cannot write to {DATA_DIR}: {error.strerror}. Give the app a writable data "
            "directory (a volume or a tmpfs) or set DATA_DIR.\n"
        )
        sys.exit(1)


def count_visit() -> int:
    with LOCK:
        visits = int(COUNTER.read_text() or "0") + 1
        COUNTER.write_text(str(visits))
        return visits


def visits_by(name: str) -> int:
    path = VISITORS / name
    return int(path.read_text() or "0") if path.exists() else 0


def count_visit_by(name: str) -> int:
    count_visit()
    with LOCK:
        visits = visits_by(name) + 1
        (VISITORS / name).write_text(str(visits))
        return visits


class VisitsHandler(BaseHTTPRequestHandler):
    server_version = "visits-api/1.0"

    def do_GET(self) -> None:
        name = self.path.removeprefix("/visitors/")
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path == "/visits":
            self._send(200, {"visits": count_visit()})
        elif self.path.startswith("/visitors/") and VISITOR_NAME.fullmatch(name):
            with LOCK:
                self._send(200, {"visitor": name, "visits": visits_by(name)})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/visits":
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            name = json.loads(self.rfile.read(min(length, MAX_BODY_BYTES)) or b"{}")["visitor"]
        except (ValueError, KeyError, TypeError):
            name = None
        if not isinstance(name, str) or not VISITOR_NAME.fullmatch(name):
            self._send(400, {"error": 'send {"visitor": "<1 to 64 letters, digits, - or _>"}'})
            return
        self._send(201, {"visitor": name, "visits": count_visit_by(name)})

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
    prepare_data_dir()
    server = ThreadingHTTPServer((ALL_INTERFACES, PORT), VisitsHandler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stdout.write(f"visits-api listening on :{PORT}, data in {DATA_DIR}" + "\n")
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
