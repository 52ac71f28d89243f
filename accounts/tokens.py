"""One-time links for accounts: the password-reset link is Django's; the sign-up link is its own
kind (another salt), so neither can stand in for the other.

Both hash the password: setting one (the link's purpose) makes the link invalid, so each link
works once. They expire after PASSWORD_RESET_TIMEOUT.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.ActivationTokenGenerator"


activation_token_generator = ActivationTokenGenerator()
