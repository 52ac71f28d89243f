import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-crane-42"


def make_user(email: str = "ada@example.org", role: Role = Role.LEARNER) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, display_name="Ada", role=role)


def test_a_user_logs_in_with_email_and_logs_out_with_post(client):
    make_user()

    response = client.post(
        "/accounts/log-in/", {"username": "ada@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session

    assert client.get("/accounts/log-out/").status_code == 405
    client.post("/accounts/log-out/")
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_does_not_log_in(client):
    make_user()

    response = client.post("/accounts/log-in/", {"username": "ada@example.org", "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(client, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    user = make_user()

    client.post("/accounts/password-reset/", {"email": "ada@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/password-reset/\S+/)", mail.outbox[0].body
    )
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-harbour-77", "new_password2": "a-new-harbour-77"},
    )

    user.refresh_from_db()
    assert user.check_password("a-new-harbour-77")


def test_roles_decide_who_is_an_instructor():
    assert make_user("l@example.org", Role.LEARNER).is_instructor is False
    assert make_user("i@example.org", Role.INSTRUCTOR).is_instructor is True
    assert make_user("a@example.org", Role.ADMIN).is_instructor is True


def test_demo_users_are_created_once_and_printed(capsys):
    call_command("ensure_demo_users")
    call_command("ensure_demo_users")

    output = capsys.readouterr().out
    assert User.objects.count() == 2
    assert "learner@quayside.localhost" in output
    assert "instructor@quayside.localhost" in output
    assert User.objects.get(email="instructor@quayside.localhost").role == Role.INSTRUCTOR
    assert User.objects.get(email="learner@quayside.localhost").check_password("learn-docker-now")


def test_a_learner_changes_the_name_printed_on_certificates(
    client, django_capture_on_commit_callbacks
):
    from quayside import announcements
    from quayside.announcements import Topic

    user = make_user()
    heard: list[int] = []
    announcements.subscribe(Topic.DISPLAY_NAME_CHANGED, heard.append)
    client.force_login(user)

    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/profile/", {"display_name": "Ada King"})
    finally:
        announcements.unsubscribe(Topic.DISPLAY_NAME_CHANGED, heard.append)

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.display_name == "Ada King"
    assert user.pk in heard


def test_the_profile_page_needs_a_login(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert "/accounts/log-in/" in response["Location"]
