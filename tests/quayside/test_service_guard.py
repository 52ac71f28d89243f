"""The service guard: a test marked with a service it needs skips without it on a laptop and
fails without it in CI, decided in one place (tests/service_guard.py, tests/conftest.py)."""

import pytest

from tests import service_guard


def test_every_service_marker_has_a_probe(pytestconfig: pytest.Config) -> None:
    declared = {line.split(":")[0] for line in pytestconfig.getini("markers")}

    assert set(service_guard.PROBES) <= declared
    assert {"postgres", "redis", "docker", "browser"} <= set(service_guard.PROBES)


def test_a_missing_service_skips_on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_guard, "IN_CI", False)

    with pytest.raises(pytest.skip.Exception, match="no such engine"):
        service_guard.service_missing("no such engine")


def test_a_missing_service_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_guard, "IN_CI", True)

    with pytest.raises(pytest.fail.Exception, match=r"no such engine \(required in CI\)"):
        service_guard.service_missing("no such engine")


def test_only_the_markers_of_missing_services_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(service_guard.PROBES, "redis", lambda: "Redis is unreachable")
    monkeypatch.setitem(service_guard.PROBES, "docker", lambda: None)

    assert service_guard.missing_services({"redis", "docker", "django_db"}) == [
        "Redis is unreachable"
    ]
    assert service_guard.missing_services({"docker", "parametrize"}) == []
