"""Errors the grading pipeline raises to its caller, as opposed to verdicts it returns."""


class InfrastructureError(RuntimeError):
    """Grading could not run for a reason that is not the learner's (engine unreachable, Docker
    API failure, missing grader tool). The caller retries; the attempt must not count."""
