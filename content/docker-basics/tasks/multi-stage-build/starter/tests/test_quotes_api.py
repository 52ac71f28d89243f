import hashlib
import json
import threading
import unittest
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

import quotes_api
from quotes_api import QuotesHandler


class QuotesApiTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), QuotesHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def tearDown(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def request(self, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        # The test server's own http://127.0.0.1 address only.
        request = urllib.request.Request(  # noqa: S310
            self.base + path, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def test_health_answers_ok(self) -> None:
        assert self.request("/health") == (200, {"status": "ok"})

    def test_quotes_are_added_and_filtered_by_author(self) -> None:
        status, quote = self.request("/quotes", {"text": "Small is fast.", "author": "Ada B"})
        self.request("/quotes", {"text": "Pin your bases.", "author": "Grace"})

        listed = self.request("/quotes?author=Ada+B")[1]

        assert status == 201
        assert listed == {"quotes": [quote], "count": 1}
        assert self.request("/quotes", {"author": "no text"})[0] == 400

    def test_build_proves_which_code_file_answers(self) -> None:
        code = Path(quotes_api.__file__).resolve().read_bytes()

        status, build = self.request("/build?nonce=00ff00ff")

        assert status == 200
        assert build["proof"] == hashlib.sha256(b"00ff00ff" + code).hexdigest()
        assert self.request("/build?nonce=not-hex")[0] == 400


if __name__ == "__main__":
    unittest.main()
