"""Rules about the image a Dockerfile produces: its bases, its user, how it starts and checks
its health, and whether the final stage is built from an earlier stage.

Decisions, each taken as Docker behaves:
- A base image is pinned when its tag names a version: some `-`/`_`-separated part of the tag
  starts with a digit (`3.12-slim-bookworm`, `22.04`, `18.17.1-alpine3.18`, `bookworm-20240110`,
  `v3.0`). Floating aliases (`latest`, `lts`, `current`, `stable`, `edge`, `mainline`), bare
  variants (`alpine`, `slim`) and codenames (`bookworm`, `jammy`, `lts-alpine3.18`, whose digits
  pin only the OS) name no version. A full sha256 digest is a separate, higher level. `FROM` is
  resolved against the global ARG defaults first (no --build-arg); `scratch` and earlier stages
  (case-insensitive names) are not base images.
- The final image's USER, HEALTHCHECK, CMD and ENTRYPOINT are the last ones set in the final
  stage or in the stages it builds on (`FROM builder AS final`). A USER given by name must
  exist, or Docker refuses to start the container ("unable to find user"): it is created by
  `adduser`/`useradd` in the final image's stages, or it is one of the accounts the base image
  is known to ship (`node` in node images, `nobody` nearly everywhere). Numeric ids always
  work, and a base image whose accounts are not known is given the benefit of the doubt. What
  else a base image sets is not visible here and does not count: a learner asked for a runnable
  image states its start command (the base image's CMD, such as node's REPL, is not the app).
- A start command is in exec form when it is a JSON array that does not hand the command to a
  shell: `CMD ["sh", "-c", "node server.js"]` runs a shell as PID 1 exactly like
  `CMD node server.js`, so both fail alike.
- A multi-stage build copies into the final image from a build stage: `COPY --from=<name or
  index>` (or a `RUN --mount=from=<stage>`) naming a stage that the final image does not
  already build on. `--from=<image>` copies from an external image, not from a build stage.
"""

import re
from enum import IntEnum

from graders.dockerfile_model import Dockerfile, ImageReference, Instruction, Stage
from graders.dockerfile_shell import is_shell_wrapper, shell_commands
from graders.dockerfile_variables import expand, scope_before
from graders.rule_results import (
    BASE_IMAGE_DIGEST_PINNED,
    BASE_IMAGE_TAG_PINNED,
    COPIES_FROM_EARLIER_STAGE,
    EXEC_FORM_START_COMMAND,
    HEALTHCHECK_PRESENT,
    NON_ROOT_USER,
    START_COMMAND_DECLARED,
    RuleOptions,
    RuleResult,
    rule_result,
)

LATEST_TAG = "latest"
ROOT_USER = "root"
# A part of the tag that starts with a digit (or v + digit) names a version.
_VERSION_PART = re.compile(r"^v?\d")
_TAG_SEPARATORS = re.compile(r"[-_]")


# Accounts in the /etc/passwd of Debian, Ubuntu, Alpine and BusyBox images alike.
COMMON_ACCOUNTS = frozenset({"root", "daemon", "bin", "sys", "nobody", "www-data", "mail"})
# Official images whose accounts are known: the common ones plus these.
IMAGE_ACCOUNTS: dict[str, frozenset[str]] = {
    "alpine": frozenset({"guest", "operator", "games", "ftp"}),
    "busybox": frozenset({"operator"}),
    "debian": frozenset({"games", "man", "lp", "news", "uucp", "proxy", "backup", "list"}),
    "ubuntu": frozenset({"games", "man", "lp", "news", "uucp", "proxy", "backup", "list"}),
    "node": frozenset({"node"}),
    "python": frozenset(),
    "golang": frozenset(),
    "nginx": frozenset({"nginx"}),
    "httpd": frozenset(),
    "postgres": frozenset({"postgres"}),
    "redis": frozenset({"redis"}),
}
# Google's distroless images ship root, nonroot (65532) and nobody.
DISTROLESS_ACCOUNTS = frozenset({"root", "nonroot", "nobody"})
USER_CREATING_PROGRAMS = frozenset({"adduser", "useradd"})


