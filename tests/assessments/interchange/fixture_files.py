from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


class FixtureReader:
    """Reads the copies of Moodle's own test files kept next to these tests."""

    def text(self, name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    def bytes(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes()
