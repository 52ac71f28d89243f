"""Markdown to safe HTML for the reader: tables, Pygments highlighting, monospaced diagrams.

Instructors will author content later, so the output always goes through nh3 with an allow-list;
raw HTML in the Markdown is escaped, never passed through.
"""

import html
import re
from collections.abc import Sequence
from functools import cache, lru_cache

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from pygments import highlight  # no stubs; see report
from pygments.formatters import HtmlFormatter  # no stubs; see report
from pygments.lexers import get_lexer_by_name  # no stubs; see report
from pygments.token import STANDARD_TYPES  # no stubs; see report
from pygments.util import ClassNotFound  # no stubs; see report

from courses.diagrams import text_is_diagram

HEADING_ID_PREFIX = "h-"
# Section bodies are shown under the page's h1, so their top heading level becomes h2.
TOP_BODY_HEADING_LEVEL = 2
MAX_HEADING_LEVEL = 6
# Rendering is a pure function of the text, and the same prompts and options are rendered for
# every learner who starts an exam: keep this many recent results per process (a few MB at most).
MARKDOWN_CACHE_ENTRIES = 4096

_ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "div",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}
# Column alignment travels as a class: the Content-Security-Policy forbids inline styles.
_ALIGN_CLASSES = {f"align-{side}": side for side in ("left", "center", "right")}
_ALLOWED_CLASSES: dict[str, set[str]] = {
    "div": {"highlight", "table-wrap"},
    "pre": {"diagram"},
    "th": set(_ALIGN_CLASSES),
    "td": set(_ALIGN_CLASSES),
}
# An image is shown only from this site: a path, or a name relative to the page. An address on
# another host would tell it who reads the course (and the CSP's img-src refuses it anyway).
_LOCAL_IMAGE = re.compile(r"/(?![/\\])[^\s\\]*|[A-Za-z0-9_.-][^\s:\\]*")


@cache
def _pygments_classes() -> set[str]:
    """The token classes Pygments' HTML formatter emits (k, nb, s2, ...)."""
    return {name for name in STANDARD_TYPES.values() if name}


def _fence(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    text = token.content
    if not language:
        css = ' class="diagram"' if text_is_diagram(text=text) else ""
        return f"<pre{css}><code>{html.escape(text)}</code></pre>\n"
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return f"<pre><code>{html.escape(text)}</code></pre>\n"
    return highlight(text, lexer, HtmlFormatter(cssclass="highlight", wrapcode=True))


def _table_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return '<div class="table-wrap">' + renderer.renderToken(tokens, idx, options, env)


def _table_close(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return renderer.renderToken(tokens, idx, options, env) + "</div>\n"


def _heading_slug(text: str) -> str:
    return HEADING_ID_PREFIX + (slugify(text) or "heading")


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_slug)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def _shift_headings(tokens: list[Token]) -> None:
    levels = [int(token.tag[1]) for token in tokens if token.type == "heading_open"]
    if not levels:
        return
    shift = TOP_BODY_HEADING_LEVEL - min(levels)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(max(int(token.tag[1]) + shift, TOP_BODY_HEADING_LEVEL), MAX_HEADING_LEVEL)
            token.tag = f"h{level}"


def _local_images_only(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not _LOCAL_IMAGE.fullmatch(value):
        return None
    return value


def html_sanitise(*, markup: str) -> str:
    classes = {**_ALLOWED_CLASSES, "span": _pygments_classes()}
    return nh3.clean(
        markup,
        tags=set(_ALLOWED_TAGS),
        attributes=_ALLOWED_ATTRIBUTES,
        allowed_classes=classes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_local_images_only,
    )


def _alignment_as_classes(tokens: list[Token]) -> None:
    """markdown-it aligns table cells with style="text-align:x"; make that class="align-x"."""
    for token in tokens:
        if token.type in {"th_open", "td_open"} and "style" in token.attrs:
            side = str(token.attrs.pop("style")).removeprefix("text-align:").strip()
            if f"align-{side}" in _ALIGN_CLASSES:
                token.attrSet("class", f"align-{side}")


def markdown_render(*, text: str) -> str:
    """Block Markdown to sanitised HTML; its highest heading becomes an h2 with an id."""
    return _markdown_render_cached(text)


@lru_cache(maxsize=MARKDOWN_CACHE_ENTRIES)
def _markdown_render_cached(text: str) -> str:
    md = _markdown()
    env: EnvType = {}
    tokens = md.parse(text, env)
    _shift_headings(tokens)
    _alignment_as_classes(tokens)
    return html_sanitise(markup=md.renderer.render(tokens, md.options, env))


def markdown_render_inline(*, text: str) -> str:
    """One line of Markdown (a list item, a takeaway) to sanitised inline HTML."""
    return _markdown_render_inline_cached(text)


@lru_cache(maxsize=MARKDOWN_CACHE_ENTRIES)
def _markdown_render_inline_cached(text: str) -> str:
    return html_sanitise(markup=_markdown().renderInline(text))
