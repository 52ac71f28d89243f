"""Rules about how the image is built: package caches, build tools, required packages.

Package-cache rules look only at the final stage (and the stages it builds on): a builder
stage's caches are thrown away with the stage, so they cost the learner nothing. Each layer is
judged on its own, as Docker stores it: a cache removed by a later RUN still ships in the
earlier layer, and `apt-get clean` empties /var/cache/apt but never /var/lib/apt/lists. A
`RUN --mount=type=cache` (or tmpfs) keeps out only the folder it is mounted on.
"""

from fnmatch import fnmatch

from graders.dockerfile_model import Dockerfile, Instruction, Stage
from graders.dockerfile_shell import (
    ShellCommand,
    installed_packages,
    is_apk_add,
    is_apt_install,
    is_apt_update,
    is_node_cache_clean,
    is_node_install,
    is_pip_cache_purge,
    is_pip_install,
    mount_targets,
    path_covers,
    removed_packages,
    removes_path,
    shell_commands,
    virtual_package,
)
from graders.dockerfile_variables import scope_before
from graders.rule_results import (
    APK_NO_CACHE,
    APT_CHAINED_WITH_CLEANUP,
    NO_BUILD_TOOLS_IN_FINAL_STAGE,
    NPM_CACHE_CLEANED,
    PACKAGES_INSTALLED,
    PIP_NO_CACHE_DIR,
    RuleOptions,
    RuleResult,
    rule_result,
)

BUILD_TOOL_PACKAGES = frozenset(
    {
        "autoconf",
        "automake",
        "binutils",
        "build-base",
        "build-essential",
        "cargo",
        "clang",
        "cmake",
        "g++",
        "gcc",
        "gcc-c++",
        "gfortran",
        "golang",
        "libtool",
        "llvm",
        "make",
        "maven",
        "gradle",
        "pkg-config",
        "pkgconf",
        "rustc",
    }
)
BUILD_TOOL_PACKAGE_PATTERNS = ("*-dev", "*-devel", "gcc-*", "g++-*", "clang-*", "openjdk-*-jdk*")
# Base images that are toolchains: fine for a builder stage, heavy and risky as the final one.
BUILD_TOOL_IMAGES = frozenset({"golang", "rust", "maven", "gradle", "gcc", "buildpack-deps"})
# Official images built on buildpack-deps: their full (not -slim, not -alpine) variants ship gcc,
# make and the -dev headers.
FULL_VARIANT_TOOLCHAIN_IMAGES = frozenset({"node", "python", "ruby", "perl"})
LEAN_VARIANT_MARKERS = ("slim", "alpine", "distroless", "chiseled")
APT_LISTS_DIRECTORY = "/var/lib/apt/lists"
APK_CACHE_DIRECTORY = "/var/cache/apk"
PIP_CACHE_DIRECTORY = "~/.cache/pip"
NODE_CACHE_DIRECTORIES = ("~/.npm", "~/.cache/yarn", "/usr/local/share/.cache/yarn")
PIP_NO_CACHE_VARIABLE = "PIP_NO_CACHE_DIR"
# pip reads PIP_NO_CACHE_DIR as a boolean: these values turn the cache off.
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
CACHE_MOUNT_KINDS = frozenset({"cache", "tmpfs"})


def _final_runs(dockerfile: Dockerfile) -> list[Instruction]:
    instructions = dockerfile.inherited_instructions(dockerfile.final_stage)
    return [item for item in instructions if item.keyword == "RUN"]


def _mounted_away(run: Instruction, folder: str) -> bool:
    return any(
        path_covers(target, folder) for target in mount_targets(run, kinds=CACHE_MOUNT_KINDS)
    )


def _removed_after(commands: tuple[ShellCommand, ...], position: int, folder: str) -> bool:
    return removes_path(commands[position + 1 :], folder)


