"""Moodle category paths such as ``$course$/top/Docker/Volumes`` <-> ("Docker", "Volumes")."""

import re

# Moodle prefixes a path with the context it lives in; Quayside banks are per course, so the
# context carries no meaning here and exports always say "course".
CONTEXT_MARKERS = frozenset({"$course$", "$cat$", "$system$", "$module$"})
EXPORT_CONTEXT = "$course$"
# Since Moodle 3.5 every context has an implicit "top" category above the real ones.
TOP_CATEGORY = "top"
# A single "/" separates names; "//" is an escaped slash inside a name.
_SEPARATOR = re.compile(r"(?<!/)/(?!/)")
_ESCAPED_SLASH = "//"


def parse_category_path(raw: str) -> tuple[str, ...]:
    names = [name.replace(_ESCAPED_SLASH, "/").strip() for name in _SEPARATOR.split(raw.strip())]
    names = [name for name in names if name]
    if names and names[0] in CONTEXT_MARKERS:
        names = names[1:]
    if names and names[0] == TOP_CATEGORY:
        names = names[1:]
    return tuple(names)


def format_category_path(path: tuple[str, ...]) -> str:
    escaped = [name.replace("/", _ESCAPED_SLASH) for name in path]
    return "/".join([EXPORT_CONTEXT, TOP_CATEGORY, *escaped])
