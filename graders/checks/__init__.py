"""The registry of grading checks. Rubric items name checks by these ids; an id never changes
meaning once a task uses it (add a new id instead).

Static checks read the submitted text; build, run and probe checks need the Docker engine and
run inside the job's scope. See `graders.checks.base` for what a check is.
"""

from graders.checks.app_answers import app_round_trip, validate_exchange_params
from graders.checks.base import Check, Finding, Phase
from graders.checks.build_provenance import build_output_runs, validate_build_params
from graders.checks.image import (
    build_succeeds,
    final_image_no_sources,
    final_image_no_toolchain,
    image_size,
    image_user_not_root,
    no_secrets_in_image,
)
from graders.checks.networking import (
    api_round_trip_by_name,
    containers_reach_by_name,
    only_api_port_published,
    user_defined_network,
    validate_round_trip_params,
)
from graders.checks.runtime import hardened_runtime, healthcheck_healthy, http_responds
from graders.checks.static import (
    base_image_pinned,
    chained_run_cleanup,
    dependencies_before_source,
    dockerfile_parses,
    dockerignore_excludes,
    exec_form,
    hadolint_check,
    healthcheck,
    multi_stage_no_build_tools,
    no_secrets,
    non_root_user,
)
from graders.course_sections import (
    CONTAINER_SECURITY,
    MULTI_STAGE_BUILDS,
    NETWORKING_BASICS,
    PRODUCTION_DOCKERFILES,
)

__all__ = ["CHECKS", "Check", "Finding", "Phase"]

_S, _B, _R, _P = Phase.STATIC, Phase.BUILD, Phase.RUN, Phase.PROBE
_CHECKS = (
    Check(
        "dockerfile-parses", _S, PRODUCTION_DOCKERFILES, "The Dockerfile parses.", dockerfile_parses
    ),
    Check(
        "hadolint",
        _S,
        PRODUCTION_DOCKERFILES,
        "hadolint finds no error-level problem.",
        hadolint_check,
    ),
    Check(
        "base-image-pinned",
        _S,
        PRODUCTION_DOCKERFILES,
        "Base images pinned (tag; digest via params).",
        base_image_pinned,
    ),
    Check(
        "non-root-user",
        _S,
        CONTAINER_SECURITY,
        "The final stage's last USER is not root.",
        non_root_user,
    ),
    Check(
        "healthcheck",
        _S,
        PRODUCTION_DOCKERFILES,
        "The final stage declares a HEALTHCHECK.",
        healthcheck,
    ),
    Check(
        "exec-form", _S, PRODUCTION_DOCKERFILES, "CMD/ENTRYPOINT use the JSON exec form.", exec_form
    ),
    Check(
        "dependencies-before-source",
        _S,
        PRODUCTION_DOCKERFILES,
        "Dependencies installed before the source is copied.",
        dependencies_before_source,
    ),
    Check(
        "chained-run-cleanup",
        _S,
        PRODUCTION_DOCKERFILES,
        "Package installs clean their caches in the same RUN.",
        chained_run_cleanup,
    ),
    Check(
        "multi-stage-no-build-tools",
        _S,
        MULTI_STAGE_BUILDS,
        "Final stage copies from a build stage; no build tools in the final image.",
        multi_stage_no_build_tools,
    ),
    Check(
        "dockerignore-excludes",
        _S,
        PRODUCTION_DOCKERFILES,
        ".dockerignore excludes .env, .git, dependency folders.",
        dockerignore_excludes,
    ),
    Check(
        "no-secrets",
        _S,
        CONTAINER_SECURITY,
        "No secret in any instruction; no secret file reaches the image (params: "
        "secret_values, secret_files).",
        no_secrets,
    ),
    Check(
        "build-succeeds",
        _B,
        PRODUCTION_DOCKERFILES,
        "The image builds within the limits.",
        build_succeeds,
    ),
    Check(
        "image-size",
        _R,
        MULTI_STAGE_BUILDS,
        "Image under max_bytes or max_share of the baseline.",
        image_size,
        needs_image=True,
    ),
    Check(
        "image-user-not-root",
        _R,
        CONTAINER_SECURITY,
        "Image User and the running app are not root.",
        image_user_not_root,
        needs_image=True,
    ),
    Check(
        "no-secrets-in-image",
        _R,
        CONTAINER_SECURITY,
        "No secrets in history, Config.Env or a copied .env.",
        no_secrets_in_image,
        needs_image=True,
    ),
    Check(
        "final-image-no-toolchain",
        _R,
        MULTI_STAGE_BUILDS,
        "No compilers/package managers in the final image.",
        final_image_no_toolchain,
        needs_image=True,
    ),
    Check(
        "final-image-no-sources",
        _R,
        MULTI_STAGE_BUILDS,
        "No sources/tests/build scripts in the final image.",
        final_image_no_sources,
        needs_image=True,
    ),
    Check(
        "healthcheck-healthy",
        _R,
        PRODUCTION_DOCKERFILES,
        "The HEALTHCHECK passes within the limit.",
        healthcheck_healthy,
        needs_image=True,
    ),
    Check(
        "http-responds",
        _P,
        PRODUCTION_DOCKERFILES,
        "The app answers HTTP by name from another container.",
        http_responds,
        needs_image=True,
    ),
    Check(
        "hardened-runtime",
        _P,
        CONTAINER_SECURITY,
        "Serves read-only, no capabilities, no-new-privileges.",
        hardened_runtime,
        needs_image=True,
    ),
    Check(
        "app-round-trip",
        _P,
        PRODUCTION_DOCKERFILES,
        "The app answers per-job random requests as the task's app does.",
        app_round_trip,
        needs_image=True,
        validate_params=validate_exchange_params,
    ),
    Check(
        "build-output-runs",
        _P,
        MULTI_STAGE_BUILDS,
        "The build stage's tested artefact is what the app runs.",
        build_output_runs,
        needs_image=True,
        validate_params=validate_build_params,
    ),
    Check(
        "user-defined-network",
        _R,
        NETWORKING_BASICS,
        "The containers share a user-defined bridge network.",
        user_defined_network,
    ),
    Check(
        "only-api-port-published",
        _R,
        NETWORKING_BASICS,
        "Only the API's port is published.",
        only_api_port_published,
    ),
    Check(
        "containers-reach-by-name",
        _P,
        NETWORKING_BASICS,
        "The API answers by name and reaches the DB by name.",
        containers_reach_by_name,
    ),
    Check(
        "api-round-trip-by-name",
        _P,
        NETWORKING_BASICS,
        "Per-job data goes through the API, by name, into the DB and back.",
        api_round_trip_by_name,
        validate_params=validate_round_trip_params,
    ),
)

CHECKS: dict[str, Check] = {check.check_id: check for check in _CHECKS}
