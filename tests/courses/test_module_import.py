"""Importing into the database: idempotence, updates in place, all-or-nothing failures."""

import json

import pytest
from django.core import serializers

from courses.importer import CourseImportError
from courses.models import ContentBlock, Course, KeyTakeaway, LearningObjective, Module, Section
from courses.services import ImportSummary, module_import
from tests.courses.conftest import COURSE_SLUG, DEMO_MODULE
from tests.courses.test_importer_parsing import MOJIBAKE_MARKERS, SECTION_TITLES

pytestmark = pytest.mark.django_db

COURSE_MODELS = (Course, Module, Section, LearningObjective, KeyTakeaway, ContentBlock)


def _database_dump() -> str:
    """Every course row and column, timestamps included."""
    rows = [serializers.serialize("json", model.objects.order_by("pk")) for model in COURSE_MODELS]
    return "\n".join(rows)


def _heading_start(text: str, heading: str) -> int:
    """Where the level-2 heading line containing `heading` starts (emoji prefix and all)."""
    return text.rindex("\n## ", 0, text.index(heading)) + 1


def _reimport(source: bytes) -> ImportSummary:
    return module_import(source=source, course_slug=COURSE_SLUG, source_name=DEMO_MODULE.name)


def test_the_real_file_imports_seven_sections_five_objectives_five_takeaways(
    imported_module: ImportSummary,
) -> None:
    module = Module.objects.get()

    assert module.display_title == "Module 1.1: Docker & Containerization Basics"
    assert module.slug == "module-1-1"
    assert module.imported_at is not None
    assert list(module.sections.values_list("title", flat=True)) == SECTION_TITLES
    assert module.objectives.count() == 5
    assert module.takeaways.count() == 5
    assert imported_module.counts["sections"].created == 7
    assert imported_module.blocks_by_kind == {
        "bad_good_pair": 8,
        "code": 11,
        "command": 61,
        "diagram": 4,
        "table": 1,
    }


def test_no_mojibake_is_stored_in_any_course_row(imported_module: ImportSummary) -> None:
    text = json.dumps(
        [list(model.objects.values()) for model in COURSE_MODELS], default=str, ensure_ascii=False
    )

    assert [marker for marker in MOJIBAKE_MARKERS if marker in text] == []
    assert "✅" in Section.objects.get(position=3).body_markdown


def test_stored_blocks_hold_the_table_pairs_and_commands(imported_module: ImportSummary) -> None:
    table = ContentBlock.objects.get(kind="table")
    pairs = ContentBlock.objects.filter(kind="bad_good_pair")
    docker_ps_a = ContentBlock.objects.get(kind="command", payload__command="docker ps -a")

    assert table.section.position == 1
    assert table.payload["header"] == ["Feature", "Virtual Machines", "Containers"]
    assert ["Startup", "Minutes", "Seconds"] in table.payload["rows"]
    assert sorted({pair.section.position for pair in pairs}) == [3, 6]
    assert docker_ps_a.section.title == "Essential Docker Commands"
    assert docker_ps_a.payload["explanation"] == "List all containers (including stopped)"


def test_objectives_are_linked_to_the_sections_that_teach_them(
    imported_module: ImportSummary,
) -> None:
    objective = LearningObjective.objects.get(position=4)

    assert objective.text == "Configure Docker networking"
    assert [section.title for section in objective.taught_in.all()] == ["Docker Networking Basics"]


def test_a_second_import_of_the_same_file_changes_no_row(
    imported_module: ImportSummary, module_source: bytes
) -> None:
    # given
    before = _database_dump()

    # when
    summary = _reimport(module_source)

    # then
    assert _database_dump() == before
    assert summary.changed is False
    assert summary.counts["blocks"].unchanged == 85


def test_a_changed_file_updates_rows_in_place_keeping_ids_and_slugs(
    imported_module: ImportSummary, module_source: bytes
) -> None:
    # given
    ids_before = dict(Section.objects.values_list("slug", "pk"))
    docker_ps = ContentBlock.objects.get(payload__command="docker ps")
    edited = (
        module_source.decode()
        .replace("Docker provides several network drivers:", "Docker ships network drivers:")
        .replace("Section 2: Docker Architecture", "Section 2: How Docker Is Built")
        .replace("# Stop container\ndocker stop myapp", "# Stop a container\ndocker stop myapp")
    )

    # when
    summary = _reimport(edited.encode())

    # then
    assert dict(Section.objects.values_list("slug", "pk")) == ids_before
    renamed = Section.objects.get(position=2)
    assert (renamed.slug, renamed.title) == ("docker-architecture", "How Docker Is Built")
    assert "Docker ships network drivers:" in Section.objects.get(position=5).body_html
    assert ContentBlock.objects.get(payload__command="docker ps").pk == docker_ps.pk
    stop = ContentBlock.objects.get(payload__command="docker stop myapp")
    assert stop.payload["explanation"] == "Stop a container"
    assert summary.counts["sections"].updated == 3  # 2 renamed, 5 and 7 edited
    assert summary.counts["sections"].created == 0
    assert summary.counts["blocks"].updated == 1
    assert summary.counts["blocks"].deleted == 0


