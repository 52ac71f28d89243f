"""Notes API: a small HTTP service that uses only Python's standard library.

GET /health answers {"status": "ok"}; GET /notes lists the notes. Listens on $PORT (8000).
"""

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8000"))
NOTES = [
    {"id": 1, "text": "Containers share the host kernel."},
    {"id": 2, "text": "Copy dependency files before the source to keep the cache."},
]


class NotesHandler(BaseHTTPRequestHandler):
    server_version = "notes-api/1.0"

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path in ("/", "/notes"):
            self._send(200, {"notes": NOTES})
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
    server = ThreadingHTTPServer(("0.0.0.0", PORT), NotesHandler)
    # Stop cleanly on `docker stop` (SIGTERM), which only reaches us if we are PID 1's child
    # through an exec-form CMD.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"notes-api listening on :{PORT}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
