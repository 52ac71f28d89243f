import json
import threading
import unittest
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

from notes_api import NotesHandler


class NotesApiTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), NotesHandler)
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

    def test_a_posted_note_is_listed_and_found_by_id(self) -> None:
        status, note = self.request("/notes", {"text": "Tag images with versions."})

        assert status == 201
        assert note["text"] == "Tag images with versions."
        assert note in self.request("/notes")[1]["notes"]
        assert self.request(f"/notes/{note['id']}") == (200, note)

    def test_a_note_without_text_is_refused(self) -> None:
        assert self.request("/notes", {"title": "no text"})[0] == 400
        assert self.request("/notes/999999")[0] == 404


if __name__ == "__main__":
    unittest.main()
