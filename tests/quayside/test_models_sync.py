from decimal import Decimal

import pytest
from django.core.exceptions import FieldDoesNotExist

from assessments.models import Assessment, AssessmentKind
from courses.models import ContentBlock
from quayside.models_sync import fields_update_changed
from tests.factories import ContentBlockFactory, ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment() -> Assessment:
    row = Assessment.objects.create(
        slug="final-exam",
        title="Final exam",
        kind=AssessmentKind.FINAL_EXAM,
        module=ModuleFactory(),
        passing_percent=Decimal("72.10"),
        attempts_allowed=2,
    )
    row.refresh_from_db()
    return row


def test_it_saves_only_the_changed_fields_and_names_them(assessment: Assessment) -> None:
    # given
    stamped = assessment.updated_at
    Assessment.objects.filter(pk=assessment.pk).update(description="edited elsewhere")

    # when
    changed = fields_update_changed(
        row=assessment,
        values={"title": "Final exam", "attempts_allowed": 3, "time_limit_seconds": 60},
    )

    # then
    assert changed == ["attempts_allowed", "time_limit_seconds"]
    assessment.refresh_from_db()
    assert (assessment.attempts_allowed, assessment.time_limit_seconds) == (3, 60)
    assert assessment.description == "edited elsewhere"  # a field not changed is not written
    assert assessment.updated_at > stamped


def test_it_writes_nothing_when_no_value_changed(
    assessment: Assessment, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        changed = fields_update_changed(
            row=assessment,
            values={"title": "Final exam", "module_id": assessment.module_id, "section_id": None},
        )

    assert changed == []


@pytest.mark.parametrize("wanted", [72.1, "72.1", Decimal("72.100")])
def test_it_compares_decimal_fields_by_value(
    assessment: Assessment, wanted: object, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        changed = fields_update_changed(row=assessment, values={"passing_percent": wanted})

    assert changed == []


def test_it_reports_a_decimal_that_differs(assessment: Assessment) -> None:
    changed = fields_update_changed(row=assessment, values={"passing_percent": 80})

    assert changed == ["passing_percent"]
    assessment.refresh_from_db()
    assert assessment.passing_percent == Decimal("80.00")


def test_it_compares_json_fields_by_value(django_assert_num_queries) -> None:
    # given
    block = ContentBlockFactory(payload={"heading": "", "lines": [1, 2], "meta": {"a": 1, "b": 2}})
    block = ContentBlock.objects.get(pk=block.pk)

    # when
    with django_assert_num_queries(0):
        changed = fields_update_changed(
            row=block,
            values={"payload": {"meta": {"b": 2, "a": 1}, "lines": (1, 2), "heading": ""}},
        )

    # then
    assert changed == []


def test_it_reports_a_json_value_that_differs() -> None:
    block = ContentBlockFactory(payload={"heading": "", "lines": [1, 2]})

    changed = fields_update_changed(row=block, values={"payload": {"heading": "", "lines": [2, 1]}})

    assert changed == ["payload"]
    assert ContentBlock.objects.get(pk=block.pk).payload == {"heading": "", "lines": [2, 1]}


def test_it_refuses_a_field_the_model_does_not_have(assessment: Assessment) -> None:
    with pytest.raises(FieldDoesNotExist):
        fields_update_changed(row=assessment, values={"colour": "blue"})
