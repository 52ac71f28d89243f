import json
import threading
import unittest
import urllib.request
from http.server import ThreadingHTTPServer

from quotes_api import QuotesHandler


class QuotesApiTest(unittest.TestCase):
    def test_health_answers_ok(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), QuotesHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_port}/health"
            with urllib.request.urlopen(url, timeout=2) as response:
                assert json.load(response) == {"status": "ok"}
        finally:
            server.shutdown()


if __name__ == "__main__":
    unittest.main()
