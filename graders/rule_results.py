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
START_COMMAND_DECLARED = "start-command-declared"
COPIES_FROM_EARLIER_STAGE = "final-stage-copies-from-earlier-stage"
PACKAGES_INSTALLED = "final-stage-installs-packages"


@dataclass(frozen=True)
class RuleDefinition:
    """What a rule checks, for instructors choosing rules; `summary` is not learner feedback."""

    rule_id: str
    section: CourseSection
    summary: str


@dataclass(frozen=True)
class RuleOptions:
    """What a question or practical task tells the rules beyond the Dockerfile itself.

    - `dockerignore_text`: the submitted `.dockerignore`; None when there is none (then nothing
      is excluded from the build context, as with Docker);
    - `secret_values`: literal secrets of the starter (a password, a token) that must not appear
      in any instruction;
    - `secret_files`: context paths that hold secrets (e.g. `.env`); with `context_paths` given
      (a practical's real files) only those present count, otherwise they are assumed present;
    - `tag_credit`: the credit a version tag earns on `base-image-tag-pinned` when a digest
      would earn full credit (1.0: a tag is enough);
    - `required_packages`: OS packages the final image must still install (a fix of how
      packages are installed must not simply drop them).
    """

    dockerignore_text: str | None = None
    secret_values: tuple[str, ...] = ()
    secret_files: tuple[str, ...] = ()
    context_paths: tuple[str, ...] | None = None
    tag_credit: float = 1.0
    required_packages: tuple[str, ...] = ()


DEFAULT_OPTIONS = RuleOptions()


@dataclass(frozen=True)
class RuleResult:
    """Outcome of one rule: `message` is written for the learner, `line` is 1-based or None.

    `fraction` is the credit earned when it is not all or nothing (a tag where a digest earns
    more); None means 1 for a pass and 0 for a failure.
    """

    rule_id: str
    passed: bool
    message: str
    section: CourseSection
    line: int | None = None
    fraction: float | None = None

    @property
    def credit(self) -> float:
        if self.fraction is not None:
            return self.fraction
        return 1.0 if self.passed else 0.0

    @property
    def section_number(self) -> int:
        return self.section.number

    @property
    def section_slug(self) -> str:
        return self.section.slug


_DEFINITIONS: tuple[RuleDefinition, ...] = (
    RuleDefinition(
        BASE_IMAGE_TAG_PINNED,
        PRODUCTION_DOCKERFILES,
        "Every base image names a version in its tag (not latest, lts, stable, a bare codename "
        "or variant) or a digest; a digest can earn more.",
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
        "The final stage starts its program with CMD/ENTRYPOINT in JSON exec form (no shell).",
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
        "No instruction holds a declared secret value or credentials in a URL, and no ENV or "
        "ARG gives a secret-looking name (PASSWORD, TOKEN, ...) a literal value.",
    ),
    RuleDefinition(
        NO_ENV_FILE_COPIED,
        CONTAINER_SECURITY,
        "No .env (or declared secret file) reaches the final image, by name or through "
        "`COPY . .` without a .dockerignore that excludes it.",
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
    RuleDefinition(
        START_COMMAND_DECLARED,
        PRODUCTION_DOCKERFILES,
        "The final stage says how the image starts (CMD or ENTRYPOINT); a base image's CMD "
        "does not count.",
    ),
    RuleDefinition(
        COPIES_FROM_EARLIER_STAGE,
        MULTI_STAGE_BUILDS,
        "Multi-stage: the final stage copies its files from an earlier build stage "
        "(COPY --from=<stage>), not from an external image.",
    ),
    RuleDefinition(
        PACKAGES_INSTALLED,
        PRODUCTION_DOCKERFILES,
        "The final image still installs the OS packages the task needs (apt-get, apk, yum or "
        "dnf), and no later step removes them.",
    ),
)

RULE_DEFINITIONS: dict[str, RuleDefinition] = {rule.rule_id: rule for rule in _DEFINITIONS}


def rule_result(
    rule_id: str,
    *,
    passed: bool,
    message: str,
    line: int | None = None,
    fraction: float | None = None,
) -> RuleResult:
    return RuleResult(
        rule_id=rule_id,
        passed=passed,
        message=message,
        section=RULE_DEFINITIONS[rule_id].section,
        line=line,
        fraction=fraction,
    )
