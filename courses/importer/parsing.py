"""From raw bytes of a module file to a `ParsedModule`. Pure: no database, no HTML.

Layout the parser expects (the course files' own):
- one "# Module N.N: Title" heading (the "Module N.N:" part is optional);
- level-2 headings split the file into parts: "Learning Objectives" (a list), "Section N: Title"
  (the sections), "Key Takeaways" (a list); other parts before the first section are the intro,
  after it the summary (e.g. "Next Steps"). Without any "Section N:" heading, every other level-2
  part is a section.
Decorative symbols are stripped from every heading; bodies keep theirs (✅/❌ carry meaning).
"""

import hashlib
import re
from dataclasses import dataclass

from django.utils.text import slugify
from markdown_it.token import Token

from courses.content_shape import SLUG_MAX_LENGTH, TITLE_MAX_LENGTH
from courses.importer.blocks import blocks_extract
from courses.importer.data import ParsedModule, ParsedObjective, ParsedSection
from courses.importer.errors import CourseImportError
from courses.importer.mojibake import decorative_symbols_strip, mojibake_repair
from courses.importer.objectives import objective_sections_map
from courses.importer.source import source_decode, source_reject_other_formats
from courses.importer.tokens import inline_plain_text, markdown_parser

_MODULE_HEADING = re.compile(
    r"^module\s+(?P<number>\d+(\.\d+)*)\s*[:.\-\u2013\u2014]\s*(?P<title>.+)$", re.I
)
_SECTION_HEADING = re.compile(
    r"^section\s+\d+\s*[:.\-\u2013\u2014]\s*(?P<title>.+)$", re.IGNORECASE
)
_OBJECTIVES_HEADING = re.compile(r"^(learning\s+)?objectives$", re.IGNORECASE)
_TAKEAWAYS_HEADING = re.compile(r"^(key\s+)?takeaways$", re.IGNORECASE)
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")


@dataclass(frozen=True)
class _Part:
    """A level-2 heading (cleaned) and the Markdown under it."""

    heading: str
    body: str


def _strip_breaks(lines: list[str]) -> str:
    """The lines as text, without the blank lines and `---` rules around them."""
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or _THEMATIC_BREAK.match(lines[start])):
        start += 1
    while end > start and (not lines[end - 1].strip() or _THEMATIC_BREAK.match(lines[end - 1])):
        end -= 1
    return "\n".join(lines[start:end])


def _clean_heading(token: Token) -> str:
    return decorative_symbols_strip(text=inline_plain_text(token))


def _split(text: str) -> tuple[str, str, list[_Part]]:
    """(h1 text, intro under the h1, level-2 parts)."""
    tokens = markdown_parser().parse(text)
    lines = text.split("\n")
    title = ""
    title_end = 0
    starts: list[tuple[int, int, str]] = []  # (first line, body line, heading)
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        if token.tag == "h1" and not title:
            title, title_end = _clean_heading(tokens[index + 1]), token.map[1]
        elif token.tag == "h2":
            starts.append((token.map[0], token.map[1], _clean_heading(tokens[index + 1])))
    if not title:
        raise CourseImportError(
            "No module title: the file needs a level-1 heading such as '# Module 1.1: Title'."
        )
    first_part = starts[0][0] if starts else len(lines)
    intro = _strip_breaks(lines[title_end:first_part])
    parts = [
        _Part(
            heading,
            _strip_breaks(lines[body : (starts[i + 1][0] if i + 1 < len(starts) else None)]),
        )
        for i, (_, body, heading) in enumerate(starts)
    ]
    return title, intro, parts


def _list_items(markdown: str) -> list[str]:
    """The inline Markdown of each top-level list item's first paragraph."""
    tokens = markdown_parser().parse(markdown)
    items: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "list_item_open" and token.level == 1:
            inline = tokens[index + 2]
            if inline.type == "inline":
                items.append(inline.content.strip())
    return items