class PinLevel(IntEnum):
    FLOATING = 0
    TAG = 1
    DIGEST = 2


def image_pin(image: ImageReference) -> tuple[PinLevel, str]:
    """How firmly the reference pins its image, and why it does not (for the message)."""
    if image.is_unresolved:
        names = ", ".join(f"`{name}`" for name in image.unset_args)
        return PinLevel.FLOATING, (
            f"depends on the build argument {names}, which has no default: without "
            "`--build-arg` Docker cannot tell which image to use"
        )
    if image.has_full_digest:
        return PinLevel.DIGEST, ""
    if image.tag is None:
        return PinLevel.FLOATING, "has no tag, so Docker silently uses `latest`"
    if image.tag.lower() == LATEST_TAG:
        return PinLevel.FLOATING, "uses `latest`, which changes whenever a new version is published"
    if any(_VERSION_PART.match(part) for part in _TAG_SEPARATORS.split(image.tag)):
        return PinLevel.TAG, ""
    return PinLevel.FLOATING, (
        f"uses the tag `{image.tag}`, which names no version: it moves to a new release "
        "whenever one is published"
    )


def base_images(dockerfile: Dockerfile) -> list[Stage]:
    """Stages whose base is a registry image (not `scratch`, not an earlier stage)."""
    return [stage for stage in dockerfile.stages if stage.is_external]


