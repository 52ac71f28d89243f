"""Checks on the submitted text: they wrap dockerfile_rules (one or several rule ids) and hadolint.

Nothing here touches Docker. A Dockerfile that does not parse fails every check but
`dockerfile-parses` with the parser's own (learner-facing) message.
"""

from collections.abc import Callable, Sequence

from graders.checks.base import Finding, Params, unparsable
from graders.checks.context import GradingContext
from graders.dockerfile_parser import DockerfileSyntaxError
from graders.rule_results import (
    APK_NO_CACHE,
    APT_CHAINED_WITH_CLEANUP,
    BASE_IMAGE_DIGEST_PINNED,
    BASE_IMAGE_TAG_PINNED,
    COPIES_FROM_EARLIER_STAGE,
    DEPENDENCIES_BEFORE_SOURCE,
    DOCKERIGNORE_EXCLUDES_DEPENDENCIES,
    DOCKERIGNORE_EXCLUDES_ENV,
    DOCKERIGNORE_EXCLUDES_GIT,
    EXEC_FORM_START_COMMAND,
    HEALTHCHECK_PRESENT,
    NO_BUILD_TOOLS_IN_FINAL_STAGE,
    NO_ENV_FILE_COPIED,
    NO_SECRETS_IN_ENV_OR_ARG,
    NON_ROOT_USER,
    NPM_CACHE_CLEANED,
    PIP_NO_CACHE_DIR,
    RuleOptions,
)

StaticCheck = Callable[[GradingContext, Params], Finding]


def _guarded(check: StaticCheck) -> StaticCheck:
    def guarded(context: GradingContext, params: Params) -> Finding:
        try:
            context.dockerfile()
        except DockerfileSyntaxError as error:
            return unparsable(str(error))
        return check(context, params)

    return guarded


def declared_options(params: Params) -> RuleOptions:
    """What a rubric item declares about the task's context: `secret_values` (the starter's
    literal secrets), `secret_files` (context files holding secrets) and `tag_share`."""
    return RuleOptions(
        secret_values=tuple(str(value) for value in params.get("secret_values", ())),
        secret_files=tuple(str(path) for path in params.get("secret_files", ())),
        tag_credit=float(params.get("tag_share", 1.0)),
    )


def rules_check(*rule_ids: str) -> StaticCheck:
    """A check that passes when all the given rules pass; the first failure is the message."""

    def check(context: GradingContext, params: Params) -> Finding:
        options = declared_options(params)
        results = [context.rule(rule_id, options) for rule_id in rule_ids]
        failed = [result for result in results if not result.passed]
        evidence = {"rules": {result.rule_id: result.passed for result in results}}
        if failed:
            return Finding(passed=False, message=failed[0].message, evidence=evidence)
        return Finding(passed=True, message=results[0].message, evidence=evidence)

    return _guarded(check)


def dockerfile_parses(context: GradingContext, params: Params) -> Finding:
    try:
        dockerfile = context.dockerfile()
    except DockerfileSyntaxError as error:
        return Finding(passed=False, message=f"The Dockerfile does not parse: {error}.")
    stages = len(dockerfile.stages)
    return Finding(
        passed=True,
        message=f"The Dockerfile parses ({stages} stage{'s' if stages != 1 else ''}).",
        evidence={"stages": stages},
    )


def hadolint(context: GradingContext, params: Params) -> Finding:
    """Full points without error-level findings; warnings and advice are listed, not scored."""
    ignored = set(params.get("ignore", ()))
    findings = [item for item in context.hadolint() if item.code not in ignored]
    errors = [item for item in findings if item.level == "error"]
    evidence = {
        "findings": [
            {"code": f.code, "level": f.level, "line": f.line, "section": f.section.number}
            for f in findings
        ]
    }
    if errors:
        listed = "; ".join(item.describe() for item in errors[:5])
        return Finding(
            passed=False,
            message=f"hadolint reports {len(errors)} error(s): {listed}.",
            evidence=evidence,
        )
    if findings:
        listed = "; ".join(
            f"{item.describe()} (see section {item.section.number})" for item in findings[:5]
        )
        return Finding(
            passed=True,
            message=f"hadolint reports no errors. Worth fixing too: {listed}.",
            evidence=evidence,
        )
    return Finding(passed=True, message="hadolint reports nothing to improve.", evidence=evidence)


@_guarded
def base_image_pinned(context: GradingContext, params: Params) -> Finding:
    """A version tag earns `tag_share` of the points (default all); a full digest earns all."""
    options = declared_options(params)
    tag = context.rule(BASE_IMAGE_TAG_PINNED, options)
    if not tag.passed or tag.credit >= 1.0:
        return Finding(passed=tag.passed, message=tag.message)
    digest = context.rule(BASE_IMAGE_DIGEST_PINNED, options)
    return Finding(
        passed=True,
        message=f"{tag.message} For full marks: {digest.message}",
        fraction=tag.credit,
    )


@_guarded
def multi_stage_no_build_tools(context: GradingContext, params: Params) -> Finding:
    """Unless `require_multi_stage: false`, the final stage must copy from a build stage."""
    if params.get("require_multi_stage", True):
        multi_stage = context.rule(COPIES_FROM_EARLIER_STAGE)
        if not multi_stage.passed:
            return Finding(passed=False, message=multi_stage.message)
    result = context.rule(NO_BUILD_TOOLS_IN_FINAL_STAGE)
    return Finding(passed=result.passed, message=result.message)


DOCKERIGNORE_RULES: Sequence[str] = (
    DOCKERIGNORE_EXCLUDES_ENV,
    DOCKERIGNORE_EXCLUDES_GIT,
    DOCKERIGNORE_EXCLUDES_DEPENDENCIES,
)


@_guarded
def dockerignore_excludes(context: GradingContext, params: Params) -> Finding:
    """Partial credit: a third of the points per excluded kind (.env, .git, dependencies)."""
    if context.dockerignore_text is None:
        return Finding(
            passed=False,
            message="There is no .dockerignore, so `COPY . .` sends everything (.env, .git, "
            "local dependency folders) to the build. Add a .dockerignore next to the "
            "Dockerfile that lists at least `.env`, `.git` and `__pycache__`.",
        )
    results = [context.rule(rule_id) for rule_id in DOCKERIGNORE_RULES]
    failed = [result for result in results if not result.passed]
    evidence = {"rules": {result.rule_id: result.passed for result in results}}
    if not failed:
        return Finding(
            passed=True,
            message=".dockerignore keeps .env, .git and dependency folders out of the build.",
            evidence=evidence,
        )
    return Finding(
        passed=False,
        message=" ".join(result.message for result in failed),
        fraction=(len(results) - len(failed)) / len(results),
        evidence=evidence,
    )


non_root_user = rules_check(NON_ROOT_USER)
healthcheck = rules_check(HEALTHCHECK_PRESENT)
exec_form = rules_check(EXEC_FORM_START_COMMAND)
dependencies_before_source = rules_check(DEPENDENCIES_BEFORE_SOURCE)
chained_run_cleanup = rules_check(
    APT_CHAINED_WITH_CLEANUP, PIP_NO_CACHE_DIR, APK_NO_CACHE, NPM_CACHE_CLEANED
)
no_secrets = rules_check(NO_SECRETS_IN_ENV_OR_ARG, NO_ENV_FILE_COPIED)
hadolint_check = _guarded(hadolint)