def _clean_body_headings(markdown: str) -> tuple[str, tuple[str, ...]]:
    """Body with decorative symbols stripped from its headings, and those headings' texts."""
    lines = markdown.split("\n")
    tokens = markdown_parser().parse(markdown)
    headings: list[str] = []
    for index in reversed(range(len(tokens))):
        token = tokens[index]
        if token.type != "heading_open" or token.map is None:
            continue
        inline = tokens[index + 1]
        cleaned = decorative_symbols_strip(text=inline.content)
        start, end = token.map
        level = int(token.tag[1])
        lines[start:end] = ["#" * level + " " + cleaned] + [""] * (end - start - 1)
        headings.append(_clean_heading(inline))
    return "\n".join(lines), tuple(reversed(headings))


def _unique_slug(text: str, taken: set[str]) -> str:
    base = slugify(text)[: SLUG_MAX_LENGTH - 4].strip("-") or "untitled"
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    taken.add(slug)
    return slug


def _sections(parts: list[_Part]) -> tuple[list[ParsedSection], str, str]:
    """(sections, intro parts, summary parts) according to the module docstring."""
    numbered = any(_SECTION_HEADING.match(part.heading) for part in parts)
    sections: list[ParsedSection] = []
    intro: list[str] = []
    summary: list[str] = []
    taken: set[str] = set()
    for part in parts:
        if _OBJECTIVES_HEADING.match(part.heading) or _TAKEAWAYS_HEADING.match(part.heading):
            continue
        match = _SECTION_HEADING.match(part.heading)
        if match is None and numbered:
            (summary if sections else intro).append(f"## {part.heading}\n\n{part.body}")
            continue
        title = (match.group("title") if match else part.heading).strip()[:TITLE_MAX_LENGTH]
        body, subheadings = _clean_body_headings(part.body)
        sections.append(
            ParsedSection(
                position=len(sections) + 1,
                slug=_unique_slug(title, taken),
                title=title,
                body_markdown=body,
                blocks=blocks_extract(tokens=markdown_parser().parse(body)),
                subheadings=subheadings,
            )
        )
    return sections, "\n\n".join(intro), "\n\n".join(summary)


def _part_items(parts: list[_Part], pattern: re.Pattern[str]) -> list[str]:
    return [
        item for part in parts if pattern.match(part.heading) for item in _list_items(part.body)
    ]


def module_parse(*, raw: bytes) -> ParsedModule:
    """Parse a module file. Raises CourseImportError for anything that is not a module."""
    text = source_decode(raw=raw)
    source_reject_other_formats(text=text)
    text, repair = mojibake_repair(text=text)
    heading, intro, parts = _split(text)
    match = _MODULE_HEADING.match(heading)
    number, title = (match.group("number"), match.group("title")) if match else ("", heading)
    sections, section_intro, summary = _sections(parts)
    if not sections:
        raise CourseImportError(
            "No sections: the file needs '## Section 1: Title' (or other level-2) headings."
        )
    objective_texts = [
        decorative_symbols_strip(text=item) for item in _part_items(parts, _OBJECTIVES_HEADING)
    ]
    taught_in = objective_sections_map(
        objectives=objective_texts,
        sections=[(section.slug, section.title, section.subheadings) for section in sections],
    )
    objective_slugs: set[str] = set()
    objectives = tuple(
        ParsedObjective(
            position=position,
            slug=_unique_slug(text, objective_slugs),
            text=text,
            section_slugs=section_slugs,
        )
        for position, (text, section_slugs) in enumerate(
            zip(objective_texts, taught_in, strict=True), start=1
        )
    )
    return ParsedModule(
        number=number,
        title=title.strip()[:TITLE_MAX_LENGTH],
        intro_markdown="\n\n".join(filter(None, [intro, section_intro])),
        summary_markdown=summary,
        objectives=objectives,
        sections=tuple(sections),
        takeaways=tuple(_part_items(parts, _TAKEAWAYS_HEADING)),
        source_sha256=hashlib.sha256(raw).hexdigest(),
        repair=repair,
    )
