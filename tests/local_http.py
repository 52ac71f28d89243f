"""A throwaway HTTP server on 127.0.0.1 for tests of what Quayside sends (webhooks, LTI grades)."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (path, body, headers with lower-case names) -> (status, response body)
PostHandler = Callable[[str, bytes, dict[str, str]], tuple[int, bytes]]


@contextmanager
def serving_posts(handle: PostHandler) -> Iterator[str]:
    """Answer every POST with `handle`; yields the server's base URL (no trailing slash)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, answer = handle(self.path, body, headers)
            self.send_response(status)
            if answer:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
