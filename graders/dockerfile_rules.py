"""The registry of static Dockerfile rules taught in course module 1.1, and `run_all`.

Each rule is a function `(Dockerfile, RuleOptions) -> RuleResult` with one home: image rules in
`dockerfile_image_rules`, secret and download rules in `dockerfile_secret_rules`, the build-order
rule in `dockerfile_dependency_rules`, package-cache and package rules in
`dockerfile_build_rules`, .dockerignore rules in `dockerignore_rules`.
Questions (`assessments.question_types.dockerfile`) and practical checks
(`graders.checks.static`) both call `run_all`, so a rule judges alike wherever it is used.
"""

from collections.abc import Callable, Iterable
from dataclasses import replace

from graders.dockerfile_build_rules import (
    apk_no_cache,
    apt_get_chained_with_cleanup,
    final_stage_installs_packages,
    final_stage_without_build_tools,
    npm_cache_cleaned,
    pip_no_cache_dir,
)
from graders.dockerfile_dependency_rules import dependencies_before_source
from graders.dockerfile_image_rules import (
    base_image_digest_pinned,
    base_image_tag_pinned,
    exec_form_cmd_entrypoint,
    final_stage_copies_from_earlier_stage,
    final_stage_healthcheck,
    final_stage_non_root_user,
    start_command_declared,
)
from graders.dockerfile_model import Dockerfile
from graders.dockerfile_parser import parse_dockerfile
from graders.dockerfile_secret_rules import (
    copy_instead_of_add,
    no_env_file_copied,
    no_remote_add,
    no_secrets_in_env_or_arg,
)
from graders.dockerignore import parse_dockerignore
from graders.dockerignore_rules import DOCKERIGNORE_RULE_IDS, dockerignore_rules
from graders.rule_results import (
    APK_NO_CACHE,
    APT_CHAINED_WITH_CLEANUP,
    BASE_IMAGE_DIGEST_PINNED,
    BASE_IMAGE_TAG_PINNED,
    COPIES_FROM_EARLIER_STAGE,
    COPY_INSTEAD_OF_ADD,
    DEFAULT_OPTIONS,
    DEPENDENCIES_BEFORE_SOURCE,
    EXEC_FORM_START_COMMAND,
    HEALTHCHECK_PRESENT,
    NO_BUILD_TOOLS_IN_FINAL_STAGE,
    NO_ENV_FILE_COPIED,
    NO_REMOTE_ADD,
    NO_SECRETS_IN_ENV_OR_ARG,
    NON_ROOT_USER,
    NPM_CACHE_CLEANED,
    PACKAGES_INSTALLED,
    PIP_NO_CACHE_DIR,
    RULE_DEFINITIONS,
    START_COMMAND_DECLARED,
    RuleOptions,
    RuleResult,
)

DockerfileRule = Callable[[Dockerfile, RuleOptions], RuleResult]


def _without_options(rule: Callable[[Dockerfile], RuleResult]) -> DockerfileRule:
    def run(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
        return rule(dockerfile)

    run.__name__ = rule.__name__
    return run


DOCKERFILE_RULES: dict[str, DockerfileRule] = {
    BASE_IMAGE_TAG_PINNED: base_image_tag_pinned,
    BASE_IMAGE_DIGEST_PINNED: base_image_digest_pinned,
    NON_ROOT_USER: final_stage_non_root_user,
    HEALTHCHECK_PRESENT: final_stage_healthcheck,
    EXEC_FORM_START_COMMAND: exec_form_cmd_entrypoint,
    START_COMMAND_DECLARED: start_command_declared,
    DEPENDENCIES_BEFORE_SOURCE: _without_options(dependencies_before_source),
    APT_CHAINED_WITH_CLEANUP: _without_options(apt_get_chained_with_cleanup),
    PIP_NO_CACHE_DIR: _without_options(pip_no_cache_dir),
    NPM_CACHE_CLEANED: _without_options(npm_cache_cleaned),
    APK_NO_CACHE: _without_options(apk_no_cache),
    NO_BUILD_TOOLS_IN_FINAL_STAGE: _without_options(final_stage_without_build_tools),
    COPIES_FROM_EARLIER_STAGE: final_stage_copies_from_earlier_stage,
    PACKAGES_INSTALLED: final_stage_installs_packages,
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
    options: RuleOptions = DEFAULT_OPTIONS,
) -> list[RuleResult]:
    """Run the chosen rules (all by default) in registry order.

    `dockerignore_text=None` means "not submitted": the .dockerignore rules are skipped and the
    build context excludes nothing; pass "" for a submitted but empty file. It takes the place
    of `options.dockerignore_text`. Raises DockerfileSyntaxError when the Dockerfile does not
    parse (its message and line are learner-facing), DockerignorePatternError for a
    .dockerignore pattern Docker refuses, and ValueError for unknown rule ids.
    """
    chosen = set(RULE_IDS if rule_ids is None else rule_ids)
    unknown = chosen - set(RULE_IDS)
    if unknown:
        raise ValueError(f"unknown rule ids: {', '.join(sorted(unknown))}")
    dockerfile = parse_dockerfile(dockerfile_text)
    if dockerignore_text is not None:
        options = replace(options, dockerignore_text=dockerignore_text)
    if options.dockerignore_text is not None:
        parse_dockerignore(options.dockerignore_text)  # raises DockerignorePatternError
    results = [
        check(dockerfile, options)
        for rule_id, check in DOCKERFILE_RULES.items()
        if rule_id in chosen
    ]
    if options.dockerignore_text is not None and chosen & DOCKERIGNORE_RULE_IDS:
        results.extend(
            result
            for result in dockerignore_rules(options.dockerignore_text, dockerfile=dockerfile)
            if result.rule_id in chosen
        )
    order = {rule_id: position for position, rule_id in enumerate(RULE_IDS)}
    return sorted(results, key=lambda result: order[result.rule_id])
