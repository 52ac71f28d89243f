"""Rules about how the image is built: layer-cache order, package caches, build tools.

Package-cache rules look only at the final stage (and the stages it builds on): a builder
stage's caches are thrown away with the stage, so they cost the learner nothing.
"""

from fnmatch import fnmatch

from graders.dockerfile_parser import Dockerfile, Instruction, Stage
from graders.dockerfile_shell import (
    ShellCommand,
    installed_packages,
    is_apk_add,
    is_apt_install,
    is_apt_update,
    is_node_cache_clean,
    is_node_install,
    is_pip_install,
    mentions,
    removes_packages,
    shell_commands,
    uses_cache_mount,
)
from graders.rule_results import (
    APK_NO_CACHE,
    APT_CHAINED_WITH_CLEANUP,
    DEPENDENCIES_BEFORE_SOURCE,
    NO_BUILD_TOOLS_IN_FINAL_STAGE,
    NPM_CACHE_CLEANED,
    PIP_NO_CACHE_DIR,
    RuleResult,
    rule_result,
)

# Files that list dependencies; copying one of them alone lets Docker cache the install layer.
DEPENDENCY_MANIFEST_PATTERNS = (
    "requirements*.txt",
    "requirements",
    "constraints*.txt",
    "package*.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "npm-shrinkwrap.json",
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "Pipfile*",
    "setup.py",
    "setup.cfg",
    "go.mod",
    "go.sum",
    "Gemfile*",
    "composer.json",
    "composer.lock",
    "Cargo.toml",
    "Cargo.lock",
    "pom.xml",
    "build.gradle*",
)
# Sources that mean "the whole build context", i.e. the frequently changing application code.
WHOLE_CONTEXT_SOURCES = frozenset({".", "./", "*", "./*"})
# Programs whose subcommand installs third-party dependencies from a manifest.
DEPENDENCY_INSTALLERS: dict[str, frozenset[str]] = {
    "poetry": frozenset({"install"}),
    "pipenv": frozenset({"install", "sync"}),
    "uv": frozenset({"sync", "pip"}),
    "bundle": frozenset({"install"}),
    "composer": frozenset({"install"}),
}
# What to copy before installing, per installer, for the learner-facing advice.
MANIFEST_EXAMPLES = {
    "pip": "requirements.txt",
    "pip3": "requirements.txt",
    "python": "requirements.txt",
    "python3": "requirements.txt",
    "npm": "package*.json",
    "yarn": "package.json yarn.lock",
    "pnpm": "package.json pnpm-lock.yaml",
    "poetry": "pyproject.toml poetry.lock",
    "pipenv": "Pipfile Pipfile.lock",
    "uv": "pyproject.toml uv.lock",
    "go": "go.mod go.sum",
    "bundle": "Gemfile Gemfile.lock",
    "composer": "composer.json composer.lock",
}
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
APT_LISTS_DIRECTORY = "/var/lib/apt/lists"
APK_CACHE_DIRECTORY = "/var/cache/apk"
PIP_NO_CACHE_VARIABLE = "PIP_NO_CACHE_DIR"


def dependencies_before_source(dockerfile: Dockerfile) -> RuleResult:
    for stage in dockerfile.stages:
        problem = _late_install(stage)
        if problem is not None:
            install, source_copy = problem
            return rule_result(
                DEPENDENCIES_BEFORE_SOURCE,
                passed=False,
                message=(
                    f"`RUN {install.arguments}` (line {install.line}) installs dependencies after "
                    f"`COPY {source_copy.arguments}` (line {source_copy.line}), so any source "
                    "change re-runs the whole install. Copy the dependency files first "
                    f"(`COPY {_manifest_example(install)} ./`), install, then copy the rest."
                ),
                line=install.line,
            )
    return rule_result(
        DEPENDENCIES_BEFORE_SOURCE,
        passed=True,
        message="Dependencies are installed before the source code is copied, so the "
        "install layer stays cached when only code changes.",
    )


def _late_install(stage: Stage) -> tuple[Instruction, Instruction] | None:
    """(install, source copy) when dependencies are only installed after the source copy."""
    body = stage.instructions
    source_at = next((i for i, item in enumerate(body) if _copies_whole_context(item)), None)
    if source_at is None:
        return None
    installs = [i for i, item in enumerate(body) if _installs_dependencies(item)]
    late = [i for i in installs if i > source_at]
    if not late:
        return None
    manifests = [i for i, item in enumerate(body[:source_at]) if _copies_manifest(item)]
    if manifests and any(manifests[0] < i < source_at for i in installs):
        return None
    return body[late[0]], body[source_at]


def _manifest_example(install: Instruction) -> str:
    programs = [
        command.program for command in shell_commands(install) if _is_dependency_install(command)
    ]
    return MANIFEST_EXAMPLES.get(programs[0], "package*.json") if programs else "package*.json"


def _local_sources(instruction: Instruction) -> tuple[str, ...]:
    if instruction.keyword not in {"COPY", "ADD"} or instruction.has_flag("from"):
        return ()
    return instruction.words[:-1]


