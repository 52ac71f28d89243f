"""Tests that need a real service skip on a developer's machine without it, but fail in CI."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def service_missing(reason: str) -> None:
    """Call when a required service (PostgreSQL, Redis, Docker, Chromium) is not there."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)
