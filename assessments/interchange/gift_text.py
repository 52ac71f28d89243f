"""Lexical layer of GIFT: blocks, comments, escapes, format prefixes and weights.

Escaped control characters (``\\~``, ``\\=``, ...) are swapped for Unicode noncharacters before
any structural search, so ``str.find`` and ``str.split`` never see them; ``restore_escapes``
turns them back into the characters they stand for.
"""

import re
from dataclasses import dataclass

from assessments.interchange.model import TextFormat

COMMENT_PREFIX = "//"
CATEGORY_PREFIX = "$CATEGORY:"
# Characters a backslash escapes in GIFT; "n" stands for a newline.
ESCAPABLE = "\\:#={}~n"
# U+FDD0..U+FDEF are Unicode noncharacters: never valid in interchanged text, so they cannot
# collide with anything an author wrote.
_PLACEHOLDER_BASE = 0xFDD0
_PLACEHOLDERS = {char: chr(_PLACEHOLDER_BASE + i) for i, char in enumerate(ESCAPABLE)}
_RESTORED = {
    ord(placeholder): ("\n" if char == "n" else char) for char, placeholder in _PLACEHOLDERS.items()
}
_UNPROTECTED = {ord(placeholder): "\\" + char for char, placeholder in _PLACEHOLDERS.items()}
_RESERVED_PLACEHOLDER = re.compile("[\ufdd0-\ufdef]")
# Characters escaped on export, in the order that keeps the result unambiguous.
_EXPORT_ESCAPES = (("\\", "\\\\"), ("~", "\\~"), ("=", "\\="), ("#", "\\#"), ("{", "\\{"))
_EXPORT_ESCAPES_TAIL = (("}", "\\}"), (":", "\\:"), ("\r", ""), ("\n", "\\n"))

FORMAT_NAMES = {
    "html": TextFormat.HTML,
    "markdown": TextFormat.MARKDOWN,
    "plain": TextFormat.PLAIN,
    "moodle": TextFormat.MOODLE,
}
# Text without a [format] prefix is in Moodle's auto format.
DEFAULT_FORMAT = TextFormat.MOODLE
PERCENT = 100.0
# Moodle stores fractions with seven decimals; rounding keeps 33.33333% == 0.3333333.
FRACTION_DIGITS = 7
PERCENT_DIGITS = 5
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_ID_NUMBER = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]\x00-\x1f])+)\]")
# Our own metadata, in comments Moodle ignores: grading weights GIFT has no syntax for.
POINTS_KEY = "quayside-points"
PENALTY_KEY = "quayside-penalty"
_POINTS = re.compile(rf"\[{POINTS_KEY}:([^\]]*)\]")
_PENALTY = re.compile(rf"\[{PENALTY_KEY}:([^\]]*)\]")


class GiftSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class GiftBlock:
    """One blank-line separated chunk of a GIFT file.

    ``text`` keeps one line per source line (comment lines blanked) so that an offset maps
    back to a line number; escapes are already protected.
    """

    first_line: int
    text: str
    comments: tuple[str, ...]

    def line_at(self, offset: int) -> int:
        return self.first_line + self.text.count("\n", 0, offset)


@dataclass(frozen=True)
class Segment:
    """A slice of a block's text and where it starts, for error line numbers."""

    text: str
    offset: int


def protect_escapes(text: str) -> str:
    protected: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following and following in _PLACEHOLDERS:
            protected.append(_PLACEHOLDERS[following])
            index += 2
        else:
            protected.append(char)
            index += 1
    return "".join(protected)


def restore_escapes(text: str) -> str:
    return text.translate(_RESTORED)


def unprotect_escapes(text: str) -> str:
    """Put escape sequences back exactly as written, for text GIFT reads raw."""
    return text.translate(_UNPROTECTED)


def escape_gift(text: str) -> str:
    for char, escaped in (*_EXPORT_ESCAPES, *_EXPORT_ESCAPES_TAIL):
        text = text.replace(char, escaped)
    return text


def find_reserved_character(source: str) -> int | None:
    """Line of a Unicode noncharacter in ``source`` (they are reserved for escapes)."""
    match = _RESERVED_PLACEHOLDER.search(source)
    return None if match is None else source.count("\n", 0, match.start()) + 1


