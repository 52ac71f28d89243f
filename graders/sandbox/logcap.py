"""Keep a bounded excerpt of an unbounded log: its beginning and its end, where verdicts are."""

from collections import deque


class CappedLog:
    """Collects text, keeping at most about `cap_bytes`: the first half and the last half.

    Sizes are counted in UTF-8 bytes of what was kept; a log flood costs counting, not memory.
    """

    def __init__(self, cap_bytes: int) -> None:
        self._head_budget = cap_bytes // 2
        self._tail_budget = cap_bytes - self._head_budget
        self._head: list[str] = []
        self._head_bytes = 0
        self._tail: deque[str] = deque()
        self._tail_bytes = 0
        self.total_bytes = 0

    def append(self, text: str) -> None:
        size = len(text.encode("utf-8", "replace"))
        self.total_bytes += size
        if self._head_bytes < self._head_budget:
            room = self._head_budget - self._head_bytes
            kept = _prefix(text, room)
            self._head.append(kept)
            self._head_bytes += len(kept.encode("utf-8", "replace"))
            text = text[len(kept) :]
            if not text:
                return
        self._append_tail(text)

    def _append_tail(self, text: str) -> None:
        text = _suffix(text, self._tail_budget)
        self._tail.append(text)
        self._tail_bytes += len(text.encode("utf-8", "replace"))
        while self._tail_bytes > self._tail_budget and self._tail:
            oldest = self._tail.popleft()
            oldest_bytes = len(oldest.encode("utf-8", "replace"))
            excess = self._tail_bytes - self._tail_budget
            self._tail_bytes -= oldest_bytes
            if oldest_bytes > excess:
                kept = _suffix(oldest, oldest_bytes - excess)
                self._tail.appendleft(kept)
                self._tail_bytes += len(kept.encode("utf-8", "replace"))

    @property
    def kept_bytes(self) -> int:
        return self._head_bytes + self._tail_bytes

    @property
    def truncated(self) -> bool:
        return self.total_bytes > self.kept_bytes

    def excerpt(self) -> str:
        head = "".join(self._head)
        tail = "".join(self._tail)
        if not self.truncated:
            return head + tail
        omitted = self.total_bytes - self.kept_bytes
        return f"{head}\n[... {omitted} bytes of log omitted ...]\n{tail}"


def _prefix(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def _suffix(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= max_bytes:
        return text
    return encoded[len(encoded) - max_bytes :].decode("utf-8", "ignore")
