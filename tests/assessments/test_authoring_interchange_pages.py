"""The authoring pages' import and export: every fixture format, category mapping, all or nothing,
and an export that imports again."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Question
from assessments.services.interchange import CATEGORY_TO_SECTION, FORMAT_GIFT, questions_import
from tests.assessments.conftest import QuestionMaker

FIXTURES = Path(__file__).resolve().parent / "interchange" / "fixtures"


def _upload(
    client: Client, name: str, section_id: int, mapping: str = "tag", data: bytes | None = None
):  # type: ignore[no-untyped-def]
    content = data if data is not None else (FIXTURES / name).read_bytes()
    return client.post(
        reverse("authoring:question_import"),
        {
            "file": SimpleUploadedFile(name, content),
            "format": "moodle_xml" if name.endswith(".xml") else "gift",
            "section": section_id,
            "category_mapping": mapping,
        },
    )


@pytest.mark.parametrize(
    ("name", "created", "unsupported"),
    [
        ("questions.gift.txt", 8, "essay “Q8” at line 2"),
        ("questions_in_category.gift.txt", 4, None),
        ("nested_categories_with_questions.xml", 4, "essay “Kappa Essay Question” at line 55"),
    ],
)
def test_the_import_page_imports_each_fixture_and_reports_unsupported_types(
    instructor_client: Client,
    docker_sections: dict[int, int],
    name: str,
    created: int,
    unsupported: str | None,
) -> None:
    response = _upload(instructor_client, name, docker_sections[5])

    assert response.status_code == 200
    assert len(response.context["outcome"].created) == created == Question.objects.count()
    if unsupported:
        assert unsupported in response.content.decode()


def test_the_import_page_maps_categories_to_tags(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    _upload(instructor_client, "questions_in_category.gift.txt", docker_sections[5], "tag")

    for question in Question.objects.all():
        assert list(question.tags.values_list("name", flat=True)) == ["default-for-new-features"]
        assert question.section_id == docker_sections[5]


def test_the_import_page_maps_categories_to_sections(
    instructor_client: Client, docker_sections: dict[int, int]
) -> None:
    fixture = (FIXTURES / "questions_in_category.gift.txt").read_text()
    data = fixture.replace("Default for New Features", "Docker Architecture").encode()

    _upload(instructor_client, "mapped.gift", docker_sections[5], "section", data)

    assert set(Question.objects.values_list("section_id", flat=True)) == {docker_sections[2]}
    assert not Question.objects.filter(tags__isnull=False).exists()


def test_a_broken_file_on_the_import_page_writes_nothing(
    instructor_client: Client, docker_sections: dict[int, int], make_question: QuestionMaker
) -> None:
    make_question()
    before = Question.objects.count()
    data = b"::ok::Fine.{T}\n\n::bad::Unclosed {=a ~b\n"

    response = _upload(instructor_client, "broken.gift", docker_sections[5], data=data)

    assert response.status_code == 422
    assert "Nothing was imported" in response.content.decode()
    assert "Line 3" in response.content.decode()
    assert Question.objects.count() == before


def test_the_export_page_downloads_a_file_that_imports_again(
    instructor_client: Client, docker_sections: dict[int, int], make_question: QuestionMaker
) -> None:
    original = make_question(key="web-port", section_id=docker_sections[5])

    response = instructor_client.get(
        reverse("authoring:question_export"), {"format": "gift", "status": "ready"}
    )
    outcome = questions_import(
        data=response.content,
        file_name="export.gift",
        file_format=FORMAT_GIFT,
        default_section_id=docker_sections[1],
        category_mapping=CATEGORY_TO_SECTION,
        author=None,
    )

    assert response["Content-Disposition"] == 'attachment; filename="quayside-questions.gift.txt"'
    assert outcome.ok
    copy = Question.objects.exclude(pk=original.pk).get()
    assert copy.section_id == docker_sections[5]
    assert copy.current_version.spec == original.current_version.spec  # type: ignore[union-attr]


def test_the_export_page_lists_what_cannot_be_exported(
    instructor_client: Client, make_question: QuestionMaker
) -> None:
    make_question(
        key="regex-answer",
        question_type="short_text",
        spec={
            "prompt": "Name the default driver.",
            "answers": [{"regex": "bridge( driver)?", "fraction": 1}],
            "feedback": "Section 5.",
        },
    )

    response = instructor_client.get(reverse("authoring:question_export"), {"format": "gift"})

    assert response.status_code == 422
    assert "regular-expression answers cannot be exported" in response.content.decode()
