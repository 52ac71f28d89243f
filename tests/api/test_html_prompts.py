"""Prompts and options come as sanitised HTML beside their Markdown source."""

from typing import Any

from rest_framework.test import APIClient

from assessments.models import AssessmentSlot


def test_prompts_and_options_carry_sanitised_html(
    api: APIClient, make_question: Any, make_assessment: Any
) -> None:
    question = make_question("single_choice")
    version = question.current_version
    spec = dict(version.spec)
    spec["prompt"] = "Which **command** lists containers? <script>alert(1)</script>"
    version.spec = spec
    version.save(update_fields=["spec"])
    assessment = make_assessment([question], slug="html-quiz")
    assert AssessmentSlot.objects.filter(assessment=assessment).count() == 1

    started = api.post(f"/api/v1/assessments/{assessment.slug}/attempts/").json()

    view = started["items"][0]["view"]
    assert view["prompt"].startswith("Which **command**")
    assert "<strong>command</strong>" in view["prompt_html"]
    assert "<script" not in view["prompt_html"]
    assert all("text_html" in option for option in view["options"])
    assert sorted(option["text"] for option in view["options"]) == sorted(
        option["text"] for option in spec["options"]
    )
