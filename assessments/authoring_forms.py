"""Forms of the instructors' authoring UI. The spec is edited as YAML, validated by its type."""

from typing import Any

import yaml
from django import forms

from assessments.models import QuestionStatus
from assessments.question_types import QUESTION_TYPES
from assessments.question_types.examples import EXAMPLES_FIELD
from assessments.services.questions import (
    QuestionContent,
    QuestionSpecError,
    question_content_validate,
)

# Authors paste whole Dockerfiles and long prompts; a spec beyond this is a mistake, not a question.
SPEC_MAX_CHARACTERS = 50_000
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
# A tried answer is at most a Dockerfile; each type applies its own, smaller limit when grading.
TRY_ANSWER_MAX_CHARACTERS = 70_000


def _spec_from_yaml(text: str) -> dict[str, Any]:
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise forms.ValidationError(f"The spec is not valid YAML: {error}") from None
    if not isinstance(spec, dict):
        raise forms.ValidationError("The spec must be a YAML mapping (prompt: ..., options: ...).")
    return spec


class QuestionForm(forms.Form):
    key = forms.RegexField(
        regex=KEY_PATTERN,
        max_length=100,
        help_text="Stable identity: lower-case letters, digits and hyphens.",
        error_messages={"invalid": "Use lower-case letters, digits and hyphens only."},
    )
    section = forms.TypedChoiceField(coerce=int)
    type = forms.ChoiceField(
        choices=[(name, name.replace("_", " ")) for name in sorted(QUESTION_TYPES)]
    )
    objectives = forms.TypedMultipleChoiceField(coerce=int, required=False)
    tags = forms.CharField(required=False, help_text="Comma-separated.")
    exam_only = forms.BooleanField(
        required=False,
        label="Exam pool",
        help_text=(
            "Only the final exam draws this question; no quiz or practice ever shows it. "
            "Mark it before any learner sees it."
        ),
    )
    points = forms.FloatField(min_value=0.01, max_value=1000, initial=1)
    difficulty = forms.FloatField(min_value=0, max_value=1, initial=0.5)
    spec = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false"}),
        max_length=SPEC_MAX_CHARACTERS,
        help_text="YAML: prompt, feedback and the fields of the type (see the format guide).",
    )
    change_note = forms.CharField(required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        sections: list[tuple[int, str]],
        objectives: list[tuple[int, str]],
        key_locked: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections  # type: ignore[attr-defined]
        self.fields["objectives"].choices = objectives  # type: ignore[attr-defined]
        if key_locked:
            self.fields["key"].disabled = True

    def clean_spec(self) -> dict[str, Any]:
        return _spec_from_yaml(self.cleaned_data["spec"])

    def clean_tags(self) -> list[str]:
        return [tag.strip().lower() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "spec" in cleaned and "type" in cleaned:
            try:
                question_content_validate(content=self.content(cleaned))
            except QuestionSpecError as error:
                for problem in error.errors:
                    self.add_error("spec", problem)
        return cleaned

    def content(self, cleaned: dict[str, Any] | None = None) -> QuestionContent:
        values = cleaned if cleaned is not None else self.cleaned_data
        return QuestionContent(
            type=values["type"],
            spec=values["spec"],
            points=values.get("points") or 1,
            difficulty=float(values.get("difficulty") or 0),
            objective_ids=tuple(values.get("objectives") or ()),
        )


class TryAnswerForm(forms.Form):
    """An answer to grade with a (possibly unsaved) spec, for the "try an answer" box.

    The spec's own examples are left out: an author tries answers precisely while the key and
    the examples disagree.
    """

    type = forms.ChoiceField(choices=[(name, name) for name in sorted(QUESTION_TYPES)])
    spec = forms.CharField(max_length=SPEC_MAX_CHARACTERS)
    answer = forms.CharField(max_length=TRY_ANSWER_MAX_CHARACTERS, strip=False)
    answer_dockerignore = forms.CharField(
        max_length=TRY_ANSWER_MAX_CHARACTERS, required=False, strip=False
    )

    def clean_spec(self) -> dict[str, Any]:
        spec = _spec_from_yaml(self.cleaned_data["spec"])
        return {name: value for name, value in spec.items() if name != EXAMPLES_FIELD}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "spec" not in cleaned or "type" not in cleaned:
            return cleaned
        question_type = QUESTION_TYPES[cleaned["type"]]
        if not question_type.takes_examples:
            raise forms.ValidationError(
                "Only typed answers can be tried here (short text, Docker command, numeric, "
                "Dockerfile); use the preview for questions answered by choosing."
            )
        for problem in question_type.validate_spec(cleaned["spec"]):
            self.add_error("spec", problem)
        return cleaned

    def response(self) -> object:
        """The answer as a learner's browser would send it."""
        spec = self.cleaned_data["spec"]
        if self.cleaned_data["type"] == "dockerfile" and "dockerignore_starter" in spec:
            return {
                "dockerfile": self.cleaned_data["answer"],
                "dockerignore": self.cleaned_data["answer_dockerignore"],
            }
        return self.cleaned_data["answer"]


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("retire", "Retire"),
        ("ready", "Mark ready"),
        ("draft", "Back to draft"),
        ("tag", "Add tags"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    question_ids = forms.TypedMultipleChoiceField(coerce=int)
    tags = forms.CharField(required=False)

    def __init__(self, *args: Any, question_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question_ids"].choices = [(pk, str(pk)) for pk in question_ids]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == "tag" and not (cleaned.get("tags") or "").strip():
            self.add_error("tags", "Name at least one tag to add.")
        return cleaned

    def status(self) -> QuestionStatus | None:
        return {
            "retire": QuestionStatus.RETIRED,
            "ready": QuestionStatus.READY,
            "draft": QuestionStatus.DRAFT,
        }.get(self.cleaned_data["action"])


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    FORMATS = [("gift", "Moodle GIFT (.txt, .gift)"), ("moodle_xml", "Moodle XML (.xml)")]
    CATEGORY_MAPPINGS = [
        ("section", "Categories choose the section (by name); the rest go to the section below"),
        ("tag", "Categories become tags; every question goes to the section below"),
    ]
    # Moodle exports with embedded images can be large, but a question file this big is an error.
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    file = forms.FileField()
    format = forms.ChoiceField(choices=FORMATS)
    section = forms.TypedChoiceField(coerce=int)
    category_mapping = forms.ChoiceField(choices=CATEGORY_MAPPINGS, initial="tag")

    def __init__(self, *args: Any, sections: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections  # type: ignore[attr-defined]

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size} bytes; the limit is {self.MAX_UPLOAD_BYTES} bytes."
            )
        return bytes(upload.read())


def spec_to_yaml(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)
