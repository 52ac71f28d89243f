from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from accounts.models import User
from accounts.services import user_activate, user_password_set


class SignUpForm(forms.Form):
    """Name and address only: the password is chosen through the link mailed to the address.

    The form never says whether the address has an account (see user_sign_up).
    """

    display_name = forms.CharField(
        label="Your name", max_length=150, help_text="Shown in the portal and on certificates."
    )
    email = forms.EmailField(
        label="Email address", help_text="We mail you a link to choose your password."
    )


class ResetPasswordForm(SetPasswordForm[User]):
    """The last step of a password reset: the new password, and the user's API tokens revoked."""

    def save(self, commit: bool = True) -> Any:
        user_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class ActivationForm(SetPasswordForm[User]):
    """The last step of a sign-up: the chosen password, and the account activated."""

    def save(self, commit: bool = True) -> Any:
        user_activate(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="Shown in the portal and printed on certificates; a change reissues them.",
    )
