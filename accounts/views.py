from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from accounts.forms import ActivationForm, ProfileForm, ResetPasswordForm, SignUpForm
from accounts.mail_throttles import mail_throttled
from accounts.models import User
from accounts.permissions import request_user
from accounts.services import (
    DisplayNameChangeLimitError,
    api_token_issue,
    user_display_name_change,
    user_is_pending,
    user_sign_up,
)
from accounts.tokens import activation_token_generator

# After a sign-up link is followed the person is logged in; the axes backend only watches
# passwords typed into log-in forms, so the plain model backend logs them in.
LOG_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@mail_throttled("sign_up")
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("courses:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/sign_up.html", {"form": form}, status=400)
        user_sign_up(
            email=form.cleaned_data["email"], display_name=form.cleaned_data["display_name"]
        )
        return redirect("accounts:sign_up_sent")
    return render(request, "accounts/sign_up.html", {"form": form})


def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sign_up_sent.html")


class ActivateView(auth_views.PasswordResetConfirmView):
    """The sign-up link: choose the password; the account is then active and logged in."""

    template_name = "accounts/activate.html"
    token_generator = activation_token_generator
    form_class = ActivationForm
    post_reset_login = True
    post_reset_login_backend = LOG_IN_BACKEND
    success_url = reverse_lazy("courses:home")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if isinstance(user, User) and user_is_pending(user) else None


@method_decorator(mail_throttled("password_reset"), name="dispatch")
class PasswordResetRequestView(auth_views.PasswordResetView):
    """Mails a reset link built on SITE_URL (never on the Host header a client sends)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            extra_email_context={"site_url": settings.SITE_URL},
        )
        return HttpResponseRedirect(str(self.success_url))


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The reset link: the new password replaces the old and revokes the user's API tokens."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST" and "issue_api_token" in request.POST and user.is_instructor:
        token = api_token_issue(user=user)
        return render(
            request,
            "accounts/profile.html",
            {"form": ProfileForm(initial={"display_name": user.display_name}), "api_token": token},
        )
    form = ProfileForm(request.POST or None, initial={"display_name": user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            changed = user_display_name_change(
                user=user, display_name=form.cleaned_data["display_name"]
            )
        except DisplayNameChangeLimitError as error:
            form.add_error("display_name", str(error))
            return render(request, "accounts/profile.html", {"form": form}, status=429)
        if changed:
            messages.success(request, "Your name is saved; your certificates will show it.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
