"""GIFT and Moodle XML through the database service: import mapping, errors, export round trips."""

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from assessments.interchange.model import ExportError
from assessments.models import Provenance, Question, QuestionStatus
from assessments.services.interchange import (
    CATEGORY_TO_SECTION,
    CATEGORY_TO_TAG,
    FORMAT_GIFT,
    FORMAT_MOODLE_XML,
    ImportOutcome,
    questions_export,
    questions_import,
)
from assessments.services.questions import QuestionContent, question_create
from tests.question_examples import QUESTION_EXAMPLES, QuestionExample, spec_of

FIXTURES = Path(__file__).resolve().parent / "interchange" / "fixtures"
SECTION_5 = "See Section 5: Docker Networking Basics."


def _import(
    name: str,
    *,
    section_id: int,
    mapping: str = CATEGORY_TO_TAG,
    data: bytes | None = None,
    author: User | None = None,
) -> ImportOutcome:
    return questions_import(
        data=data if data is not None else (FIXTURES / name).read_bytes(),
        file_name=name,
        file_format=FORMAT_MOODLE_XML if name.endswith(".xml") else FORMAT_GIFT,
        default_section_id=section_id,
        category_mapping=mapping,
        author=author,
    )


def _by_name(name: str) -> tuple[Question, dict[str, Any]]:
    question = Question.objects.select_related("current_version").get(provenance_detail__name=name)
    assert question.current_version is not None
    return question, question.current_version.spec


def test_the_gift_fixture_imports_with_types_answers_fractions_and_feedback(
    docker_sections: dict[int, int], instructor: User
) -> None:
    outcome = _import("questions.gift.txt", section_id=docker_sections[5], author=instructor)

    assert outcome.ok
    assert len(outcome.created) == 8
    types = {
        q.provenance_detail["name"]: q.current_version.type  # type: ignore[union-attr]
        for q in Question.objects.select_related("current_version")
    }
    assert types == {
        "Moodle activities": "matching",
        "Q2": "single_choice",
        "colours": "multiple_response",
        "Q5": "numeric",
        "Shortanswer": "short_text",
        "Q1": "true_false",
        "2-08 TSL": "true_false",
    }
    _, choice = _by_name("Q2")
    assert [(o["text"], o["correct"], o["feedback"]) for o in choice["options"]] == [
        ("yellow", True, "right; good!"),
        ("red", False, "wrong, it's yellow"),
        ("blue", False, "wrong, it's yellow"),
    ]
    _, multiple = _by_name("colours")
    assert [o["text"] for o in multiple["options"] if o["correct"]] == ["yellow", "off-beige"]
    assert multiple["penalty"] is True
    _, numeric = _by_name("Q5")
    assert numeric["answers"] == [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]
    _, short = _by_name("Shortanswer")
    assert [(a["text"], a["fraction"]) for a in short["answers"]] == [("Frog", 1.0), ("Cat", 0.5)]
    _, true_false = _by_name("Q1")
    assert true_false["answer"] is False
    assert true_false["feedback_false"] == "You gave the right answer."
    assert true_false["feedback"].startswith("This is, of course, a Hitchiker's Guide")
    _, matching = _by_name("Moodle activities")
    assert [pair["right"] for pair in matching["pairs"]] == ["Forum", "Choice", "Database", "Wiki"]
    assert matching["distractors"] == ["Chat"]
    created = Question.objects.all()
    assert {q.status for q in created} == {QuestionStatus.DRAFT}
    assert {q.provenance for q in created} == {Provenance.IMPORTED}
    assert {q.created_by for q in created} == {instructor}


def test_imported_html_becomes_markdown_so_learners_never_see_tags(
    docker_sections: dict[int, int],
) -> None:
    _import("questions.gift.txt", section_id=docker_sections[5])
    _import("nested_categories_with_questions.xml", section_id=docker_sections[5])

    _, matching = _by_name("Moodle activities")
    _, iota = _by_name("Iota Question")
    assert matching["prompt"] == "Match the **activity** to the description."
    assert iota["prompt"] == "Testing Iota Question"


def test_imported_feedback_cites_the_section_it_lands_in(docker_sections: dict[int, int]) -> None:
    _import("questions_in_category.gift.txt", section_id=docker_sections[5])

    for question in Question.objects.select_related("current_version"):
        assert question.current_version.spec["feedback"].endswith(SECTION_5)  # type: ignore[union-attr]


