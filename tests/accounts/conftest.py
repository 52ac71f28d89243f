import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Log-in tests hash many passwords; the algorithm is not what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