def apt_get_chained_with_cleanup(dockerfile: Dockerfile) -> RuleResult:
    for run in _final_runs(dockerfile):
        message = _apt_problem(run)
        if message is not None:
            return rule_result(
                APT_CHAINED_WITH_CLEANUP, passed=False, message=message, line=run.line
            )
    return rule_result(
        APT_CHAINED_WITH_CLEANUP,
        passed=True,
        message="apt-get installs (if any) update, install and clean up in a single RUN.",
    )


def _apt_problem(run: Instruction) -> str | None:
    commands = shell_commands(run)
    updates = [i for i, command in enumerate(commands) if is_apt_update(command)]
    installs = [i for i, command in enumerate(commands) if is_apt_install(command)]
    if updates and not installs:
        return (
            f"`apt-get update` has its own RUN (line {run.line}): Docker caches that layer, so a "
            "later install can use a stale package list. Chain "
            "`apt-get update && apt-get install -y ...` in one RUN."
        )
    if not installs:
        return None
    if not updates or updates[0] > installs[0]:
        return (
            f"The RUN on line {run.line} installs with apt-get without running `apt-get update` "
            "first in the same RUN, so it uses a stale (or, in official images, empty) package "
            "list."
        )
    last = max(installs + updates)
    if _mounted_away(run, APT_LISTS_DIRECTORY) or _removed_after(
        commands, last, APT_LISTS_DIRECTORY
    ):
        return None
    return (
        f"The RUN on line {run.line} installs packages but leaves the apt package lists in the "
        "layer (`apt-get clean` does not remove them). End the same RUN with "
        "`&& rm -rf /var/lib/apt/lists/*`."
    )


def _pip_cache_disabled(dockerfile: Dockerfile, run: Instruction) -> bool:
    scope = scope_before(dockerfile, run)
    return scope.get(PIP_NO_CACHE_VARIABLE, "").lower() in TRUE_VALUES


def pip_no_cache_dir(dockerfile: Dockerfile) -> RuleResult:
    for run in _final_runs(dockerfile):
        commands = shell_commands(run)
        for position, command in enumerate(commands):
            if not is_pip_install(command):
                continue
            inline = dict(word.split("=", 1) for word in command.assignments)
            keeps_cache = not (
                command.has_option("--no-cache-dir")
                or inline.get(PIP_NO_CACHE_VARIABLE, "").lower() in TRUE_VALUES
                or _pip_cache_disabled(dockerfile, run)
                or _mounted_away(run, PIP_CACHE_DIRECTORY)
                or _removed_after(commands, position, PIP_CACHE_DIRECTORY)
                or any(is_pip_cache_purge(later) for later in commands[position + 1 :])
            )
            if keeps_cache:
                return rule_result(
                    PIP_NO_CACHE_DIR,
                    passed=False,
                    message=(
                        f"`{' '.join(command.words)}` (line {run.line}) keeps pip's download "
                        "cache in the image. Add `--no-cache-dir`."
                    ),
                    line=run.line,
                )
    return rule_result(
        PIP_NO_CACHE_DIR, passed=True, message="pip installs (if any) keep no cache in the image."
    )


def npm_cache_cleaned(dockerfile: Dockerfile) -> RuleResult:
    for run in _final_runs(dockerfile):
        commands = shell_commands(run)
        for position, command in enumerate(commands):
            if not is_node_install(command):
                continue
            later = commands[position + 1 :]
            cleaned = (
                any(is_node_cache_clean(other) for other in later)
                or any(removes_path(later, folder) for folder in NODE_CACHE_DIRECTORIES)
                or any(_mounted_away(run, folder) for folder in NODE_CACHE_DIRECTORIES)
            )
            if not cleaned:
                return rule_result(
                    NPM_CACHE_CLEANED,
                    passed=False,
                    message=(
                        f"`{' '.join(command.words)}` (line {run.line}) leaves the package cache "
                        "in the final image. Chain `&& npm cache clean --force` in the same RUN."
                    ),
                    line=run.line,
                )
    return rule_result(
        NPM_CACHE_CLEANED,
        passed=True,
        message="Node package installs (if any) in the final image clean their cache.",
    )


