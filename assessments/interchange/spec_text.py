"""What every question type's GIFT / Moodle XML adapter shares: imported text as Markdown (the
format of every question spec) and answers written back. Pure Python, like the parsers.
"""

import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from assessments.interchange.model import Answer, TextFormat

# Moodle's wildcard answer: "anything else" in short text and numeric questions.
MOODLE_WILDCARD = "*"

# Markdown would otherwise read these characters of imported text as markup.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
_INLINE_MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "kbd": "`"}
_BLOCK_TAGS = frozenset({"p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table"})


class _MarkdownWriter(HTMLParser):
    """Writes the (already sanitised) HTML of an imported text as Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str] = []
        self._verbatim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _INLINE_MARKS:
            self.parts.append(_INLINE_MARKS[tag])
            self._verbatim += _INLINE_MARKS[tag] == "`"
        elif tag == "pre":
            self.parts.append("\n\n```\n")
            self._verbatim += 1
        elif tag == "br":
            self.parts.append("  \n")
        elif tag == "a":
            self._links.append(attributes.get("href") or "")
            self.parts.append("[")
        elif tag == "img":
            self.parts.append(f"![{attributes.get('alt') or ''}]({attributes.get('src') or ''})")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS or tag in ("ul", "ol"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE_MARKS:
            self.parts.append(_INLINE_MARKS[tag])
            self._verbatim -= _INLINE_MARKS[tag] == "`"
        elif tag == "pre":
            self.parts.append("\n```\n\n")
            self._verbatim -= 1
        elif tag == "a" and self._links:
            self.parts.append(f"]({self._links.pop()})")
        elif tag in _BLOCK_TAGS or tag in ("ul", "ol"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self._verbatim > 0 else _MARKDOWN_SPECIAL.sub(r"\\\1", data))


def markdown_from_imported(text: str, text_format: TextFormat) -> str:
    """Imported text as Markdown, the format of every question spec.

    The parsers have sanitised HTML already; our Markdown renderer escapes raw HTML, so without
    this a learner would read `<p>` and `<b>` literally.
    """
    if text_format in (TextFormat.MARKDOWN, TextFormat.PLAIN) or not text.strip():
        return text
    if text_format == TextFormat.MOODLE:
        # Moodle's auto format turns each newline into a line break.
        text = text.replace("\r\n", "\n").replace("\n", "<br>")
    writer = _MarkdownWriter()
    writer.feed(text)
    writer.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(writer.parts)).strip()


def feedback_of(answer: Answer) -> str:
    return markdown_from_imported(answer.feedback, answer.feedback_format)


def option_text(answer: Answer) -> str:
    return markdown_from_imported(answer.text, answer.text_format)


def exported_answer(
    text: str,
    fraction: float,
    entry: Mapping[str, Any],
    *,
    text_format: TextFormat = TextFormat.PLAIN,
) -> Answer:
    """An answer to export, its feedback (Markdown) taken from the spec entry."""
    return Answer(
        text=text,
        fraction=float(fraction),
        feedback=str(entry.get("feedback") or ""),
        text_format=text_format,
        feedback_format=TextFormat.MARKDOWN,
    )
