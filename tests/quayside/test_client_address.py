"""X-Forwarded-For counts only behind NUM_PROXIES trusted proxies (0 by default): a client that
changes the header is still the same client to every rate limit."""

from pathlib import Path

import pytest
import yaml
from django.test import RequestFactory
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from quayside.client_address import client_address
from quayside.throttling import ApiRateThrottle

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def strict_anonymous_rate(monkeypatch: pytest.MonkeyPatch) -> int:
    # The throttle reads its rates at class level when first imported.
    monkeypatch.setattr(
        ApiRateThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/min"}
    )
    return 3


def test_a_new_x_forwarded_for_does_not_lift_the_anonymous_rate_limit(db, strict_anonymous_rate):
    answers = [
        APIClient().get(
            "/api/v1/verify/ABCDE-FGHJK-MNPQR-STVWX/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        )
        for n in range(strict_anonymous_rate + 1)
    ]

    assert [answer.status_code for answer in answers] == [200] * strict_anonymous_rate + [429]
    assert answers[-1].json()["code"] == "throttled"


def test_without_proxies_the_socket_address_is_the_client():
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.9")

    assert client_address(request) == "10.1.1.1"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.9, 203.0.113.7"
    )

    # the client wrote 192.0.2.9 itself; the proxy appended the address it saw
    assert client_address(request) == "203.0.113.7"


def test_the_settings_read_num_proxies_strictly():
    from django.conf import settings

    assert settings.NUM_PROXIES == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.NUM_PROXIES
    assert settings.AXES_CLIENT_IP_CALLABLE == "quayside.client_address.client_address"


def test_compose_trusts_no_proxy_header_while_gunicorn_is_published_directly():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    web = compose["services"]["web"]
    environment = {**compose["x-app"]["environment"], **web.get("environment", {})}

    assert web["ports"], "web publishes gunicorn's port"
    assert environment["TRUST_X_FORWARDED_PROTO"] == "${TRUST_X_FORWARDED_PROTO:-false}"
    assert environment["NUM_PROXIES"] == "${NUM_PROXIES:-0}"
