"""Turns a portal form post into the response shape each question type normalises.

Field names: `<field>` for single values and checkbox lists, `<field>__place__<item id>` for
ordering, `<field>__match__<left id>` for matching, `<field>__dockerignore` for the Dockerfile type.
"""

from typing import Any

from django.http import QueryDict

PLACE_MARKER = "__place__"
MATCH_MARKER = "__match__"


def response_from_post(*, question_type: str, post: QueryDict, field_name: str) -> Any:
    if question_type == "multiple_response":
        return post.getlist(field_name)
    if question_type == "ordering":
        prefix = f"{field_name}{PLACE_MARKER}"
        places = [
            (int(value), name.removeprefix(prefix))
            for name, value in post.items()
            if name.startswith(prefix) and value.isdigit()
        ]
        return [item for _, item in sorted(places)]
    if question_type == "matching":
        prefix = f"{field_name}{MATCH_MARKER}"
        return {name.removeprefix(prefix): value for name, value in post.items() if name.startswith(prefix) and value}
    if question_type == "dockerfile":
        files = {"dockerfile": post.get(field_name, "")}
        if f"{field_name}__dockerignore" in post:
            files["dockerignore"] = post.get(f"{field_name}__dockerignore", "")
        return files
    return post.get(field_name, "")
