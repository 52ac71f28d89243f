"""Recognising ASCII/box-drawing diagrams, so they stay monospaced and unhighlighted."""

import re

# Two lines of box drawing make a diagram; one stray arrow in prose does not.
MIN_DIAGRAM_LINES = 2
_BOX_CHARACTERS = re.compile(r"[\u2500-\u257f\u2580-\u259f▲►▶▼◄◀]")
_ASCII_BOX_EDGE = re.compile(r"[+|][-=]{3,}|[-=]{3,}[+|]|^\s*\|.*\|\s*$")


def text_is_diagram(*, text: str) -> bool:
    """True for fenced text without a language that draws boxes and lines."""
    lines = text.splitlines()
    box_lines = sum(1 for line in lines if _BOX_CHARACTERS.search(line))
    ascii_lines = sum(1 for line in lines if _ASCII_BOX_EDGE.search(line))
    return max(box_lines, ascii_lines) >= MIN_DIAGRAM_LINES
