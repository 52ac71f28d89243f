"""Mail about accounts: the sign-up link and the "you already have an account" notice.

Links are built on SITE_URL, never on the request's Host header (which a client chooses).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import activation_token_generator

SIGN_UP_SUBJECT = "Your Quayside sign-up"


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def mail_activation_link(*, user: User) -> None:
    path = reverse(
        "accounts:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        "accounts/sign_up_activation_email.txt", {"user": user, "link": site_link(path)}
    )
    send_mail(SIGN_UP_SUBJECT, body, None, [user.email])


def mail_account_exists(*, user: User) -> None:
    body = render_to_string(
        "accounts/sign_up_existing_email.txt",
        {
            "user": user,
            "log_in": site_link(reverse("accounts:login")),
            "reset": site_link(reverse("accounts:password_reset")),
        },
    )
    send_mail(SIGN_UP_SUBJECT, body, None, [user.email])
