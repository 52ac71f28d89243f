"""Notes API: a small HTTP service that uses only Python's standard library.

GET /health answers {"status": "ok"}; GET /notes lists the notes; POST /notes with a JSON body
{"text": "..."} adds one and answers it with its id (201); GET /notes/<id> answers one note.
Notes live in memory. Listens on $PORT (8000). `python3 notes_api.py --healthcheck` exits 0
when a running API answers /health (for HEALTHCHECK), 1 otherwise.
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
# A note is a line or a paragraph; anything longer is a mistake or abuse.
MAX_NOTE_CHARS = 1000
MAX_BODY_BYTES = 16 * 1024
NOTES: list[dict] = [
    {"id": 1, "text": "Containers share the host kernel."},
    {"id": 2, "text": "Copy dependency files before the source to keep the cache."},
]
LOCK = threading.Lock()


def add_note(text: str) -> dict:
    with LOCK:
        note = {"id": max((n["id"] for n in NOTES), default=0) + 1, "text": text}
        NOTES.append(note)
        return note


def find_note(note_id: str) -> dict | None:
    with LOCK:
        return next((n for n in NOTES if str(n["id"]) == note_id), None)


class NotesHandler(BaseHTTPRequestHandler):
    server_version = "notes-api/1.0"

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path in ("/", "/notes"):
            with LOCK:
                self._send(200, {"notes": list(NOTES)})
        elif self.path.startswith("/notes/"):
            note = find_note(self.path.removeprefix("/notes/"))
            if note is None:
                self._send(404, {"error": "no such note"})
            else:
                self._send(200, note)
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/notes":
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(413, {"error": f"at most {MAX_BODY_BYTES} bytes"})
            return
        try:
            text = json.loads(self.rfile.read(length) or b"{}").get("text")
        except (ValueError, AttributeError):
            text = None
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_NOTE_CHARS:
            self._send(400, {"error": f'send {{"text": "..."}}, 1 to {MAX_NOTE_CHARS} characters'})
            return
        self._send(201, add_note(text))

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
    server = ThreadingHTTPServer((ALL_INTERFACES, PORT), NotesHandler)
    # Stop cleanly on `docker stop` (SIGTERM), which only reaches us if we are PID 1's child
    # through an exec-form CMD.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stdout.write(f"notes-api listening on :{PORT}" + "\n")
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