def split_blocks(source: str) -> list[GiftBlock]:
    blocks: list[GiftBlock] = []
    lines: list[str] = []
    comments: list[str] = []
    first_line = 1
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            if lines:
                blocks.append(
                    GiftBlock(first_line, protect_escapes("\n".join(lines)), (*comments,))
                )
            lines, comments = [], []
            continue
        if not lines:
            first_line = number
        if stripped.startswith(COMMENT_PREFIX):
            comments.append(stripped)
            lines.append("")
        else:
            lines.append(line)
    if lines:
        blocks.append(GiftBlock(first_line, protect_escapes("\n".join(lines)), (*comments,)))
    return blocks


def split_format(raw: str, default: TextFormat) -> tuple[str, TextFormat]:
    """Strip a leading ``[html]``-style prefix; unknown prefixes stay part of the text."""
    text = raw.strip()
    if text.startswith("["):
        end = text.find("]")
        text_format = FORMAT_NAMES.get(text[1:end]) if end > 0 else None
        if text_format is not None:
            return restore_escapes(text[end + 1 :]).strip(), text_format
    return restore_escapes(text).strip(), default


def split_weight(segment: Segment, block: GiftBlock) -> tuple[float | None, Segment]:
    """Read a leading ``%50%`` weight as a fraction (0.5); None when there is none."""
    stripped = segment.text.lstrip()
    start = segment.offset + len(segment.text) - len(stripped)
    if not stripped.startswith("%"):
        return None, segment
    match = _WEIGHT.match(stripped)
    if match is None:
        raise GiftSyntaxError(block.line_at(start), "malformed answer weight: expected %<number>%")
    percent = float(match.group(1))
    if abs(percent) > PERCENT:
        raise GiftSyntaxError(block.line_at(start), f"answer weight {percent:g}% is outside ±100%")
    rest = Segment(stripped[match.end() :], start + match.end())
    return round(percent / PERCENT, FRACTION_DIGITS), rest


def split_markers(text: str, offset: int, markers: str) -> list[Segment]:
    """Cut ``text`` before every marker character; each piece keeps its marker."""
    pieces: list[Segment] = []
    start = 0
    for index, char in enumerate(text):
        if char in markers:
            if index > start:
                pieces.append(Segment(text[start:index], offset + start))
            start = index
    pieces.append(Segment(text[start:], offset + start))
    return [piece for piece in pieces if piece.text.strip()]


def split_feedback(segment: Segment) -> tuple[Segment, str]:
    text, _, feedback = segment.text.partition("#")
    return Segment(text, segment.offset), feedback


def format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def format_percent(fraction: float) -> str:
    return format_number(round(fraction * PERCENT, PERCENT_DIGITS))


def read_id_number_and_tags(comments: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Moodle's ``// [id:...] [tag:...]`` metadata comments (``\\]`` escapes a bracket)."""
    joined = "\n".join(comments)
    id_match = _ID_NUMBER.search(joined)
    id_number = id_match.group(1).replace("\\]", "]").strip() if id_match else ""
    tags = tuple(match.group(1).replace("\\]", "]").strip() for match in _TAG.finditer(joined))
    return id_number, tags


def read_grading_weights(comments: tuple[str, ...]) -> tuple[str | None, str | None]:
    """Raw ``[quayside-points:...]`` and ``[quayside-penalty:...]`` values, if present."""
    joined = "\n".join(comments)
    points, penalty = _POINTS.search(joined), _PENALTY.search(joined)
    return (points.group(1) if points else None), (penalty.group(1) if penalty else None)


def _escape_bracket(text: str) -> str:
    return text.replace("]", "\\]")


def write_metadata(
    id_number: str, tags: tuple[str, ...], points: float | None, penalty: float | None
) -> str:
    """The metadata comment line; None weights are Moodle's defaults and left out."""
    parts = [f"[id:{_escape_bracket(id_number)}]"] if id_number else []
    parts += [f"[tag:{_escape_bracket(tag)}]" for tag in tags]
    if points is not None:
        parts.append(f"[{POINTS_KEY}:{format_number(points)}]")
    if penalty is not None:
        parts.append(f"[{PENALTY_KEY}:{format_number(penalty)}]")
    return f"{COMMENT_PREFIX} {' '.join(parts)}\n" if parts else ""
