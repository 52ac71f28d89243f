"""Turning raw bytes into Markdown text, or refusing with a reason an author can act on."""

import codecs
import json
import re

from courses.importer.errors import CourseImportError

# A few control characters in a text file are typos; more than this share means a binary file.
MAX_CONTROL_CHARACTER_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\n\r\t\f")
_HTML_DOCUMENT = re.compile(r"^\s*(<!doctype\s+html|<html[\s>]|<\?xml)", re.IGNORECASE)
_MARKUP_LINE = re.compile(r"^\s*</?[a-zA-Z][\w-]*(\s[^>]*)?/?>")


def source_decode(*, raw: bytes) -> str:
    """Decode UTF-8 source bytes (a BOM is allowed) and reject binary and non-UTF-8 files."""
    if not raw.strip():
        raise CourseImportError("The file is empty: there is no Markdown to import.")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CourseImportError("The file is UTF-16 encoded; save it as UTF-8 and import again.")
    if b"\x00" in raw:
        raise CourseImportError("The file looks binary (it contains NUL bytes), not Markdown.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CourseImportError(
            f"The file is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); save it as UTF-8 and import again."
        ) from error
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    if controls > MAX_CONTROL_CHARACTER_SHARE * len(text):
        raise CourseImportError("The file looks binary (many control characters), not Markdown.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_reject_other_formats(*, text: str) -> None:
    """Refuse JSON and HTML documents, which Markdown would happily render as a paragraph."""
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            raise CourseImportError("The file is JSON, not Markdown.")
    if _HTML_DOCUMENT.match(stripped):
        raise CourseImportError("The file is an HTML document, not Markdown.")
    lines = [line for line in stripped.splitlines() if line.strip()]
    if lines and sum(1 for line in lines if _MARKUP_LINE.match(line)) > len(lines) / 2:
        raise CourseImportError("The file is mostly HTML or XML markup, not Markdown.")
