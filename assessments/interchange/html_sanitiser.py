"""Sanitising HTML that arrives in imported questions (it is authored outside Quayside)."""

import re
from dataclasses import replace

import nh3

from assessments.interchange.model import InterchangeQuestion, TextFormat

PLUGINFILE_PREFIX = "@@PLUGINFILE@@/"
# Only images embedded in the file itself: a remote src would let an imported question track
# every learner who opens it.
DATA_IMAGE_PREFIX = "data:image/"
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# "data" must be a known scheme for nh3 to keep data: images; the attribute filter below then
# restricts it to <img src>.
URL_SCHEMES = LINK_SCHEMES | {"data"}

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "samp",
        "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "span": {"style"},
    "p": {"style"},
    "div": {"style"},
}
ALLOWED_STYLE_PROPERTIES = frozenset(
    {"font-style", "font-weight", "text-decoration", "text-align", "color"}
)
# Formats Moodle renders as HTML; markdown is rendered (and sanitised) by our own pipeline
# and plain text is always escaped.
HTML_FORMATS = frozenset({TextFormat.HTML, TextFormat.MOODLE})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def _url_is_allowed(tag: str, attribute: str, value: str) -> bool:
    if tag == "img" and attribute == "src":
        return value.startswith((PLUGINFILE_PREFIX, DATA_IMAGE_PREFIX))
    scheme = _SCHEME.match(value)
    return scheme is None or scheme.group(1).lower() in LINK_SCHEMES


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in {"href", "src"} and not _url_is_allowed(tag, attribute, value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    filter_style_properties=ALLOWED_STYLE_PROPERTIES,
)


def sanitise_html(html: str) -> str:
    return _CLEANER.clean(html)


def sanitise_text(text: str, text_format: TextFormat) -> str:
    """Sanitise ``text`` when ``text_format`` is rendered as HTML, else return it unchanged."""
    if text_format in HTML_FORMATS:
        return sanitise_html(text)
    return text


def sanitise_question(question: InterchangeQuestion) -> InterchangeQuestion:
    """Sanitise every text of an imported question that will be rendered as HTML."""
    answers = tuple(
        replace(
            answer,
            text=sanitise_text(answer.text, answer.text_format),
            feedback=sanitise_text(answer.feedback, answer.feedback_format),
        )
        for answer in question.answers
    )
    pairs = tuple(
        replace(pair, prompt=sanitise_text(pair.prompt, pair.prompt_format))
        for pair in question.pairs
    )
    return replace(
        question,
        text=sanitise_text(question.text, question.text_format),
        general_feedback=sanitise_text(question.general_feedback, question.general_feedback_format),
        answers=answers,
        pairs=pairs,
    )
