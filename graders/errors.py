"""Errors the grading pipeline raises to its caller, as opposed to verdicts it returns."""

import docker


class InfrastructureError(RuntimeError):
    """Grading could not run for a reason that is not the learner's (engine unreachable, Docker
    API failure, missing grader tool). The caller retries; the attempt must not count."""


# Engine answers that mean the learner's image cannot start (not an engine fault).
LEARNER_START_ERRORS = (
    "oci runtime",
    "unable to find user",
    "executable file not found",
    "no such file or directory",
    "exec format error",
    "permission denied",
    "no command specified",
    "invalid argument",
)


def is_learner_caused(error: docker.errors.APIError) -> bool:
    """True when the engine refused to start the learner's image because of the image itself."""
    explanation = str(error.explanation or error).lower()
    return error.is_client_error() or any(text in explanation for text in LEARNER_START_ERRORS)
