"""A tiny key-value "database" over TCP, standing in for Redis or PostgreSQL in the course.

One command per line: `PING` -> `PONG`, `SET key value` -> `OK`, `GET key` -> the value (or
`NIL`). Listens on $PORT (6379).
"""

import os
import socketserver
import sys
import threading

PORT = int(os.environ.get("PORT", "6379"))
# Reachable from other containers on the network, so every interface.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
STORE: dict[str, str] = {}
LOCK = threading.Lock()


def answer(line: str) -> str:
    command, _, rest = line.strip().partition(" ")
    if command.upper() == "PING":
        return "PONG"
    if command.upper() == "SET":
        key, _, value = rest.partition(" ")
        with LOCK:
            STORE[key] = value
        return "OK"
    if command.upper() == "GET":
        with LOCK:
            return STORE.get(rest.strip(), "NIL")
    return "ERR unknown command"


class Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        for raw in self.rfile:
            self.wfile.write((answer(raw.decode("utf-8", "replace")) + "\n").encode())


def main() -> None:
    server = socketserver.ThreadingTCPServer((ALL_INTERFACES, PORT), Handler)
    server.daemon_threads = True
    sys.stdout.write(f"kv-db listening on :{PORT}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
