"""Shared markdown-it plumbing for the parser: one configured parser, plain text of inlines."""

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token


@cache
def markdown_parser() -> MarkdownIt:
    """CommonMark plus GFM tables: the dialect course authors write."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def inline_plain_text(token: Token) -> str:
    """The text an inline token shows, without emphasis markers or link targets."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return " ".join("".join(parts).split())
