"""Concurrent evaluations of one learner against PostgreSQL issue exactly one certificate."""

import threading
from typing import Any

import pytest
from certification_builders import meet_every_requirement
from django.db import connection, connections

from accounts.models import User
from assessments.models import Assessment
from certificates.models import Certificate, CertificateStatus, CertificationProgram
from certificates.services.issuance import certification_evaluate
from practicals.models import PracticalTask

EVALUATIONS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_evaluations_issue_exactly_one_certificate(
    learner: User, program: CertificationProgram, final_exam: Assessment, tasks: list[PracticalTask]
) -> None:
    # given
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    meet_every_requirement(learner, final_exam, tasks)
    start = threading.Barrier(EVALUATIONS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def evaluate() -> None:
        try:
            start.wait()
            results.append(certification_evaluate(learner_id=learner.pk, program_id=program.pk))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=evaluate) for _ in range(EVALUATIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert errors == []
    issued = [result for result in results if result is not None]
    assert len(issued) == 1
    certificates = Certificate.objects.filter(learner=learner, program=program)
    assert certificates.count() == 1
    assert certificates.get().status == CertificateStatus.ACTIVE
