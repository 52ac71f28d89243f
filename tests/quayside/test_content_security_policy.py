"""Content-Security-Policy on every page (Django's own middleware): scripts only from our static
files, images only from us; question Markdown cannot load a third party's image."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from assessments.rendering import question_render_for_learner
from courses.rendering import markdown_render

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "/",
    "/accounts/log-in/",
    "/accounts/sign-up/",
    "/verify/",
    "/admin/login/",
    "/api/docs/",
    "/api/v1/verify/ABCDE-FGHJK-MNPQR-STVWX/",
    "/no-such-page/",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def _policy(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (directive.split() for directive in header.split(";") if directive)
    }


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_policy(db, path):
    response = Client().get(path)

    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_only_the_api_docs_allow_inline_styles(db):
    docs = _policy(Client().get("/api/docs/")["Content-Security-Policy"])
    home = _policy(Client().get("/")["Content-Security-Policy"])

    assert "'unsafe-inline'" in docs["style-src"]
    assert home["style-src"] == ["'self'"]


def test_the_api_docs_load_their_script_from_a_url(db):
    page = Client().get("/api/docs/").content.decode()

    script_urls = re.findall(r'<script src="([^"]+)"', page)
    assert not INLINE_SCRIPT.search(page)
    init = Client().get(script_urls[-1].replace("&amp;", "&"))
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.content.decode()


@pytest.mark.parametrize(
    "template", sorted((ROOT / "templates").rglob("*.html")), ids=lambda p: p.name
)
def test_no_template_has_an_inline_script_or_handler(template: Path):
    text = template.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(text)
    assert not EVENT_HANDLER.search(text)
    assert "style=" not in text


@pytest.mark.parametrize(
    "source",
    [
        "![diagram](https://tracker.example/pixel.png)",
        "![diagram](//tracker.example/pixel.png)",
        "![diagram](/\\tracker.example/pixel.png)",
        '<img src="https://tracker.example/pixel.png">',
    ],
)
def test_markdown_never_loads_an_image_from_another_host(source: str):
    html = markdown_render(text=source)

    for src in re.findall(r'<img[^>]*\ssrc="([^"]*)"', html):
        parts = urlsplit(src)
        assert (parts.scheme, parts.netloc) == ("", ""), src
        assert not src.startswith("//")
        assert "\\" not in src


def test_a_question_prompt_keeps_our_own_images_and_drops_others():
    spec = {
        "prompt": "Look: ![ours](/static/img/layers.png) ![theirs](https://tracker.example/p.png)",
        "options": [
            {"text": "docker ps", "correct": True},
            {"text": "docker images", "correct": False},
        ],
    }

    html = question_render_for_learner(
        question_type="single_choice", spec=spec, seed=1, option_order=None, field_name="q1"
    )

    assert 'src="/static/img/layers.png"' in html
    assert "tracker.example" not in html


def test_table_alignment_survives_as_a_class_not_a_style():
    html = markdown_render(text="| a | b |\n|--:|:-:|\n| 1 | 2 |\n")

    assert '<td class="align-right">1</td>' in html
    assert 'class="align-center"' in html
    assert "style=" not in html
