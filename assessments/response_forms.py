"""Turns a portal form post into the response shape each question type normalises.

Field names: `<field>` for single values and checkbox lists, `<field>__place__<item id>` for
ordering, `<field>__match__<left id>` for matching, `<field>__dockerignore` for the Dockerfile type.
"""

from typing import Any

from django.http import QueryDict

from quayside.identifiers import whole_number_or_none

PLACE_MARKER = "__place__"
MATCH_MARKER = "__match__"


def _fields(post: QueryDict, prefix: str) -> dict[str, str]:
    """The posted single values whose names start with `prefix`, keyed by the rest of the name."""
    return {
        name.removeprefix(prefix): str(post.get(name, ""))
        for name in post
        if name.startswith(prefix) and post.get(name)
    }


def response_from_post(*, question_type: str, post: QueryDict, field_name: str) -> Any:
    if question_type == "multiple_response":
        return post.getlist(field_name)
    if question_type == "ordering":
        places = _fields(post, f"{field_name}{PLACE_MARKER}")
        ranked = sorted(
            (number, item)
            for item, place in places.items()
            if (number := whole_number_or_none(place)) is not None
        )
        return [item for _, item in ranked]
    if question_type == "matching":
        return _fields(post, f"{field_name}{MATCH_MARKER}")
    if question_type == "dockerfile":
        files = {"dockerfile": post.get(field_name, "")}
        if f"{field_name}__dockerignore" in post:
            files["dockerignore"] = post.get(f"{field_name}__dockerignore", "")
        return files
    return post.get(field_name, "")
