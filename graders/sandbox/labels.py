"""Docker labels that mark what the grading sandbox created, so it can find and remove it again."""

import re

# The Docker SDK's type for list filters.
DockerFilters = dict[str, str | list[str] | bool]

# Every container, network and image made for a grading job carries this label with the job id.
# `job_scope` and `janitor` select on it; nothing without it is ever removed by the sandbox.
JOB_LABEL = "org.quayside.job"

# Base images made locally (not pulled) carry this label so nobody mistakes them for upstream ones.
STANDIN_LABEL = "org.quayside.standin"

# Job ids end up in label values, container/network names and cgroup directory names: keep them to
# characters that are valid in all three and cannot climb out of a directory.
_JOB_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class InvalidJobIdError(ValueError):
    """A job id that cannot safely name Docker objects and cgroup directories."""


def checked_job_id(job_id: str) -> str:
    """Return `job_id` unchanged if it is safe to use in names and paths, else raise."""
    if not _JOB_ID_PATTERN.fullmatch(job_id) or ".." in job_id:
        raise InvalidJobIdError(f"job id {job_id!r} must match {_JOB_ID_PATTERN.pattern}")
    return job_id


def job_labels(job_id: str) -> dict[str, str]:
    """Labels to put on every Docker object created for `job_id`."""
    return {JOB_LABEL: checked_job_id(job_id)}


def job_filter(job_id: str) -> DockerFilters:
    """A Docker list filter selecting the objects of one job."""
    return {"label": f"{JOB_LABEL}={checked_job_id(job_id)}"}
