"""Static Dockerfile rules taught in course module 1.1, and the registry to run a chosen subset.

Every rule is a small function `Dockerfile -> RuleResult`; build-order and package-cache rules
live in `dockerfile_build_rules`, .dockerignore rules in `dockerignore_rules`. `run_all` parses
the learner's text once and runs the rules a question or practical task asks for.
"""

import re
from collections.abc import Callable, Iterable

from graders.dockerfile_build_rules import (
    apk_no_cache,
    apt_get_chained_with_cleanup,
    dependencies_before_source,
    final_stage_without_build_tools,
    npm_cache_cleaned,
    pip_no_cache_dir,
)
from graders.dockerfile_parser import Dockerfile, Instruction, Stage, parse_dockerfile
from graders.dockerignore_rules import DOCKERIGNORE_RULE_IDS, dockerignore_rules
from graders.rule_results import (
    APK_NO_CACHE,
    APT_CHAINED_WITH_CLEANUP,
    BASE_IMAGE_DIGEST_PINNED,
    BASE_IMAGE_TAG_PINNED,
    COPY_INSTEAD_OF_ADD,
    DEPENDENCIES_BEFORE_SOURCE,
    EXEC_FORM_START_COMMAND,
    HEALTHCHECK_PRESENT,
    NO_BUILD_TOOLS_IN_FINAL_STAGE,
    NO_ENV_FILE_COPIED,
    NO_REMOTE_ADD,
    NO_SECRETS_IN_ENV_OR_ARG,
    NON_ROOT_USER,
    NPM_CACHE_CLEANED,
    PIP_NO_CACHE_DIR,
    RULE_DEFINITIONS,
    RuleResult,
    rule_result,
)

LATEST_TAG = "latest"
ROOT_USERS = frozenset({"root", "0"})
# A full digest as `docker images --digests` prints it; placeholders like `sha256:abc123...`
# would make `docker build` fail with "invalid reference format".
FULL_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL", re.IGNORECASE
)
# `POSTGRES_PASSWORD_FILE=/run/secrets/db` points at a secret instead of holding one.
SECRET_REFERENCE_SUFFIXES = ("_FILE", "_PATH", "_DIR")
VARIABLE_REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")
ENV_FILE = re.compile(r"^(?:\.env(?:\..+)?|.+\.env)$")
ENV_FILE_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})
REMOTE_SOURCE = re.compile(r"^(?:https?://|git@|git://)", re.IGNORECASE)
LOCAL_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")

DockerfileRule = Callable[[Dockerfile], RuleResult]


def _external_stages(dockerfile: Dockerfile) -> list[Stage]:
    """Stages whose base is a registry image (not `scratch`, not an earlier stage)."""
    return [
        stage
        for stage in dockerfile.stages
        if not stage.builds_on_stage and not stage.image.is_scratch
    ]


def base_image_tag_pinned(dockerfile: Dockerfile) -> RuleResult:
    for stage in _external_stages(dockerfile):
        image = stage.image
        if image.is_unresolved:
            problem = "takes its tag from a build argument without a default"
        elif image.digest is not None:
            continue
        elif image.tag is None:
            problem = "has no tag, so Docker silently uses `latest`"
        elif image.tag == LATEST_TAG:
            problem = "uses `latest`, which changes whenever a new version is published"
        else:
            continue
        return rule_result(
            BASE_IMAGE_TAG_PINNED,
            passed=False,
            message=f"`FROM {image.written}` (line {stage.line}) {problem}. Pin a specific "
            "version such as `node:18.17.1-alpine3.18` so every build uses the same base.",
            line=stage.line,
        )
    return rule_result(
        BASE_IMAGE_TAG_PINNED, passed=True, message="Every base image is pinned to a version."
    )


def base_image_digest_pinned(dockerfile: Dockerfile) -> RuleResult:
    for stage in _external_stages(dockerfile):
        digest = stage.image.digest
        if digest is not None and FULL_DIGEST.match(digest):
            continue
        if digest is None:
            problem = "is pinned by tag only; a tag can be moved to a different image"
        else:
            problem = f"has `{digest}`, which is not a full sha256 digest (64 hex characters)"
        return rule_result(
            BASE_IMAGE_DIGEST_PINNED,
            passed=False,
            message=f"`FROM {stage.image.written}` (line {stage.line}) {problem}. Add "
            "`@sha256:<digest>` for an immutable base image.",
            line=stage.line,
        )
    return rule_result(
        BASE_IMAGE_DIGEST_PINNED,
        passed=True,
        message="Every base image is pinned by digest, so builds are fully reproducible.",
    )


def _last_in_final_stage(dockerfile: Dockerfile, keyword: str) -> Instruction | None:
    inherited = dockerfile.inherited_instructions(dockerfile.final_stage)
    matching = [item for item in inherited if item.keyword == keyword]
    return matching[-1] if matching else None