def apk_no_cache(dockerfile: Dockerfile) -> RuleResult:
    for run in _final_runs(dockerfile):
        commands = shell_commands(run)
        for position, command in enumerate(commands):
            cleaned = (
                command.has_option("--no-cache")
                or _mounted_away(run, APK_CACHE_DIRECTORY)
                or _removed_after(commands, position, APK_CACHE_DIRECTORY)
            )
            if is_apk_add(command) and not cleaned:
                return rule_result(
                    APK_NO_CACHE,
                    passed=False,
                    message=(
                        f"`{' '.join(command.words)}` (line {run.line}) stores the apk index in "
                        "the image. Use `apk add --no-cache ...`."
                    ),
                    line=run.line,
                )
    return rule_result(
        APK_NO_CACHE, passed=True, message="apk installs (if any) keep no cache in the image."
    )


def final_stage_without_build_tools(dockerfile: Dockerfile) -> RuleResult:
    final = dockerfile.final_stage
    advice = (
        "Compile in a builder stage (`FROM ... AS builder`) and `COPY --from=builder` only the "
        "result into a small runtime image."
    )
    base = dockerfile.lineage(final)[-1]
    if _is_build_tool_image(base):
        return rule_result(
            NO_BUILD_TOOLS_IN_FINAL_STAGE,
            passed=False,
            message=f"The final image is based on `{base.image.written}`, which ships compilers "
            "and build tools (`-slim` and `-alpine` variants do not). " + advice,
            line=base.line,
        )
    for run in _final_runs(dockerfile):
        tools = _tools_left_by(shell_commands(run))
        if tools:
            return rule_result(
                NO_BUILD_TOOLS_IN_FINAL_STAGE,
                passed=False,
                message=f"The final image installs build tools ({', '.join(tools)}) on line "
                f"{run.line}. " + advice,
                line=run.line,
            )
    return rule_result(
        NO_BUILD_TOOLS_IN_FINAL_STAGE,
        passed=True,
        message="The final image carries no compilers or build tools.",
    )


def _tools_left_by(commands: tuple[ShellCommand, ...]) -> list[str]:
    """Build tools the RUN installs and does not remove again within the same layer."""
    installed: dict[str, str | None] = {}
    for command in commands:
        group = virtual_package(command)
        for package in installed_packages(command):
            if _is_build_tool(package):
                installed[package] = group
        removed = set(removed_packages(command))
        installed = {
            package: group
            for package, group in installed.items()
            if package not in removed and (group is None or group not in removed)
        }
    return list(installed)


def _is_build_tool(package: str) -> bool:
    return package in BUILD_TOOL_PACKAGES or any(
        fnmatch(package, pattern) for pattern in BUILD_TOOL_PACKAGE_PATTERNS
    )


def _is_build_tool_image(stage: Stage) -> bool:
    image = stage.image
    repository = image.repository
    tag = (image.tag or "latest").lower()
    is_jdk = repository in {"openjdk", "eclipse-temurin", "amazoncorretto"} and "jdk" in tag
    is_full_variant = repository in FULL_VARIANT_TOOLCHAIN_IMAGES and not any(
        marker in tag for marker in LEAN_VARIANT_MARKERS
    )
    return (
        repository in BUILD_TOOL_IMAGES
        or is_jdk
        or is_full_variant
        or image.name.endswith("dotnet/sdk")
    )


def final_stage_installs_packages(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    """Every package of `options.required_packages` is installed in the final image (and not
    removed again), so that tidying an install cannot pass by deleting it."""
    installed: set[str] = set()
    for run in _final_runs(dockerfile):
        for command in shell_commands(run):
            installed.update(installed_packages(command))
            installed.difference_update(removed_packages(command))
    missing = [name for name in options.required_packages if name not in installed]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        return rule_result(
            PACKAGES_INSTALLED,
            passed=False,
            message=f"The final image no longer installs {names}, which the app needs. Keep "
            "the install and fix how it is done instead of removing it.",
            line=dockerfile.final_stage.line,
        )
    return rule_result(
        PACKAGES_INSTALLED,
        passed=True,
        message="The final image installs every package the app needs.",
    )
