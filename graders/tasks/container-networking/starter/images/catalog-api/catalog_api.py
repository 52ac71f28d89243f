"""Catalog API: answers HTTP and keeps its data in the kv-db container, found by name.

Needs $DB_HOST (the database container's name on a shared network) and optionally $DB_PORT
(6379). GET /health -> {"status": "ok"}; GET /db -> whether the database answers:
{"db": "reachable", "host": ...} or HTTP 503 {"db": "unreachable", "host": ..., "error": ...}.
"""

import json
import os
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8000"))
DB_HOST = os.environ.get("DB_HOST", "")
DB_PORT = int(os.environ.get("DB_PORT", "6379"))
ALL_INTERFACES = "0.0.0.0"  # noqa: S104


def ping_database() -> str:
    """ "" when the database answers PING, else what went wrong."""
    if not DB_HOST:
        return "DB_HOST is not set; pass -e DB_HOST=<database container name>"
    try:
        with socket.create_connection((DB_HOST, DB_PORT), timeout=2) as connection:
            connection.sendall(b"PING\n")
            reply = connection.recv(64).decode().strip()
    except OSError as error:
        return f"{DB_HOST}:{DB_PORT}: {error}"
    return "" if reply == "PONG" else f"unexpected reply {reply!r}"


class CatalogHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path == "/db":
            problem = ping_database()
            if problem:
                self._send(503, {"db": "unreachable", "host": DB_HOST, "error": problem})
            else:
                self._send(200, {"db": "reachable", "host": DB_HOST})
        else:
            self._send(404, {"error": "not found"})

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
