"""Quotes API: a small HTTP service that uses only Python's standard library.

- GET /health answers {"status": "ok"};
- GET /quotes lists the quotes with their count; GET /quotes?author=<name> only that author's;
- POST /quotes with a JSON body {"text": "...", "author": "..."} adds one (201);
- GET /build?nonce=<hex> tells which build is running: the path of the code file the app runs
  from, the build manifest next to it (BUILD.json, written by tools/bundle.py) and a proof,
  the SHA-256 of the nonce's bytes followed by that code file's bytes.

Quotes live in memory. Listens on $PORT (8000). `python3 quotes_api.py --healthcheck` exits 0
when a running API answers /health (for HEALTHCHECK), 1 otherwise.
"""

import hashlib
import json
import os
import re
import signal
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PORT = int(os.environ.get("PORT", "8000"))
# In a container the app must listen on every interface to be reachable from outside it.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
MAX_FIELD_CHARS = 500
MAX_BODY_BYTES = 16 * 1024
NONCE = re.compile(r"^[0-9a-f]{8,128}$")
MANIFEST_NAME = "BUILD.json"
QUOTES: list[dict] = [
    {"id": 1, "text": "Build in one stage, ship from another.", "author": "the course"},
    {"id": 2, "text": "What is not in the image cannot be exploited.", "author": "the course"},
]
LOCK = threading.Lock()


def add_quote(text: str, author: str) -> dict:
    with LOCK:
        next_id = max((q["id"] for q in QUOTES), default=0) + 1
        quote = {"id": next_id, "text": text, "author": author}
        QUOTES.append(quote)
        return quote


def quotes_by(author: str | None) -> list[dict]:
    with LOCK:
        return [q for q in QUOTES if author is None or q["author"] == author]


def build_info(nonce: str) -> dict:
    """Which code is answering: this module's file, its build manifest, and the proof."""
    code_file = Path(__file__).resolve()
    manifest_file = code_file.with_name(MANIFEST_NAME)
    manifest = json.loads(manifest_file.read_text()) if manifest_file.is_file() else None
    proof = hashlib.sha256(nonce.encode() + code_file.read_bytes()).hexdigest()
    return {"code_file": str(code_file), "manifest": manifest, "nonce": nonce, "proof": proof}


class QuotesHandler(BaseHTTPRequestHandler):
    server_version = "quotes-api/1.0"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/health":
            self._send(200, {"status": "ok"})
        elif url.path in ("/", "/quotes"):
            quotes = quotes_by(query["author"][0] if "author" in query else None)
            self._send(200, {"quotes": quotes, "count": len(quotes)})
        elif url.path == "/build" and NONCE.fullmatch(query.get("nonce", [""])[0]):
            self._send(200, build_info(query["nonce"][0]))
        elif url.path == "/build":
            self._send(400, {"error": "ask /build?nonce=<8 to 128 lowercase hex digits>"})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/quotes":
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(min(length, MAX_BODY_BYTES)) or b"{}")
            text, author = body["text"], body["author"]
        except (ValueError, KeyError, TypeError):
            text = author = None
        fields = (text, author)
        if not all(isinstance(f, str) and 0 < len(f.strip()) <= MAX_FIELD_CHARS for f in fields):
            self._send(400, {"error": 'send {"text": "...", "author": "..."}'})
            return
        self._send(201, add_quote(text, author))

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