def _copies_whole_context(instruction: Instruction) -> bool:
    return any(source in WHOLE_CONTEXT_SOURCES for source in _local_sources(instruction))


def _copies_manifest(instruction: Instruction) -> bool:
    return any(
        fnmatch(source.rstrip("/").rsplit("/", 1)[-1], pattern)
        for source in _local_sources(instruction)
        for pattern in DEPENDENCY_MANIFEST_PATTERNS
    )


def _installs_dependencies(instruction: Instruction) -> bool:
    if instruction.keyword != "RUN":
        return False
    return any(_is_dependency_install(command) for command in shell_commands(instruction))


def _is_dependency_install(command: ShellCommand) -> bool:
    if is_pip_install(command) or is_node_install(command):
        return True
    if command.program == "go":
        return command.positional_words()[:2] == ("mod", "download")
    verbs = DEPENDENCY_INSTALLERS.get(command.program)
    return verbs is not None and command.subcommand in verbs


def _final_runs(dockerfile: Dockerfile) -> list[Instruction]:
    instructions = dockerfile.inherited_instructions(dockerfile.final_stage)
    return [item for item in instructions if item.keyword == "RUN"]


def apt_get_chained_with_cleanup(dockerfile: Dockerfile) -> RuleResult:
    for run in _final_runs(dockerfile):
        commands = shell_commands(run)
        updates = any(is_apt_update(command) for command in commands)
        installs = any(is_apt_install(command) for command in commands)
        message = None
        if updates and not installs:
            message = (
                f"`apt-get update` has its own RUN (line {run.line}): Docker caches that layer, "
                "so a later install can use a stale package list. Chain "
                "`apt-get update && apt-get install -y ...` in one RUN."
            )
        elif installs and not updates:
            message = (
                f"The RUN on line {run.line} installs with apt-get without `apt-get update` "
                "in the same RUN, so it may use a stale, cached package list."
            )
        elif installs and not (mentions(run, APT_LISTS_DIRECTORY) or uses_cache_mount(run)):
            message = (
                f"The RUN on line {run.line} installs packages but leaves the apt package lists "
                "in the layer. End it with `&& rm -rf /var/lib/apt/lists/*`."
            )
        if message is not None:
            return rule_result(
                APT_CHAINED_WITH_CLEANUP, passed=False, message=message, line=run.line
            )
    return rule_result(
        APT_CHAINED_WITH_CLEANUP,
        passed=True,
        message="apt-get installs (if any) update, install and clean up in a single RUN.",
    )


def pip_no_cache_dir(dockerfile: Dockerfile) -> RuleResult:
    inherited = dockerfile.inherited_instructions(dockerfile.final_stage)
    cache_disabled = any(
        key == PIP_NO_CACHE_VARIABLE
        for item in inherited
        if item.keyword == "ENV"
        for key, _ in item.key_values
    )
    for run in _final_runs(dockerfile):
        for command in shell_commands(run):
            keeps_cache = not (
                cache_disabled
                or command.has_option("--no-cache-dir")
                or mentions(run, PIP_NO_CACHE_VARIABLE)
                or uses_cache_mount(run)
            )
            if is_pip_install(command) and keeps_cache:
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
        install = next((command for command in commands if is_node_install(command)), None)
        cleaned = any(is_node_cache_clean(command) for command in commands)
        if install is not None and not cleaned and not uses_cache_mount(run):
            return rule_result(
                NPM_CACHE_CLEANED,
                passed=False,
                message=(
                    f"`{' '.join(install.words)}` (line {run.line}) leaves the package cache in "
                    "the final image. Chain `&& npm cache clean --force` in the same RUN."
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
        for command in shell_commands(run):
            cleaned = (
                command.has_option("--no-cache")
                or mentions(run, APK_CACHE_DIRECTORY)
                or uses_cache_mount(run)
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
            message=f"The final image is based on the toolchain image `{base.image.written}`. "
            + advice,
            line=base.line,
        )
    for run in _final_runs(dockerfile):
        commands = shell_commands(run)
        if any(removes_packages(command) for command in commands):
            continue  # installed, used and removed in one layer: nothing stays behind
        tools = [
            package
            for command in commands
            for package in installed_packages(command)
            if _is_build_tool(package)
        ]
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


def _is_build_tool(package: str) -> bool:
    return package in BUILD_TOOL_PACKAGES or any(
        fnmatch(package, pattern) for pattern in BUILD_TOOL_PACKAGE_PATTERNS
    )


def _is_build_tool_image(stage: Stage) -> bool:
    image = stage.image
    repository = image.name.rsplit("/", 1)[-1]
    is_jdk = repository in {"openjdk", "eclipse-temurin", "amazoncorretto"} and "jdk" in (
        image.tag or ""
    )
    return repository in BUILD_TOOL_IMAGES or is_jdk or image.name.endswith("dotnet/sdk")