def base_image_tag_pinned(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    levels: list[PinLevel] = []
    for stage in base_images(dockerfile):
        level, problem = image_pin(stage.image)
        if level is PinLevel.FLOATING:
            return rule_result(
                BASE_IMAGE_TAG_PINNED,
                passed=False,
                message=f"`FROM {stage.image.written}` (line {stage.line}) {problem}. Pin a "
                "specific version such as `node:18.17.1-alpine3.18` so every build uses the "
                "same base.",
                line=stage.line,
            )
        levels.append(level)
    if all(level is PinLevel.DIGEST for level in levels):
        return rule_result(
            BASE_IMAGE_TAG_PINNED, passed=True, message="Every base image is pinned by digest."
        )
    message = "Every base image is pinned to a version."
    if options.tag_credit < 1:
        message += " Pinning by digest (`@sha256:...`) as well would earn full credit."
    return rule_result(
        BASE_IMAGE_TAG_PINNED, passed=True, message=message, fraction=options.tag_credit
    )


def base_image_digest_pinned(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    for stage in base_images(dockerfile):
        image = stage.image
        if image.has_full_digest and not image.is_unresolved:
            continue
        if image.digest is None or image.is_unresolved:
            problem = "is not pinned by digest; a tag can be moved to a different image"
        else:
            problem = f"has `{image.digest}`, which is not a full sha256 digest (64 hex characters)"
        return rule_result(
            BASE_IMAGE_DIGEST_PINNED,
            passed=False,
            message=f"`FROM {image.written}` (line {stage.line}) {problem}. Add "
            "`@sha256:<digest>` for an immutable base image.",
            line=stage.line,
        )
    return rule_result(
        BASE_IMAGE_DIGEST_PINNED,
        passed=True,
        message="Every base image is pinned by digest, so builds are fully reproducible.",
    )


def last_in_final_image(dockerfile: Dockerfile, keyword: str) -> Instruction | None:
    inherited = dockerfile.inherited_instructions(dockerfile.final_stage)
    matching = [item for item in inherited if item.keyword == keyword]
    return matching[-1] if matching else None


def is_root_user(name: str) -> bool:
    """`root` or uid 0 (`0`, `00`): what USER and an image's Config.User mean by root."""
    name = name.split(":")[0].strip()
    return name.lower() == ROOT_USER or (name.isdigit() and int(name) == 0)


def final_stage_non_root_user(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    user = last_in_final_image(dockerfile, "USER")
    if user is None:
        return rule_result(
            NON_ROOT_USER,
            passed=False,
            message="The final stage never sets USER, so the container runs as root. Create a "
            "user (e.g. `adduser -S appuser -u 1001`) and add `USER appuser` before CMD.",
            line=dockerfile.final_stage.line,
        )
    expanded = expand(user.arguments, scope_before(dockerfile, user), escape=dockerfile.escape)
    name = expanded.value.split(":")[0].strip()
    if expanded.unset and not name:
        return rule_result(
            NON_ROOT_USER,
            passed=False,
            message=f"`USER {user.arguments}` (line {user.line}) takes the user from a build "
            "argument without a default, so the final user is not known.",
            line=user.line,
        )
    if is_root_user(name):
        return rule_result(
            NON_ROOT_USER,
            passed=False,
            message=f"`USER {user.arguments}` (line {user.line}) is the last USER of the final "
            "image, so the container runs as root. Switch to an unprivileged user last.",
            line=user.line,
        )
    if not expanded.unset and not _user_can_exist(dockerfile, name):
        return rule_result(
            NON_ROOT_USER,
            passed=False,
            message=f"`USER {user.arguments}` (line {user.line}) names the user `{name}`, which "
            "no RUN of the final image creates and its base image does not have, so Docker "
            "cannot start the container. Create it first (`adduser -S -u 1001 "
            f"{name}`), use a numeric id such as `USER 1001`, or an account the image has "
            "(`node` in node images).",
            line=user.line,
        )
    return rule_result(
        NON_ROOT_USER,
        passed=True,
        message=f"The container runs as the non-root user `{name}`.",
        line=user.line,
    )


def _user_can_exist(dockerfile: Dockerfile, name: str) -> bool:
    """False only when `name` is surely missing from the final image's /etc/passwd."""
    if name.isdigit():
        return True
    lineage = dockerfile.lineage(dockerfile.final_stage)
    for item in dockerfile.inherited_instructions(dockerfile.final_stage):
        if item.keyword != "RUN":
            continue
        for command in shell_commands(item):
            if command.program in USER_CREATING_PROGRAMS and name in command.arguments:
                return True
    root = lineage[-1].image
    if root.is_scratch:
        return False
    if "distroless" in root.name:
        return name in DISTROLESS_ACCOUNTS
    known = IMAGE_ACCOUNTS.get(root.repository)
    return known is None or name in COMMON_ACCOUNTS | known


def final_stage_healthcheck(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    healthcheck = last_in_final_image(dockerfile, "HEALTHCHECK")
    if healthcheck is None:
        return rule_result(
            HEALTHCHECK_PRESENT,
            passed=False,
            message="The final stage has no HEALTHCHECK, so Docker cannot tell a running but "
            "broken container from a healthy one. Add e.g. "
            "`HEALTHCHECK --interval=30s CMD node healthcheck.js`.",
            line=dockerfile.final_stage.line,
        )
    if healthcheck.arguments.split()[0].upper() == "NONE":
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


def start_commands(dockerfile: Dockerfile) -> tuple[Instruction, ...]:
    """The final image's ENTRYPOINT and CMD (those set in the Dockerfile), in that order."""
    found = (
        last_in_final_image(dockerfile, "ENTRYPOINT"),
        last_in_final_image(dockerfile, "CMD"),
    )
    return tuple(item for item in found if item is not None and item.exec_form != ())


def start_command_declared(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    commands = start_commands(dockerfile)
    if not commands:
        return rule_result(
            START_COMMAND_DECLARED,
            passed=False,
            message="The final stage has no CMD or ENTRYPOINT, so the image starts whatever its "
            "base image starts (for node or python images, an interactive interpreter), not "
            'your app. End with e.g. `CMD ["node", "server.js"]`.',
            line=dockerfile.final_stage.line,
        )
    return rule_result(
        START_COMMAND_DECLARED,
        passed=True,
        message=f"The image starts with `{commands[-1].keyword} {commands[-1].arguments}`.",
        line=commands[-1].line,
    )


def exec_form_cmd_entrypoint(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    commands = start_commands(dockerfile)
    if not commands:
        return rule_result(
            EXEC_FORM_START_COMMAND,
            passed=False,
            message="The final stage has no CMD or ENTRYPOINT to start your app, so there is "
            'no start command in exec form. Add one, e.g. `CMD ["node", "server.js"]`.',
            line=dockerfile.final_stage.line,
        )
    for item in commands:
        problem = _shell_problem(item)
        if problem is None:
            continue
        return rule_result(
            EXEC_FORM_START_COMMAND,
            passed=False,
            message=f"`{item.keyword} {item.arguments}` (line {item.line}) {problem}. Write it "
            f'as a JSON array of the program and its arguments, e.g. `{item.keyword} ["node", '
            '"server.js"]`.',
            line=item.line,
        )
    return rule_result(
        EXEC_FORM_START_COMMAND,
        passed=True,
        message="CMD/ENTRYPOINT use the exec (JSON array) form, so your program is PID 1 and "
        "receives stop signals.",
    )


def _shell_problem(item: Instruction) -> str | None:
    if item.exec_form is not None:
        if is_shell_wrapper(item.exec_form):
            return (
                "is a JSON array, but it hands the command to a shell: the shell is PID 1, "
                "exactly as with the shell form, and your app never receives SIGTERM"
            )
        return None
    if item.arguments.startswith("["):
        return "looks like exec form but is not valid JSON (use double quotes)"
    return "uses shell form, so `/bin/sh -c` is PID 1 and your app never receives SIGTERM"


def final_stage_copies_from_earlier_stage(
    dockerfile: Dockerfile, options: RuleOptions
) -> RuleResult:
    final = dockerfile.final_stage
    if len(dockerfile.stages) < 2:
        return rule_result(
            COPIES_FROM_EARLIER_STAGE,
            passed=False,
            message="The Dockerfile has a single stage, so whatever the build needs ships in "
            "the final image. Build in a `FROM ... AS builder` stage and `COPY --from=builder` "
            "only the result into the final stage.",
            line=final.line,
        )
    lineage = dockerfile.lineage(final)
    lineage_indexes = {stage.index for stage in lineage}
    for stage in lineage:
        for item in stage.instructions:
            source = _source_stage(dockerfile, stage, item)
            if source is not None and source.index not in lineage_indexes:
                return rule_result(
                    COPIES_FROM_EARLIER_STAGE,
                    passed=True,
                    message=f"The final image takes its files from the build stage "
                    f"`{source.name or source.index}` (line {item.line}).",
                    line=item.line,
                )
    return rule_result(
        COPIES_FROM_EARLIER_STAGE,
        passed=False,
        message="The final stage copies nothing from an earlier build stage, so the build "
        "stages are not used. `COPY --from=<build stage> ...` the built result into it "
        "(`--from=<image>` copies from an external image instead).",
        line=final.line,
    )


def _source_stage(dockerfile: Dockerfile, stage: Stage, item: Instruction) -> Stage | None:
    references: list[str] = []
    if item.keyword == "COPY" and item.flag("from"):
        references.append(item.flag("from") or "")
    if item.keyword == "RUN":
        for spec in item.flag_values("mount"):
            fields = dict(part.partition("=")[::2] for part in spec.split(","))
            if fields.get("from"):
                references.append(fields["from"])
    scope = scope_before(dockerfile, item)
    for reference in references:
        resolved = expand(reference, scope, escape=dockerfile.escape).value
        found = dockerfile.stage_reference(resolved)
        if found is not None and found.index != stage.index:
            return found
    return None
