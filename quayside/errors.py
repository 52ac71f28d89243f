"""The one error vocabulary of the domain: what a service or getter refuses, and why.

A `DomainError` carries a machine-readable `code`, the HTTP `status` it means and a `message`
written for people. Apps subclass it (a class per reason, with its own `code` and `status`) and
raise it from services and getters; no view or endpoint translates it by hand:

- the API's problem-details handler (`quayside.problem_details`) answers any `DomainError` as a
  problem document with its status, code and message;
- a `NotFoundError` is also Django's `Http404`, so a page view that lets it rise answers the
  not-found page (and a path under /api/ a not-found problem).
"""

from django.http import Http404


class DomainError(Exception):
    """A refused request: `code` names the reason for programs, `message` is for people."""

    code: str = "refused"
    status: int = 409

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        # A class names its reason; an instance may name a finer one (one class, several codes).
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class NotFoundError(DomainError, Http404):
    """No such object for this person (it may exist for someone else: we do not say)."""

    code = "not_found"
    status = 404