def test_a_removed_section_is_deleted_unless_something_points_at_it(
    imported_module: ImportSummary, module_source: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a file without section 7, and section 7 referenced from another app
    text = module_source.decode()
    start = _heading_start(text, "Section 7:")
    without_commands = text[:start] + text[_heading_start(text, "Key Takeaways") :]
    monkeypatch.setattr("courses.services._is_referenced", lambda row: isinstance(row, Section))

    # when
    summary = _reimport(without_commands.encode())

    # then
    archived = Section.objects.get(slug="essential-docker-commands")
    assert archived.is_archived is True
    assert archived.blocks.count() == 45
    assert summary.counts["sections"].archived == 1
    assert Section.objects.filter(is_archived=False).count() == 6


def test_a_re_added_section_comes_back_from_the_archive(
    imported_module: ImportSummary, module_source: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    text = module_source.decode()
    start = _heading_start(text, "Section 7:")
    monkeypatch.setattr("courses.services._is_referenced", lambda row: True)
    _reimport((text[:start] + text[_heading_start(text, "Key Takeaways") :]).encode())
    archived_id = Section.objects.get(is_archived=True).pk

    # when
    _reimport(module_source)

    # then
    section = Section.objects.get(slug="essential-docker-commands")
    assert (section.pk, section.is_archived, section.position) == (archived_id, False, 7)


def test_reordered_sections_keep_their_rows(
    imported_module: ImportSummary, module_source: bytes
) -> None:
    # given sections 5 and 6 swapped
    text = module_source.decode()
    five = _heading_start(text, "Section 5:")
    six = _heading_start(text, "Section 6:")
    seven = _heading_start(text, "Section 7:")
    swapped = text[:five] + text[six:seven] + text[five:six] + text[seven:]
    ids = dict(Section.objects.values_list("slug", "pk"))

    # when
    _reimport(swapped.encode())

    # then
    assert dict(Section.objects.values_list("slug", "pk")) == ids
    assert Section.objects.get(slug="container-security-best-practices").position == 5
    assert Section.objects.get(slug="docker-networking-basics").position == 6


@pytest.mark.parametrize(
    "source",
    [
        b"",
        b"\x00\x01\x02binary",
        b"\xff\xfeM\x00o\x00",
        b"# Module 1.1: Caf\xe9\n\n## Section 1: X\n",
        b'{"not": "markdown"}',
        b"<html><body>hi</body></html>",
        b"# Module 1.1: Lonely\n\nNo sections here.\n",
    ],
)
def test_bad_input_raises_and_writes_nothing(source: bytes) -> None:
    with pytest.raises(CourseImportError):
        module_import(source=source, course_slug=COURSE_SLUG)

    assert [model.objects.count() for model in COURSE_MODELS] == [0] * len(COURSE_MODELS)


def test_bad_input_leaves_an_existing_import_untouched(
    imported_module: ImportSummary,
) -> None:
    before = _database_dump()

    with pytest.raises(CourseImportError, match="No sections"):
        module_import(source="# Module 1.1: Emptied\n", course_slug=COURSE_SLUG)

    assert _database_dump() == before


def test_a_failure_while_writing_rolls_everything_back(
    module_source: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the takeaways step fails after sections were written
    def explode(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("courses.services._takeaways_sync", explode)

    # when
    with pytest.raises(RuntimeError):
        module_import(source=module_source, course_slug=COURSE_SLUG)

    # then
    assert [model.objects.count() for model in COURSE_MODELS] == [0] * len(COURSE_MODELS)


def test_a_section_a_question_points_at_is_archived_and_the_question_survives(
    imported_module: ImportSummary, module_source: bytes
) -> None:
    # given a question (assessments app) on section 7, and nothing on section 6
    from assessments.models import Question

    section = Section.objects.get(slug="essential-docker-commands")
    question = Question.objects.create(key="docker-ps", section=section, provenance="authored")
    text = module_source.decode()
    without_six_and_seven = (
        text[: _heading_start(text, "Section 6:")] + text[_heading_start(text, "Key Takeaways") :]
    )

    # when
    summary = _reimport(without_six_and_seven.encode())

    # then
    assert Section.objects.get(pk=section.pk).is_archived is True
    assert not Section.objects.filter(slug="container-security-best-practices").exists()
    assert Question.objects.get(pk=question.pk).section_id == section.pk
    assert (summary.counts["sections"].archived, summary.counts["sections"].deleted) == (1, 1)
