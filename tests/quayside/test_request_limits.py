"""Request bodies are refused from their Content-Length, before anything reads them: a 413
problem under /api/, a 413 page elsewhere; each endpoint that takes files has its own cap."""

from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from certificates.verification import MAX_CREDENTIAL_UPLOAD_BYTES
from practicals.forms import SUBMISSION_REQUEST_MAX_BYTES
from quayside.request_limits import MULTIPART_OVERHEAD_BYTES

PROBLEM = "application/problem+json"
HUNDRED_MEGABYTES = 100 * 1024 * 1024
MULTIPART = "multipart/form-data; boundary=quayside-test-boundary"


def _declared(client, path: str, length: int, content_type: str = MULTIPART):
    """A request that declares `length` bytes but carries a few: the test client's payload
    refuses to be read past what it holds, so a 413 here proves nothing was read."""
    return client.generic(
        "POST", path, b"--quayside-test-boundary--\r\n", content_type, CONTENT_LENGTH=str(length)
    )


def _multipart_file(size: int) -> bytes:
    return (
        b"--quayside-test-boundary\r\n"
        b'Content-Disposition: form-data; name="file"; filename="big.json"\r\n'
        b"Content-Type: application/json\r\n\r\n"
        + b" " * size
        + b"\r\n--quayside-test-boundary--\r\n"
    )


def test_a_100_megabyte_anonymous_multipart_to_verify_is_refused_unread(db):
    response = _declared(APIClient(), "/api/v1/verify/", HUNDRED_MEGABYTES)

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "too_large"
    assert str(MAX_CREDENTIAL_UPLOAD_BYTES) in response.json()["detail"]


def test_a_credential_file_past_its_cap_is_refused_on_the_page_and_the_api(db):
    body = _multipart_file(MAX_CREDENTIAL_UPLOAD_BYTES)

    api = APIClient().generic("POST", "/api/v1/verify/", body, MULTIPART)
    page = Client().generic("POST", "/verify/", body, MULTIPART)

    assert api.status_code == 413
    assert page.status_code == 413
    assert "Too large" in page.content.decode()


def test_a_credential_file_under_its_cap_is_still_verified(db):
    body = _multipart_file(1024)

    response = APIClient().generic("POST", "/api/v1/verify/", body, MULTIPART)

    assert response.status_code == 200
    assert response.json()["verdict"] == "invalid"


def test_practical_submissions_have_the_archive_cap(learner):
    api = APIClient()
    api.force_authenticate(learner)
    page = Client()
    page.force_login(learner)

    by_api = _declared(
        api, "/api/v1/practicals/tasks/any/submissions/", SUBMISSION_REQUEST_MAX_BYTES + 1
    )
    by_page = _declared(page, "/practice/tasks/any/", SUBMISSION_REQUEST_MAX_BYTES + 1)
    under = _declared(
        api, "/api/v1/practicals/tasks/any/submissions/", SUBMISSION_REQUEST_MAX_BYTES
    )

    assert by_api.status_code == 413
    assert by_page.status_code == 413
    assert under.status_code == 404  # past the cap check: the task does not exist


def test_every_other_endpoint_has_the_default_cap(learner):
    api = APIClient()
    api.force_authenticate(learner)

    response = _declared(
        api,
        "/api/v1/attempts/1/answers/1/",
        settings.REQUEST_BODY_MAX_BYTES + 1,
        "application/json",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_a_form_page_refuses_a_long_body_before_csrf_reads_it(db):
    response = _declared(
        Client(enforce_csrf_checks=True), "/accounts/log-in/", settings.REQUEST_BODY_MAX_BYTES + 1
    )

    assert response.status_code == 413


def test_question_imports_have_their_own_cap(instructor):
    api = APIClient()
    api.force_authenticate(instructor)
    from assessments.endpoints.questions import IMPORT_REQUEST_MAX_BYTES

    over = _declared(api, "/api/v1/authoring/questions/import/", IMPORT_REQUEST_MAX_BYTES + 1)

    assert over.status_code == 413
    assert IMPORT_REQUEST_MAX_BYTES > settings.REQUEST_BODY_MAX_BYTES + MULTIPART_OVERHEAD_BYTES
