"""Course scope as a SQL filter: the one rule every selector applies to what a request reaches.

A request acts within a set of course modules: every module for a user's own token or session,
only the modules of its courses for a service account (`lms.api.learner_scope`). Selectors take
that set as `module_ids` and filter with `in_scope`, so scope is decided in the query, never by
a view filtering a list afterwards.
"""

from django.db.models import Q

# None: every module. A frozenset: only these modules (possibly none at all).
ModuleScope = frozenset[int] | None


def scope_narrowed(module_ids: ModuleScope, to: frozenset[int]) -> frozenset[int]:
    """The scope within `to` as well (a request's course filter on top of its grant)."""
    return to if module_ids is None else module_ids & to


def in_scope(module_field: str, module_ids: ModuleScope) -> Q:
    """`Q(<module_field>__in=module_ids)`, or an empty Q when every module is reachable."""
    if module_ids is None:
        return Q()
    return Q(**{f"{module_field}__in": module_ids})