def test_unsupported_questions_are_reported_by_type_name_and_position(
    docker_sections: dict[int, int],
) -> None:
    gift = _import("questions.gift.txt", section_id=docker_sections[5])
    xml = _import("nested_categories_with_questions.xml", section_id=docker_sections[5])

    assert [(u.type_name, u.name, u.line) for u in gift.unsupported] == [("essay", "Q8", 2)]
    assert [(u.type_name, u.name, u.line) for u in xml.unsupported] == [
        ("essay", "Kappa Essay Question", 55)
    ]


def test_categories_become_tags_when_chosen(docker_sections: dict[int, int]) -> None:
    outcome = _import("nested_categories_with_questions.xml", section_id=docker_sections[5])

    assert outcome.categories == ["Iota", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu"]
    lambda_question, _ = _by_name("Lambda Question")
    assert sorted(lambda_question.tags.values_list("name", flat=True)) == [
        "iota",
        "kappa",
        "lambda",
    ]
    assert set(Question.objects.values_list("section_id", flat=True)) == {docker_sections[5]}


def test_a_category_named_after_a_section_chooses_that_section(
    docker_sections: dict[int, int],
) -> None:
    # given one category names section 7 and the other names nothing in the course
    data = (
        b"$CATEGORY: $course$/Essential Docker Commands\n\n"
        b"::ps::Which command lists running containers?{=docker ps ~docker images}\n\n"
        b"$CATEGORY: $course$/Elsewhere\n\n"
        b"::tf::Containers share the host kernel.{T}\n"
    )
    # when
    outcome = _import(
        "mapped.gift", section_id=docker_sections[5], mapping=CATEGORY_TO_SECTION, data=data
    )
    # then
    assert outcome.ok
    ps, ps_spec = _by_name("ps")
    tf, _ = _by_name("tf")
    assert ps.section_id == docker_sections[7]
    assert ps_spec["feedback"] == "See Section 7: Essential Docker Commands."
    assert tf.section_id == docker_sections[5]
    assert not ps.tags.exists()


def test_a_broken_file_reports_line_numbers_and_writes_nothing(
    docker_sections: dict[int, int],
) -> None:
    data = (
        b"::good::Containers share the host kernel.{T}\n\n"
        b"::broken::Which flag publishes a port?{=-p ~-v\n\n"
        b"::also-good::Images are layered.{T}\n"
    )
    before = Question.objects.count()

    outcome = _import("broken.gift", section_id=docker_sections[5], data=data)

    assert not outcome.ok
    assert outcome.created == []
    assert outcome.errors[0].line == 3
    assert Question.objects.count() == before


def test_a_file_that_is_not_utf8_is_an_error_on_line_one(docker_sections: dict[int, int]) -> None:
    outcome = _import(
        "latin1.gift", section_id=docker_sections[5], data="::é::x{T}".encode("latin-1")
    )

    assert [error.line for error in outcome.errors] == [1]
    assert Question.objects.count() == 0


def test_importing_twice_creates_distinct_keys(docker_sections: dict[int, int]) -> None:
    first = _import("questions_in_category.gift.txt", section_id=docker_sections[5])
    second = _import("questions_in_category.gift.txt", section_id=docker_sections[5])

    assert len(set(first.created) | set(second.created)) == 8


TRAVELLING = [e for e in QUESTION_EXAMPLES.values() if e.in_moodle_formats]
STAYING = [e for e in QUESTION_EXAMPLES.values() if not e.in_moodle_formats]


def _create(example: QuestionExample, section_id: int, **changes: Any) -> Question:
    return question_create(
        key=f"net-{example.question_type.replace('_', '-')}",
        section_id=section_id,
        content=QuestionContent(
            type=example.question_type, spec=example.spec() | changes, points=2.0
        ),
        provenance=Provenance.AUTHORED,
        status=QuestionStatus.READY,
        tags=["networking"],
    )


@pytest.mark.parametrize("file_format", [FORMAT_GIFT, FORMAT_MOODLE_XML])
def test_export_then_import_keeps_every_supported_field(
    docker_sections: dict[int, int], file_format: str
) -> None:
    # given the example of every type both formats carry, in section 5
    originals = [_create(example, docker_sections[5]) for example in TRAVELLING]
    # when
    exported = questions_export(questions=originals, file_format=file_format)
    outcome = questions_import(
        data=exported,
        file_name=f"export.{file_format}",
        file_format=file_format,
        default_section_id=docker_sections[1],
        category_mapping=CATEGORY_TO_SECTION,
        author=None,
    )
    # then
    assert outcome.ok, outcome.errors
    assert outcome.unsupported == []
    for original in originals:
        copy, spec = _by_name(original.key)
        assert original.current_version is not None
        assert copy.current_version is not None
        assert copy.current_version.type == original.current_version.type
        assert spec == original.current_version.spec, original.key
        assert copy.current_version.points == original.current_version.points
        assert copy.section_id == docker_sections[5]
        assert "networking" in copy.tags.values_list("name", flat=True)


@pytest.mark.parametrize("file_format", [FORMAT_GIFT, FORMAT_MOODLE_XML])
def test_the_examples_marked_as_staying_home_are_refused_by_export(
    docker_sections: dict[int, int], file_format: str
) -> None:
    questions = [_create(example, docker_sections[5]) for example in STAYING]

    with pytest.raises(ExportError) as raised:
        questions_export(questions=questions, file_format=file_format)

    assert {problem.name for problem in raised.value.problems} == {q.key for q in questions}
    assert {problem.message for problem in raised.value.problems} <= {
        "GIFT has no equivalent question type",
        "Moodle has no equivalent question type",
    }


def test_moodle_xml_keeps_a_numeric_unit(docker_sections: dict[int, int]) -> None:
    question = _create(QUESTION_EXAMPLES["numeric"], docker_sections[5], unit="MB")

    exported = questions_export(questions=[question], file_format=FORMAT_MOODLE_XML)
    _import("unit.xml", section_id=docker_sections[5], data=exported)

    assert _by_name(question.key)[1]["unit"] == "MB"


def test_export_reports_what_a_format_cannot_hold_instead_of_losing_it(
    docker_sections: dict[int, int],
) -> None:
    parameterised = question_create(
        key="publish-port",
        section_id=docker_sections[5],
        content=QuestionContent(
            type="docker_command",
            spec={
                "parameters": {"port": {"integer": [8000, 8999]}},
                "prompt": "Publish port 80 on host port {{port}}.",
                "answers": [{"command": "docker run -p {{port}}:80 nginx:1.25", "fraction": 1}],
                "feedback": SECTION_5,
            },
        ),
        provenance=Provenance.AUTHORED,
    )
    regex = question_create(
        key="driver-regex",
        section_id=docker_sections[5],
        content=QuestionContent(
            type="short_text",
            spec={
                "prompt": "Name the default driver.",
                "answers": [{"regex": "bridge( driver)?", "fraction": 1}],
                "feedback": SECTION_5,
            },
        ),
        provenance=Provenance.AUTHORED,
    )

    with pytest.raises(ExportError) as raised:
        questions_export(questions=[parameterised, regex], file_format=FORMAT_MOODLE_XML)

    assert {(p.name, p.message) for p in raised.value.problems} == {
        ("publish-port", "parameterised variants cannot be exported"),
        ("driver-regex", "regular-expression answers cannot be exported"),
    }


@pytest.mark.parametrize("file_format", [FORMAT_GIFT, FORMAT_MOODLE_XML])
def test_worked_examples_stay_behind_on_export_and_do_not_break_it(
    docker_sections: dict[int, int], file_format: str
) -> None:
    """Moodle has no place for worked examples; they are tests of the key, not content."""
    spec = spec_of("docker_command")
    spec["examples"] = {"accept": [spec["answers"][0]["command"]], "reject": ["docker ps"]}
    question = question_create(
        key="with-examples",
        section_id=docker_sections[5],
        content=QuestionContent(type="docker_command", spec=spec),
        provenance=Provenance.AUTHORED,
    )

    exported = questions_export(questions=[question], file_format=file_format)
    name = "examples.xml" if file_format == FORMAT_MOODLE_XML else "examples.gift"
    _import(name, section_id=docker_sections[5], data=exported)

    copy_spec = _by_name("with-examples")[1]
    assert "examples" not in copy_spec
    assert copy_spec == {name: value for name, value in spec.items() if name != "examples"}
