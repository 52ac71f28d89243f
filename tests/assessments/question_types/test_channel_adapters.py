"""Each question type owns its channel adapters: the template partial that renders it, reading a
posted portal form back, and its GIFT / Moodle XML mapping. Every registered type implements
each, the form a type renders posts back the response it shows, and a new type needs only its
module, its template and one registry line."""

from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict
from django.template.loader import get_template

from assessments.interchange.model import InterchangeQuestion
from assessments.question_types import QUESTION_TYPES, Grade, QuestionType, ResponseError
from assessments.question_types.form_fields import PostedForm
from assessments.question_types.spec_validation import CommonSpec
from assessments.rendering import question_render_for_learner
from assessments.services.questions import (
    QuestionContent,
    QuestionSpecError,
    question_answer_try,
    question_content_validate,
)
from tests.question_examples import right_response, spec_of

ADAPTERS = ("response_from_form", "spec_from_interchange", "interchange_fields")
FIELD = "q1"


class _PostedFields(HTMLParser):
    """What a browser posts for a rendered form: checked boxes and radios, text inputs,
    textareas and each select's selected option."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.posted: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        name = named.get("name")
        if tag == "input" and name:
            if named.get("type") in {"radio", "checkbox"}:
                if "checked" in named:
                    self.posted.append((name, named.get("value") or ""))
            else:
                self.posted.append((name, named.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.posted.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in named:
            self.posted.append((self._select, named.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.posted[-1]
            self.posted[-1] = (name, text + data)


def _post_of(html: str) -> QueryDict:
    parser = _PostedFields()
    parser.feed(html)
    post = QueryDict(mutable=True)
    for name, value in parser.posted:
        post.appendlist(name, value)
    return post


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_implements_every_channel_adapter(type_name: str) -> None:
    question_type = QUESTION_TYPES[type_name]

    for adapter in ADAPTERS:
        assert getattr(type(question_type), adapter) is not getattr(QuestionType, adapter), adapter
    assert get_template(question_type.template)
    assert type_name in question_type.template


# Every type's example, and a numeric one with a unit typed after the number.
FORM_CASES = [(name, {}, right_response(name)) for name in sorted(QUESTION_TYPES)] + [
    ("numeric", {"unit": "MB"}, f"{right_response('numeric')} MB")
]


@pytest.mark.parametrize(("type_name", "changes", "raw"), FORM_CASES)
def test_the_form_a_type_renders_posts_back_the_response_it_shows(
    type_name: str, changes: dict[str, Any], raw: object
) -> None:
    # given a learner's saved (normalised) response
    question_type = QUESTION_TYPES[type_name]
    spec = spec_of(type_name) | changes
    saved = question_type.normalise_response(spec, raw)

    # when the portal renders the question with it, and the browser posts the form back
    html = question_render_for_learner(
        question_type=type_name,
        spec=spec,
        seed=7,
        option_order=question_type.draw_option_order(spec, 7),
        field_name=FIELD,
        response=saved,
    )
    posted = question_type.response_from_form(_post_of(html), FIELD)

    # then the type reads back the same response
    assert question_type.normalise_response(spec, posted) == saved


def test_a_type_that_cannot_travel_in_moodle_formats_says_so_on_import() -> None:
    question = InterchangeQuestion(type="dockerfile", name="x", text="Write one.")  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="only in Quayside's own format"):
        QUESTION_TYPES["dockerfile"].spec_from_interchange(question)


# A toy question type: everything a new type needs is this class, its template and one registry
# line. (Storing it also needs the question_version_type_known constraint to list it: a
# migration, which Django writes from the registry: `makemigrations` after the registry line.)

TOY_TEMPLATE = "assessments/question_types/toy_word.html"


class ToyWordSpec(CommonSpec):
    word: str


class ToyWord(QuestionType[ToyWordSpec, str]):
    """Type the one word of the spec; 1 or 0."""

    name = "toy_word"
    spec_type = ToyWordSpec
    template = TOY_TEMPLATE

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        word = spec.get("word")
        return [] if isinstance(word, str) and word.strip() else ["word: a non-empty text"]

    def normalise_response(self, spec: ToyWordSpec, raw: object) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise ResponseError("Type a word.")
        return raw.strip().lower()

    def grade_normalised(self, spec: ToyWordSpec, response: str) -> Grade:
        return Grade.of(1 if response == str(spec["word"]).lower() else 0)

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        return form.get(field_name, "")

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        raise ValueError("toy words travel only in Quayside's own format")

    def interchange_fields(self, spec: ToyWordSpec) -> dict[str, Any]:
        return {}


@pytest.fixture
def toy_registered(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> ToyWord:
    # its template ...
    template = tmp_path / TOY_TEMPLATE
    template.parent.mkdir(parents=True)
    template.write_text(
        '<input type="text" name="{{ field_name }}" value="{{ response|default:\'\' }}"'
        ' aria-label="Your word">',
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    # ... and its registry line
    toy = ToyWord()
    monkeypatch.setitem(QUESTION_TYPES, toy.name, toy)
    return toy


def test_a_toy_type_goes_from_authoring_to_a_grade_through_the_registry(
    toy_registered: ToyWord,
) -> None:
    spec = {
        "prompt": "Which instruction sets the working directory?",
        "feedback": "Section 3: Writing Production-Ready Dockerfiles.",
        "word": "WORKDIR",
    }

    # create: the authoring services accept its spec, and refuse a broken one
    question_content_validate(content=QuestionContent(type="toy_word", spec=spec))
    with pytest.raises(QuestionSpecError):
        question_content_validate(content=QuestionContent(type="toy_word", spec={"prompt": "?"}))

    # render: the learner's page shows its fields from its template
    html = question_render_for_learner(
        question_type="toy_word",
        spec=spec,
        seed=1,
        option_order=None,
        field_name=FIELD,
        response="workdir",
    )
    assert 'data-type="toy_word"' in html
    assert f'name="{FIELD}" value="workdir"' in html

    # answer: the posted form reads back through its adapter
    posted = toy_registered.response_from_form(_post_of(html), FIELD)

    # grade: as an attempt grades it
    right = question_answer_try(question_type="toy_word", spec=spec, response=posted, seed=1)
    wrong = question_answer_try(question_type="toy_word", spec=spec, response="COPY", seed=1)
    assert (right.fraction, right.correct) == (1.0, True)
    assert (wrong.fraction, wrong.correct) == (0.0, False)
