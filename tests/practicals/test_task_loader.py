from pathlib import Path

import pytest

from courses.models import Module
from practicals.grading import task_spec_for_version
from practicals.models import PracticalTask, PracticalTaskVersion
from practicals.services.tasks import LoadAction, practical_tasks_load
from practicals.task_definitions import TaskDefinitionError, task_definition_read
from tests.practicals.conftest import SECTION_SLUGS, TASK_SLUG, write_task


def test_it_creates_the_task_with_its_first_version(course_module: Module, task_root: Path):
    outcomes = practical_tasks_load(root=task_root, module_id=course_module.pk)

    assert [(o.slug, o.action, o.version) for o in outcomes] == [(TASK_SLUG, LoadAction.CREATED, 1)]
    task = PracticalTask.objects.get(slug=TASK_SLUG)
    version = task.current_version
    assert version is not None
    assert version.number == 1
    assert version.submission_kind == "dockerfile"
    assert version.starter_files == {
        "Dockerfile": "FROM python:3.11-slim-bookworm\n",
        "app.py": 'print("hello")\n',
    }
    assert version.rubric[1] == {
        "check": "image-user-not-root",
        "points": 6,
        "section": SECTION_SLUGS[1],
        "params": {"uid_min": 1},
        "required": False,
    }
    assert version.limits == {"build_seconds": 60}
    assert sorted(task.sections.values_list("slug", flat=True)) == sorted(SECTION_SLUGS)
    assert version.objectives.count() == 1


def test_loading_again_without_changes_is_a_no_op(course_module: Module, task_root: Path):
    practical_tasks_load(root=task_root, module_id=course_module.pk)

    again = practical_tasks_load(root=task_root, module_id=course_module.pk)

    assert again[0].action == LoadAction.UNCHANGED
    assert PracticalTaskVersion.objects.count() == 1


def test_a_changed_starter_file_makes_a_new_version_and_keeps_the_old(
    course_module: Module, task_root: Path
):
    practical_tasks_load(root=task_root, module_id=course_module.pk)
    (task_root / TASK_SLUG / "starter" / "app.py").write_text('print("changed")\n')

    outcomes = practical_tasks_load(root=task_root, module_id=course_module.pk)

    assert outcomes[0].action == LoadAction.NEW_VERSION
    task = PracticalTask.objects.get(slug=TASK_SLUG)
    assert task.current_version is not None
    assert task.current_version.number == 2
    assert list(task.versions.values_list("number", flat=True)) == [1, 2]
    first = task.versions.get(number=1)
    assert first.starter_files["app.py"] == 'print("hello")\n'


def test_a_changed_rubric_makes_a_new_version(course_module: Module, tmp_path: Path):
    root = tmp_path / "tasks"
    write_task(root)
    practical_tasks_load(root=root, module_id=course_module.pk)
    write_task(root, pass_percent=80)

    outcomes = practical_tasks_load(root=root, module_id=course_module.pk)

    assert (outcomes[0].action, outcomes[0].version) == (LoadAction.NEW_VERSION, 2)


def test_it_refuses_a_rubric_citing_a_section_the_module_lacks(
    course_module: Module, tmp_path: Path
):
    root = tmp_path / "tasks"
    write_task(
        root, rubric=[{"check": "build-succeeds", "points": 1, "section": "no-such-section"}]
    )

    with pytest.raises(TaskDefinitionError, match="no-such-section"):
        practical_tasks_load(root=root, module_id=course_module.pk)
    assert not PracticalTask.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"limits": {"build_minutes": 3}}, "unknown limits"),
        ({"limits": {"run_pids": -1}}, "positive number"),
        ({"submission_kind": "zipfile"}, "zipfile"),
        ({"rubric": []}, "rubric is empty"),
        ({"pass_percent": 120}, "between 0 and 100"),
        ({"rubric": [{"check": "no-such-check", "points": 1, "section": "x"}]}, "unknown check"),
        (
            {"rubric": [{"check": "build-succeeds", "points": 0, "section": SECTION_SLUGS[0]}]},
            "positive",
        ),
        ({"slug": "another-slug"}, "slug"),
        (
            {"rubric": [{"check": "healthcheck", "points": 1, "section": "x", "required": "yes"}]},
            "required must be true or false",
        ),
        (
            {
                "rubric": [
                    {
                        "check": "app-round-trip",
                        "points": 1,
                        "section": SECTION_SLUGS[0],
                        "params": {"requests": [{"path": "/notes", "json": {"text": "x"}}]},
                    }
                ]
            },
            "check app-round-trip: requests\\[0\\]: a POST sends a `json` body",
        ),
        (
            {"rubric": [{"check": "build-output-runs", "points": 1, "section": SECTION_SLUGS[0]}]},
            "needs params artefact, manifest, source",
        ),
    ],
)
def test_it_refuses_invalid_definitions(tmp_path: Path, overrides: dict, message: str):
    folder = write_task(tmp_path, **overrides)

    with pytest.raises(TaskDefinitionError, match=message):
        task_definition_read(folder)


def test_a_required_check_is_stored_with_the_version_and_graded_as_required(
    course_module: Module, tmp_path: Path
):
    # given
    root = tmp_path / "tasks"
    rubric = [
        {"check": "build-succeeds", "points": 4, "section": SECTION_SLUGS[0], "required": True},
        {"check": "healthcheck", "points": 1, "section": SECTION_SLUGS[0]},
    ]
    write_task(root, rubric=rubric)

    # when
    practical_tasks_load(root=root, module_id=course_module.pk)

    # then
    version = PracticalTask.objects.get(slug=TASK_SLUG).current_version
    assert version is not None
    assert [item["required"] for item in version.rubric] == [True, False]
    spec = task_spec_for_version(version)
    assert [item.required for item in spec.rubric] == [True, False]


def test_a_version_stored_before_required_checks_existed_has_none(
    course_module: Module, task_root: Path
):
    practical_tasks_load(root=task_root, module_id=course_module.pk)
    version = PracticalTaskVersion.objects.get()
    version.rubric = [{k: v for k, v in item.items() if k != "required"} for item in version.rubric]
    version.save(update_fields=["rubric"])

    spec = task_spec_for_version(PracticalTaskVersion.objects.select_related("task").get())

    assert [item.required for item in spec.rubric] == [False, False]
