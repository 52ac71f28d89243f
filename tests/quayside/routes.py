"""Every route of the project, read from the URL resolver, so a new route is covered too."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    template: str  # "api/v1/attempts/<number:attempt_id>/"
    callback: Any
    converters: tuple[str, ...]

    @property
    def view_class(self) -> Any:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    def url(self, **values_by_converter: str) -> str:
        """The route with each parameter replaced by the value given for its converter."""

        def value(match: re.Match[str]) -> str:
            return values_by_converter.get(match["converter"] or "str", "x")

        return "/" + _PARAMETER.sub(value, self.template)


def _converters(pattern: Any) -> tuple[str, ...]:
    if not isinstance(pattern, RoutePattern):
        return ()
    return tuple(match["converter"] or "str" for match in _PARAMETER.finditer(str(pattern)))


def _walk(patterns: list[Any], prefix: str, converters: tuple[str, ...]) -> Iterator[Route]:
    for entry in patterns:
        found = converters + _converters(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), found)
        elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
            yield Route(prefix + str(entry.pattern), entry.callback, found)


def project_routes() -> list[Route]:
    """Routes written with path() (the admin's own re_path routes are Django's)."""
    return list(_walk(get_resolver().url_patterns, "", ()))
