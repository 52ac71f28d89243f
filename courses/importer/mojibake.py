"""Repair text that was UTF-8, got decoded as a Windows code page, and was saved as UTF-8 again.

What the course files show (`xxd`): "ğŸ¯" for 🎯 (F0 9F 8E AF). "ğ" is byte F0 in Windows-1254
(Turkish), not 1252 ("ð"), and 0x8E is defined in 1252 ("Ž") but not in 1254, where it was lost.
So we reverse both code pages: every character either of them produces for a byte 0x80-0xFF maps
back to that byte. Bytes a code page leaves undefined (0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E) were
dropped when the text was first mis-decoded; they are gone from the file.

The repair works on runs of characters that map back to high bytes. A run is rewritten only when
its bytes form UTF-8 sequences of two or more bytes (a real "é" or "—" is left alone). A sequence
missing exactly one byte is restored when exactly one character from `RECOVERABLE_CHARACTERS`
fits (e.g. "âŒ" can only be ❌ among them, "â”" only ┐); otherwise the fragment is dropped and
counted, since guessing among 🍯 🎯 🏯 🐯 would invent content. The prior has a cost: a
character outside it that loses a byte the same way as one inside it comes back as the one inside
(🐯 would read 🎯), so keep the set to characters course text really uses.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

CODE_PAGES = ("cp1252", "cp1254")
# Bytes undefined in at least one of CODE_PAGES: the candidates for a lost byte.
LOST_BYTES = bytes([0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E])


def _light_box_drawing() -> str:
    return "".join(
        chr(code)
        for code in range(0x2500, 0x2580)
        if not {"HEAVY", "DOUBLE"} & set(unicodedata.name(chr(code), "").split())
    )


# Characters technical course text commonly uses whose UTF-8 form contains a lost byte. A prior,
# not a guess: a lost byte is restored only when one of these is the single character that fits.
RECOVERABLE_CHARACTERS = frozenset(
    _light_box_drawing()
    + "←↑→↓↔↕⇐⇒⇔▲►▶▼◄◀•…\u2013\u2014\u2018\u2019\u201c\u201d™€©®°±\u00d7÷≈≠≤≥"
    + "✓✔✕✖✗✘✅❌❎❓❗⚠⛔★☆\u2139\ufe0f"
    + "🎯📖📝🎉🚀💡🔥📦🐳🔒🔑📌📚📊📋🧪🛠⏱⏳🏁👉"
)


@dataclass(frozen=True)
class RepairReport:
    """What the repair did: for the importer's summary and the tests."""

    repaired_runs: int = 0
    restored_bytes: int = 0
    dropped_fragments: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.repaired_runs)


@cache
def _reverse_code_page() -> dict[str, int]:
    table: dict[str, int] = {}
    for code_page in CODE_PAGES:
        for byte in range(0x80, 0x100):
            try:
                table.setdefault(bytes([byte]).decode(code_page), byte)
            except UnicodeDecodeError:
                continue
    # Sloppy decoders pass undefined bytes through as C1 controls; map those back too.
    for byte in LOST_BYTES:
        table.setdefault(chr(byte), byte)
    return table


def _sequence_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _is_continuation(byte: int) -> bool:
    return 0x80 <= byte <= 0xBF


def _restore_one_lost_byte(present: bytes, length: int) -> str | None:
    """The single recoverable character that `present` plus one lost byte can encode, if any."""
    fits: set[str] = set()
    if len(present) != length - 1:
        return None
    for gap in range(1, length):
        for lost in LOST_BYTES:
            candidate = present[:gap] + bytes([lost]) + present[gap:]
            try:
                character = candidate.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if character in RECOVERABLE_CHARACTERS:
                fits.add(character)
    return fits.pop() if len(fits) == 1 else None


@dataclass
class _RunDecoder:
    raw: bytes
    text: str = ""
    restored: int = 0
    dropped: int = 0

    def decode(self) -> bool:
        """Decode `raw` as mojibake; False when it is not (the caller keeps the original)."""
        index = 0
        while index < len(self.raw):
            length = _sequence_length(self.raw[index])
            if not length:
                return False
            end = index + 1
            while end < len(self.raw) and end - index < length and _is_continuation(self.raw[end]):
                end += 1
            present = self.raw[index:end]
            if len(present) == length:
                try:
                    self.text += present.decode("utf-8")
                except UnicodeDecodeError:
                    return False
            elif len(present) >= 2:  # a lead and a continuation byte: mojibake, bytes lost
                restored = _restore_one_lost_byte(present, length)
                if restored is None:
                    self.dropped += 1
                else:
                    self.text += restored
                    self.restored += 1
            else:
                return False
            index = end
        return True


@cache
def _run_pattern() -> re.Pattern[str]:
    characters = "".join(re.escape(character) for character in _reverse_code_page())
    return re.compile(f"[{characters}]+")


def mojibake_repair(*, text: str) -> tuple[str, RepairReport]:
    """Undo UTF-8 → cp1252/cp1254 → UTF-8 double encoding; leave genuine non-ASCII text alone."""
    reverse = _reverse_code_page()
    runs = restored = dropped = 0

    def repair_run(match: re.Match[str]) -> str:
        nonlocal runs, restored, dropped
        decoder = _RunDecoder(raw=bytes(reverse[character] for character in match.group()))
        if not decoder.decode():
            return match.group()
        runs += 1
        restored += decoder.restored
        dropped += decoder.dropped
        return decoder.text

    repaired = _run_pattern().sub(repair_run, text)
    return repaired, RepairReport(
        repaired_runs=runs, restored_bytes=restored, dropped_fragments=dropped
    )


# Decorative characters removed from headings: pictographs, dingbats, arrows, emoji modifiers.
_DECORATIVE_RANGES = (
    (0x2190, 0x21FF),  # arrows
    (0x2300, 0x23FF),  # miscellaneous technical (⏱ ⏳)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats (✅ ❌ ⚠)
    (0x27F0, 0x27FF),
    (0x2900, 0x297F),
    (0x2B00, 0x2BFF),
    (0x1F000, 0x1FAFF),  # emoji
)
_INVISIBLE_MODIFIERS = frozenset("\ufe0e\ufe0f\u200d\u20e3")


def _is_decorative(character: str) -> bool:
    code = ord(character)
    if character in _INVISIBLE_MODIFIERS or 0x1F3FB <= code <= 0x1F3FF:
        return True
    if unicodedata.category(character) == "So":
        return True
    return any(low <= code <= high for low, high in _DECORATIVE_RANGES)


def decorative_symbols_strip(*, text: str) -> str:
    """Drop emoji and symbols that only decorate (for headings), collapsing the spaces left."""
    kept = "".join(character for character in text if not _is_decorative(character))
    return " ".join(kept.split())
