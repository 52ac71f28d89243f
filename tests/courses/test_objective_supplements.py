"""Supplementary objectives: declared by another app (the question bank), numbered after the
course's own, left alone by course re-imports, and adopted when the course text states them."""

import pytest

from courses import api as courses_api
from courses.models import LearningObjective, ObjectiveOrigin
from courses.objective_supplements import ObjectiveSupplement
from courses.services import ImportSummary, module_import
from tests.courses.conftest import COURSE_SLUG, DEMO_MODULE

pytestmark = pytest.mark.django_db

LAST_OBJECTIVE = b"- Apply container security best practices\n"
CLI = ObjectiveSupplement(
    slug="use-the-docker-cli",
    text="Use the Docker CLI",
    section_slugs=("essential-docker-commands",),
)


def _import(source: bytes) -> ImportSummary:
    return module_import(source=source, course_slug=COURSE_SLUG, source_name=DEMO_MODULE.name)


def _with_objective(source: bytes, text: str) -> bytes:
    assert LAST_OBJECTIVE in source
    return source.replace(LAST_OBJECTIVE, LAST_OBJECTIVE + f"- {text}\n".encode())


def _rows(module_id: int) -> list[tuple[int, str, str]]:
    return list(
        LearningObjective.objects.filter(module_id=module_id, is_archived=False)
        .order_by("position")
        .values_list("position", "slug", "origin")
    )


def _sync(module_id: int, *supplements: ObjectiveSupplement) -> courses_api.ObjectiveReferences:
    return courses_api.objective_supplements_sync(module_id=module_id, supplements=[*supplements])


def test_a_supplement_follows_the_course_objectives_and_is_referenced_by_slug(
    imported_module: ImportSummary,
) -> None:
    module_id = imported_module.module_id
    assert module_id is not None

    references = _sync(module_id, CLI)

    cli = LearningObjective.objects.get(slug=CLI.slug)
    assert _rows(module_id)[-1] == (6, CLI.slug, ObjectiveOrigin.SUPPLEMENT)
    assert [section.slug for section in cli.taught_in.all()] == ["essential-docker-commands"]
    assert references.by_slug[CLI.slug] == cli.pk
    assert sorted(references.by_position) == [1, 2, 3, 4, 5]


def test_syncing_again_writes_nothing(imported_module: ImportSummary) -> None:
    module_id = imported_module.module_id
    assert module_id is not None
    _sync(module_id, CLI)
    before = LearningObjective.objects.get(slug=CLI.slug).updated_at

    _sync(module_id, CLI)

    assert LearningObjective.objects.get(slug=CLI.slug).updated_at == before


def test_a_reimport_of_the_unchanged_course_leaves_the_supplement_alone(
    imported_module: ImportSummary, module_source: bytes
) -> None:
    module_id = imported_module.module_id
    assert module_id is not None
    _sync(module_id, CLI)

    summary = _import(module_source)

    assert not summary.changed
    assert _rows(module_id)[-1] == (6, CLI.slug, ObjectiveOrigin.SUPPLEMENT)


def test_a_new_course_objective_takes_the_next_position_and_the_supplement_moves_after_it(
    imported_module: ImportSummary, module_source: bytes
) -> None:
    module_id = imported_module.module_id
    assert module_id is not None
    cli_id = _sync(module_id, CLI).by_slug[CLI.slug]

    _import(_with_objective(module_source, "Deploy containers to Amazon ECS"))
    again = _import(_with_objective(module_source, "Deploy containers to Amazon ECS"))

    rows = _rows(module_id)
    assert rows[5] == (6, "deploy-containers-to-amazon-ecs", ObjectiveOrigin.COURSE)
    assert rows[6] == (7, CLI.slug, ObjectiveOrigin.SUPPLEMENT)
    assert LearningObjective.objects.get(slug=CLI.slug).pk == cli_id
    assert not again.changed


def test_the_course_stating_the_supplement_adopts_it(
    imported_module: ImportSummary, module_source: bytes
) -> None:
    module_id = imported_module.module_id
    assert module_id is not None
    cli_id = _sync(module_id, CLI).by_slug[CLI.slug]

    _import(_with_objective(module_source, "Use the Docker CLI"))
    references = _sync(module_id, CLI)

    assert _rows(module_id)[-1] == (6, CLI.slug, ObjectiveOrigin.COURSE)
    assert references.by_slug[CLI.slug] == cli_id
    assert references.by_position[6] == cli_id


def test_a_dropped_supplement_is_removed(imported_module: ImportSummary) -> None:
    module_id = imported_module.module_id
    assert module_id is not None
    _sync(module_id, CLI)

    references = _sync(module_id)

    assert CLI.slug not in references.by_slug
    assert not LearningObjective.objects.filter(slug=CLI.slug).exists()


def test_unknown_sections_and_repeated_slugs_are_refused(imported_module: ImportSummary) -> None:
    module_id = imported_module.module_id
    assert module_id is not None
    elsewhere = ObjectiveSupplement(slug="x", text="X", section_slugs=("no-such-section",))

    with pytest.raises(ValueError, match="no-such-section"):
        _sync(module_id, elsewhere)
    with pytest.raises(ValueError, match="used twice"):
        _sync(module_id, CLI, CLI)
    assert not LearningObjective.objects.filter(origin=ObjectiveOrigin.SUPPLEMENT).exists()