def final_stage_non_root_user(dockerfile: Dockerfile) -> RuleResult:
    user = _last_in_final_stage(dockerfile, "USER")
    if user is None:
        return rule_result(
            NON_ROOT_USER,
            passed=False,
            message="The final stage never sets USER, so the container runs as root. Create a "
            "user (e.g. `adduser -S appuser -u 1001`) and add `USER appuser` before CMD.",
            line=dockerfile.final_stage.line,
        )
    name = user.arguments.split(":")[0].strip()
    if name.lower() in ROOT_USERS:
        return rule_result(
            NON_ROOT_USER,
            passed=False,
            message=f"`USER {user.arguments}` (line {user.line}) is the last USER of the final "
            "stage, so the container runs as root. Switch to an unprivileged user last.",
            line=user.line,
        )
    return rule_result(
        NON_ROOT_USER,
        passed=True,
        message=f"The container runs as the non-root user `{name}`.",
        line=user.line,
    )


def final_stage_healthcheck(dockerfile: Dockerfile) -> RuleResult:
    healthcheck = _last_in_final_stage(dockerfile, "HEALTHCHECK")
    if healthcheck is None:
        return rule_result(
            HEALTHCHECK_PRESENT,
            passed=False,
            message="The final stage has no HEALTHCHECK, so Docker cannot tell a running but "
            "broken container from a healthy one. Add e.g. "
            "`HEALTHCHECK --interval=30s CMD node healthcheck.js`.",
            line=dockerfile.final_stage.line,
        )
    if healthcheck.arguments.upper() == "NONE":
        return rule_result(
            HEALTHCHECK_PRESENT,
            passed=False,
            message=f"`HEALTHCHECK NONE` (line {healthcheck.line}) turns health checking off.",
            line=healthcheck.line,
        )
    return rule_result(
        HEALTHCHECK_PRESENT,
        passed=True,
        message="The final stage declares a HEALTHCHECK.",
        line=healthcheck.line,
    )


def exec_form_cmd_entrypoint(dockerfile: Dockerfile) -> RuleResult:
    found = [
        item
        for item in (
            _last_in_final_stage(dockerfile, "ENTRYPOINT"),
            _last_in_final_stage(dockerfile, "CMD"),
        )
        if item is not None
    ]
    for item in found:
        if item.is_exec_form:
            continue
        if item.arguments.startswith("["):
            problem = "looks like exec form but is not valid JSON (use double quotes)"
        else:
            problem = (
                "uses shell form, so `/bin/sh -c` is PID 1 and your app never receives SIGTERM"
            )
        return rule_result(
            EXEC_FORM_START_COMMAND,
            passed=False,
            message=f"`{item.keyword} {item.arguments}` (line {item.line}) {problem}. Write it "
            f'as a JSON array, e.g. `{item.keyword} ["node", "server.js"]`.',
            line=item.line,
        )
    if not found:
        message = "There is no CMD or ENTRYPOINT to check; the base image's default applies."
    else:
        message = "CMD/ENTRYPOINT use the exec (JSON array) form."
    return rule_result(EXEC_FORM_START_COMMAND, passed=True, message=message)


def _all_instructions(dockerfile: Dockerfile) -> list[Instruction]:
    everything = list(dockerfile.global_args)
    for stage in dockerfile.stages:
        everything.extend(stage.instructions)
    return everything


def _is_literal_secret(name: str, value: str | None) -> bool:
    if not SECRET_NAME.search(name) or name.upper().endswith(SECRET_REFERENCE_SUFFIXES):
        return False
    return bool(value) and not VARIABLE_REFERENCE.match(value or "")


def no_secrets_in_env_or_arg(dockerfile: Dockerfile) -> RuleResult:
    for item in _all_instructions(dockerfile):
        if item.keyword not in {"ENV", "ARG"}:
            continue
        for name, value in item.key_values:
            if _is_literal_secret(name, value):
                return rule_result(
                    NO_SECRETS_IN_ENV_OR_ARG,
                    passed=False,
                    message=f"`{item.keyword} {name}` (line {item.line}) bakes a secret into "
                    "the image, where anyone with the image can read it (`docker history`, "
                    "`docker inspect`). Pass it at runtime instead: "
                    f"`docker run -e {name}=...` or a secrets manager.",
                    line=item.line,
                )
    return rule_result(
        NO_SECRETS_IN_ENV_OR_ARG,
        passed=True,
        message="No ENV or ARG holds a literal secret.",
    )


def _copied_sources(dockerfile: Dockerfile) -> list[tuple[Instruction, str]]:
    return [
        (item, source)
        for item in _all_instructions(dockerfile)
        if item.keyword in {"COPY", "ADD"} and not item.has_flag("from")
        for source in item.words[:-1]
    ]


