"""A job whose learner, attempt, submission or certificate was deleted after it was queued ends
quietly: one log line, no traceback, no retry. Every task that takes an id is checked."""

import inspect
import logging

import pytest

from quayside.celery import app

# Nothing has this id: the sequences of a fresh test database never reach it.
GONE_ID = 987_654_321
OUR_APPS = (
    "accounts.",
    "assessments.",
    "certificates.",
    "courses.",
    "lms.",
    "lti.",
    "practicals.",
)


def _tasks_taking_an_id() -> list[str]:
    app.loader.import_default_modules()
    return sorted(
        name
        for name, task in app.tasks.items()
        if name.startswith(OUR_APPS)
        and any(parameter.endswith("_id") for parameter in inspect.signature(task.run).parameters)
    )


ID_TASKS = _tasks_taking_an_id()


def test_the_tasks_that_take_ids_are_all_found():
    assert {
        "certificates.evaluate_learner",
        "certificates.render_pdf",
        "lms.send_webhook",
        "lti.send_grade",
        "practicals.grade_submission",
    } <= set(ID_TASKS)


@pytest.mark.parametrize("name", ID_TASKS)
def test_a_job_for_a_deleted_object_ends_with_a_log_line(db, caplog, name: str):
    caplog.set_level(logging.INFO)

    outcome = app.tasks[name].apply(args=(GONE_ID,), throw=True)

    assert outcome.successful()
    lines = [record for record in caplog.records if str(GONE_ID) in record.getMessage()]
    assert lines, f"{name} logged nothing about {GONE_ID}"
    assert all(record.exc_info is None for record in caplog.records)


def test_an_object_missing_deep_in_a_task_ends_it_with_one_warning(db, caplog):
    # render_pdf loads the certificate itself; the task base turns DoesNotExist into a line
    caplog.set_level(logging.INFO)

    app.tasks["certificates.render_pdf"].apply(args=(GONE_ID,), throw=True)

    (line,) = [record for record in caplog.records if record.name == "quayside.celery"]
    assert line.levelno == logging.WARNING
    assert "does not exist" in line.getMessage()
    assert line.exc_info is None
