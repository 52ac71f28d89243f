import pytest

from courses.importer.mojibake import (
    LOST_BYTES,
    RECOVERABLE_CHARACTERS,
    decorative_symbols_strip,
    mojibake_repair,
)


def _mis_decode(text: str, code_page: str) -> str:
    """What the course files went through: UTF-8 bytes read as a Windows code page."""
    return text.encode("utf-8").decode(code_page, errors="ignore")


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("â”Œâ”€â”€â”", "┌──┐"),  # 0x90 of ┐ was lost
        ("# âœ… Good", "# ✅ Good"),
        ("# âŒ Bad", "# ❌ Bad"),  # 0x9D of ❌ was lost
        ("## \u011f\u0178\u201c\u2013 Section", "## 📖 Section"),  # cp1254: F0 read as ğ
        ("## ğŸ¯ Learning", "## 🎯 Learning"),  # 0x8E lost (undefined in cp1254)
        ("\u00e2\u0161\xa0\u00ef\u00b8 **Not recommended**", "⚠\ufe0f **Not recommended**"),
    ],
)
def test_it_repairs_the_sequences_found_in_the_course_file(broken: str, expected: str) -> None:
    repaired, report = mojibake_repair(text=broken)

    assert repaired == expected
    assert report.changed


@pytest.mark.parametrize("code_page", ["cp1252", "cp1254"])
def test_it_round_trips_text_mis_decoded_by_either_code_page(code_page: str) -> None:
    # given
    original = "Container → “Image” — café ✅ ❌ ┐ 🎯 📝"

    # when
    repaired, _ = mojibake_repair(text=_mis_decode(original, code_page))

    # then
    assert repaired == original


def test_it_leaves_genuine_non_ascii_text_alone() -> None:
    text = "Café — naïve “quotes”, São Paulo, Ãlvaro, 50 \u00d7 2 ≥ 99"

    repaired, report = mojibake_repair(text=text)

    assert repaired == text
    assert not report.changed


@pytest.mark.parametrize("lost", ["🍕", "🏝"])  # one lost byte, no known fit; two lost bytes
def test_it_drops_a_fragment_it_cannot_restore_rather_than_guess(lost: str) -> None:
    # given
    broken = "Lunch " + _mis_decode(lost, "cp1254") + "!"

    # when
    repaired, report = mojibake_repair(text=broken)

    # then
    assert repaired == "Lunch !"
    assert report.dropped_fragments == 1


def test_every_recoverable_character_comes_back_from_any_single_lost_byte() -> None:
    failures = []
    for character in sorted(RECOVERABLE_CHARACTERS):
        encoded = character.encode("utf-8")
        for index, byte in enumerate(encoded[1:], start=1):
            if byte not in LOST_BYTES:
                continue
            degraded = (encoded[:index] + encoded[index + 1 :]).decode("cp1252", errors="replace")
            if "\ufffd" in degraded:
                continue
            repaired, _ = mojibake_repair(text=degraded)
            if repaired != character:
                failures.append((character, repaired))

    assert failures == []


def test_headings_lose_decorative_symbols_and_keep_words() -> None:
    assert decorative_symbols_strip(text="📖 Section 1: VMs ✅ → Containers") == (
        "Section 1: VMs Containers"
    )
    assert decorative_symbols_strip(text="Docker & Containerization: 1.1") == (
        "Docker & Containerization: 1.1"
    )