def no_env_file_copied(dockerfile: Dockerfile) -> RuleResult:
    for item, source in _copied_sources(dockerfile):
        filename = source.rstrip("/").rsplit("/", 1)[-1]
        if ENV_FILE.match(filename) and filename not in ENV_FILE_TEMPLATES:
            return rule_result(
                NO_ENV_FILE_COPIED,
                passed=False,
                message=f"`{item.keyword} {item.arguments}` (line {item.line}) copies "
                f"`{source}` into the image, secrets included. Keep .env files out of images "
                "(list .env in .dockerignore) and pass settings at runtime.",
                line=item.line,
            )
    return rule_result(NO_ENV_FILE_COPIED, passed=True, message="No .env file is copied.")


def no_remote_add(dockerfile: Dockerfile) -> RuleResult:
    for item, source in _copied_sources(dockerfile):
        if item.keyword == "ADD" and REMOTE_SOURCE.match(source) and not item.has_flag("checksum"):
            return rule_result(
                NO_REMOTE_ADD,
                passed=False,
                message=f"`ADD {source}` (line {item.line}) downloads a file at build time "
                "without verifying it. Download with `RUN curl` and check its checksum, or use "
                "`ADD --checksum=sha256:...`.",
                line=item.line,
            )
    return rule_result(NO_REMOTE_ADD, passed=True, message="ADD never fetches unverified URLs.")


def copy_instead_of_add(dockerfile: Dockerfile) -> RuleResult:
    for item, source in _copied_sources(dockerfile):
        is_plain_local = not REMOTE_SOURCE.match(source) and not source.lower().endswith(
            LOCAL_ARCHIVE_SUFFIXES
        )
        if item.keyword == "ADD" and is_plain_local:
            return rule_result(
                COPY_INSTEAD_OF_ADD,
                passed=False,
                message=f"`ADD {item.arguments}` (line {item.line}) copies local files: use "
                "COPY. ADD also unpacks archives and fetches URLs, so COPY says exactly what "
                "you mean.",
                line=item.line,
            )
    return rule_result(
        COPY_INSTEAD_OF_ADD, passed=True, message="ADD is only used where COPY would not do."
    )


DOCKERFILE_RULES: dict[str, DockerfileRule] = {
    BASE_IMAGE_TAG_PINNED: base_image_tag_pinned,
    BASE_IMAGE_DIGEST_PINNED: base_image_digest_pinned,
    NON_ROOT_USER: final_stage_non_root_user,
    HEALTHCHECK_PRESENT: final_stage_healthcheck,
    EXEC_FORM_START_COMMAND: exec_form_cmd_entrypoint,
    DEPENDENCIES_BEFORE_SOURCE: dependencies_before_source,
    APT_CHAINED_WITH_CLEANUP: apt_get_chained_with_cleanup,
    PIP_NO_CACHE_DIR: pip_no_cache_dir,
    NPM_CACHE_CLEANED: npm_cache_cleaned,
    APK_NO_CACHE: apk_no_cache,
    NO_BUILD_TOOLS_IN_FINAL_STAGE: final_stage_without_build_tools,
    NO_SECRETS_IN_ENV_OR_ARG: no_secrets_in_env_or_arg,
    NO_ENV_FILE_COPIED: no_env_file_copied,
    NO_REMOTE_ADD: no_remote_add,
    COPY_INSTEAD_OF_ADD: copy_instead_of_add,
}
RULE_IDS: tuple[str, ...] = tuple(RULE_DEFINITIONS)


def run_all(
    dockerfile_text: str,
    dockerignore_text: str | None = None,
    *,
    rule_ids: Iterable[str] | None = None,
) -> list[RuleResult]:
    """Run the chosen rules (all by default) in registry order.

    `dockerignore_text=None` means "not submitted" and skips the .dockerignore rules; pass ""
    for a submitted but empty file. Raises DockerfileSyntaxError when the Dockerfile does not
    parse (its message and line are learner-facing) and ValueError for unknown rule ids.
    """
    chosen = set(RULE_IDS if rule_ids is None else rule_ids)
    unknown = chosen - set(RULE_IDS)
    if unknown:
        raise ValueError(f"unknown rule ids: {', '.join(sorted(unknown))}")
    dockerfile = parse_dockerfile(dockerfile_text)
    results = [
        check(dockerfile) for rule_id, check in DOCKERFILE_RULES.items() if rule_id in chosen
    ]
    if dockerignore_text is not None and chosen & DOCKERIGNORE_RULE_IDS:
        results.extend(
            result
            for result in dockerignore_rules(dockerignore_text, dockerfile=dockerfile)
            if result.rule_id in chosen
        )
    order = {rule_id: position for position, rule_id in enumerate(RULE_IDS)}
    return sorted(results, key=lambda result: order[result.rule_id])
