"""Catalog API: answers HTTP and keeps its data in the kv-db container, found by name.

Needs $DB_HOST (the database container's name on a shared network) and optionally $DB_PORT
(6379). It stores nothing itself: every item lives in the database.

- GET /health -> {"status": "ok"};
- GET /db -> whether the database answers: {"db": "reachable", "host": ...} or HTTP 503
  {"db": "unreachable", "host": ..., "error": ...};
- POST /items with {"sku": "...", "name": "..."} stores the item in the database (201);
- GET /items/<sku> reads it back from the database (404 if it has no such item).

SKUs are 1 to 64 letters, digits, `-` or `_`; a database that cannot be reached is HTTP 503.
"""

import json
import os
import re
import socket
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8000"))
DB_HOST = os.environ.get("DB_HOST", "")
DB_PORT = int(os.environ.get("DB_PORT", "6379"))
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
SKU = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_BODY_BYTES = 4096
MAX_NAME_CHARS = 200
MISSING = "NIL"


class DatabaseError(OSError):
    """The database cannot be reached or answered something unexpected."""


def ask_database(command: str) -> str:
    """Send one command line to the database and return its one-line reply."""
    if not DB_HOST:
        raise DatabaseError("DB_HOST is not set; pass -e DB_HOST=<database container name>")
    try:
        with socket.create_connection((DB_HOST, DB_PORT), timeout=2) as connection:
            connection.sendall(command.encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = connection.recv(4096)
                if not chunk:
                    break
                reply += chunk
    except OSError as error:
        raise DatabaseError(f"{DB_HOST}:{DB_PORT}: {error}") from error
    return reply.decode().strip()


def ping_database() -> str:
    """ "" when the database answers PING, else what went wrong."""
    try:
        reply = ask_database("PING")
    except DatabaseError as error:
        return str(error)
    return "" if reply == "PONG" else f"unexpected reply {reply!r}"


class CatalogHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        sku = self.path.removeprefix("/items/")
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path == "/db":
            problem = ping_database()
            if problem:
                self._send(503, {"db": "unreachable", "host": DB_HOST, "error": problem})
            else:
                self._send(200, {"db": "reachable", "host": DB_HOST})
        elif self.path.startswith("/items/") and SKU.fullmatch(sku):
            self._database(lambda: self._read_item(sku))
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/items":
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            item = json.loads(self.rfile.read(min(length, MAX_BODY_BYTES)) or b"{}")
            sku, name = item["sku"], item["name"]
        except (ValueError, KeyError, TypeError):
            sku = name = None
        valid_name = isinstance(name, str) and 0 < len(name.strip()) <= MAX_NAME_CHARS
        if not isinstance(sku, str) or not SKU.fullmatch(sku) or not valid_name:
            self._send(400, {"error": 'send {"sku": "<letters, digits, - or _>", "name": "..."}'})
            return
        self._database(lambda: self._store_item(sku, name))

    def _read_item(self, sku: str) -> None:
        stored = ask_database(f"GET item:{sku}")
        if stored == MISSING:
            self._send(404, {"error": f"no item {sku}"})
        else:
            self._send(200, json.loads(stored))

    def _store_item(self, sku: str, name: str) -> None:
        item = {"sku": sku, "name": name}
        reply = ask_database(f"SET item:{sku} {json.dumps(item)}")
        if reply != "OK":
            raise DatabaseError(f"the database answered {reply!r} to SET")
        self._send(201, item)

    def _database(self, work: Callable[[], None]) -> None:
        try:
            work()
        except DatabaseError as error:
            self._send(503, {"db": "unreachable", "host": DB_HOST, "error": str(error)})

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    server = ThreadingHTTPServer((ALL_INTERFACES, PORT), CatalogHandler)
    sys.stdout.write(f"catalog-api listening on :{PORT}, database at {DB_HOST}:{DB_PORT}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
