"""`dependencies-before-source`: dependency manifests are copied and installed before the rest of
the source, so that a code change does not re-run the install (the layer cache, Section 3).

An install counts for `npm`, `yarn`, `pnpm`, `pip`, `poetry`, `pipenv`, `uv`, `go mod download`,
`bundle` and `composer`. `npm ci` installs exactly what the lock file lists and stops with an
error when there is none, so a stage that runs it must have copied `package-lock.json` (or
`npm-shrinkwrap.json`) first: copying `package.json` alone builds nothing.
"""

from fnmatch import fnmatch

from graders.dockerfile_model import Dockerfile, Instruction, Stage
from graders.dockerfile_shell import (
    ShellCommand,
    is_node_install,
    is_pip_install,
    shell_commands,
)
from graders.rule_results import DEPENDENCIES_BEFORE_SOURCE, RuleResult, rule_result

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
# `npm ci` installs exactly what the lock file lists and stops with an error without one.
NPM_CLEAN_INSTALL_VERBS = frozenset({"ci", "clean-install", "install-clean", "ic", "isntall-clean"})
NPM_LOCK_FILES = ("package-lock.json", "npm-shrinkwrap.json")
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


def dependencies_before_source(dockerfile: Dockerfile) -> RuleResult:
    installs = [
        item
        for stage in dockerfile.stages
        for item in stage.instructions
        if _installs_dependencies(item)
    ]
    if not installs:
        return rule_result(
            DEPENDENCIES_BEFORE_SOURCE,
            passed=False,
            message="No RUN installs the app's dependencies (`npm ci`, `pip install -r ...`), so "
            "the image would run without them. Copy the dependency files, install, then copy "
            "the rest of the source.",
            line=dockerfile.final_stage.line,
        )
    lockless = _npm_ci_without_lock_file(dockerfile)
    if lockless is not None:
        return rule_result(
            DEPENDENCIES_BEFORE_SOURCE,
            passed=False,
            message=f"`RUN {lockless.arguments}` (line {lockless.line}) runs `npm ci`, but no "
            "lock file (`package-lock.json`) is copied before it, so the install stops with an "
            "error. Copy `package*.json` (or `package.json package-lock.json`) first.",
            line=lockless.line,
        )
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


def _npm_ci_without_lock_file(dockerfile: Dockerfile) -> Instruction | None:
    """The first `npm ci` whose stage (with the stages it builds on) copies no lock file before
    it. Only files the Dockerfile copies are known; a COPY of the whole context counts."""
    for stage in dockerfile.stages:
        copied_lock = False
        for item in dockerfile.inherited_instructions(stage):
            if _copies_whole_context(item) or _copies_lock_file(item):
                copied_lock = True
            if item in stage.instructions and _runs_npm_ci(item) and not copied_lock:
                return item
    return None


def _copies_lock_file(instruction: Instruction) -> bool:
    return any(
        fnmatch(lock_file, source.rstrip("/").rsplit("/", 1)[-1])
        for source in _local_sources(instruction)
        for lock_file in NPM_LOCK_FILES
    )


def _runs_npm_ci(instruction: Instruction) -> bool:
    return instruction.keyword == "RUN" and any(
        command.program == "npm" and command.subcommand in NPM_CLEAN_INSTALL_VERBS
        for command in shell_commands(instruction)
    )


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
