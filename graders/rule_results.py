"""Rule ids, the course section each rule cites, and the result every rule returns.

Question types and practical tasks pick rules by these ids, so an id never changes meaning once
published; add a new id instead.
"""

from dataclasses import dataclass

from graders.course_sections import (
    CONTAINER_SECURITY,
    MULTI_STAGE_BUILDS,
    PRODUCTION_DOCKERFILES,
    CourseSection,
)

BASE_IMAGE_TAG_PINNED = "base-image-tag-pinned"
BASE_IMAGE_DIGEST_PINNED = "base-image-digest-pinned"
NON_ROOT_USER = "final-stage-non-root-user"
HEALTHCHECK_PRESENT = "final-stage-healthcheck"
EXEC_FORM_START_COMMAND = "exec-form-cmd-entrypoint"
DEPENDENCIES_BEFORE_SOURCE = "dependencies-before-source"
APT_CHAINED_WITH_CLEANUP = "apt-get-chained-with-cleanup"
PIP_NO_CACHE_DIR = "pip-no-cache-dir"
NPM_CACHE_CLEANED = "npm-cache-cleaned"
APK_NO_CACHE = "apk-no-cache"
NO_BUILD_TOOLS_IN_FINAL_STAGE = "final-stage-without-build-tools"
NO_SECRETS_IN_ENV_OR_ARG = "no-secrets-in-env-or-arg"
NO_ENV_FILE_COPIED = "no-env-file-copied"
NO_REMOTE_ADD = "no-remote-add"
COPY_INSTEAD_OF_ADD = "copy-instead-of-add"
DOCKERIGNORE_EXCLUDES_ENV = "dockerignore-excludes-env"
DOCKERIGNORE_EXCLUDES_GIT = "dockerignore-excludes-git"
DOCKERIGNORE_EXCLUDES_DEPENDENCIES = "dockerignore-excludes-dependencies"


@dataclass(frozen=True)
class RuleDefinition:
    """What a rule checks, for instructors choosing rules; `summary` is not learner feedback."""

    rule_id: str
    section: CourseSection
    summary: str


@dataclass(frozen=True)
class RuleResult:
    """Outcome of one rule: `message` is written for the learner, `line` is 1-based or None."""

    rule_id: str
    passed: bool
    message: str
    section: CourseSection
    line: int | None = None

    @property
    def section_number(self) -> int:
        return self.section.number

    @property
    def section_slug(self) -> str:
        return self.section.slug


_DEFINITIONS = (
    RuleDefinition(
        BASE_IMAGE_TAG_PINNED,
        PRODUCTION_DOCKERFILES,
        "Every base image names a specific tag (not latest, not untagged) or a digest.",
    ),
    RuleDefinition(
        BASE_IMAGE_DIGEST_PINNED,
        PRODUCTION_DOCKERFILES,
        "Every base image is pinned by a full sha256 digest (stronger than a tag).",
    ),
    RuleDefinition(
        NON_ROOT_USER, CONTAINER_SECURITY, "The final stage switches to a non-root USER."
    ),
    RuleDefinition(
        HEALTHCHECK_PRESENT, PRODUCTION_DOCKERFILES, "The final stage declares a HEALTHCHECK."
    ),
    RuleDefinition(
        EXEC_FORM_START_COMMAND,
        PRODUCTION_DOCKERFILES,
        "CMD and ENTRYPOINT of the final stage use the JSON exec form.",
    ),
    RuleDefinition(
        DEPENDENCIES_BEFORE_SOURCE,
        PRODUCTION_DOCKERFILES,
        "Dependency manifests are copied and installed before the rest of the source.",
    ),
    RuleDefinition(
        APT_CHAINED_WITH_CLEANUP,
        PRODUCTION_DOCKERFILES,
        "apt-get update and install share one RUN that removes /var/lib/apt/lists/*.",
    ),
    RuleDefinition(
        PIP_NO_CACHE_DIR,
        PRODUCTION_DOCKERFILES,
        "pip install in the final image uses --no-cache-dir.",
    ),
    RuleDefinition(
        NPM_CACHE_CLEANED,
        MULTI_STAGE_BUILDS,
        "npm/yarn installs in the final image clean their cache in the same RUN.",
    ),
    RuleDefinition(
        APK_NO_CACHE, PRODUCTION_DOCKERFILES, "apk add in the final image uses --no-cache."
    ),
    RuleDefinition(
        NO_BUILD_TOOLS_IN_FINAL_STAGE,
        MULTI_STAGE_BUILDS,
        "Compilers and build tools stay in a builder stage, out of the final image.",
    ),
    RuleDefinition(
        NO_SECRETS_IN_ENV_OR_ARG,
        CONTAINER_SECURITY,
        "No ENV or ARG gives a secret-looking name (PASSWORD, TOKEN, ...) a literal value.",
    ),
    RuleDefinition(
        NO_ENV_FILE_COPIED, CONTAINER_SECURITY, "No .env file is copied into the image."
    ),
    RuleDefinition(
        NO_REMOTE_ADD,
        CONTAINER_SECURITY,
        "ADD never downloads a URL without --checksum.",
    ),
    RuleDefinition(
        COPY_INSTEAD_OF_ADD,
        PRODUCTION_DOCKERFILES,
        "ADD is only used to unpack a local archive; plain files use COPY.",
    ),
    RuleDefinition(
        DOCKERIGNORE_EXCLUDES_ENV, PRODUCTION_DOCKERFILES, ".dockerignore excludes .env."
    ),
    RuleDefinition(
        DOCKERIGNORE_EXCLUDES_GIT, PRODUCTION_DOCKERFILES, ".dockerignore excludes .git."
    ),
    RuleDefinition(
        DOCKERIGNORE_EXCLUDES_DEPENDENCIES,
        PRODUCTION_DOCKERFILES,
        ".dockerignore excludes dependency folders (node_modules, __pycache__, .venv).",
    ),
)

RULE_DEFINITIONS: dict[str, RuleDefinition] = {rule.rule_id: rule for rule in _DEFINITIONS}


def rule_result(rule_id: str, *, passed: bool, message: str, line: int | None = None) -> RuleResult:
    return RuleResult(
        rule_id=rule_id,
        passed=passed,
        message=message,
        section=RULE_DEFINITIONS[rule_id].section,
        line=line,
    )
