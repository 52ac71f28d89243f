""".dockerignore rules: the build context must leave out secrets, history and dependencies.

Patterns are matched the way Docker matches them: relative to the context root (`node_modules`
only excludes the top-level folder, `**/node_modules` excludes them all), `*` and `?` stop at
`/`, a pattern that matches a folder excludes everything in it, and `!pattern` re-includes,
with the last matching line winning.
"""

from graders.dockerfile_parser import Dockerfile
from graders.dockerfile_shell import is_node_install, is_pip_install, shell_commands
from graders.dockerignore import DockerignoreMatcher
from graders.rule_results import (
    DOCKERIGNORE_EXCLUDES_DEPENDENCIES,
    DOCKERIGNORE_EXCLUDES_ENV,
    DOCKERIGNORE_EXCLUDES_GIT,
    RuleResult,
    rule_result,
)

DOCKERIGNORE_RULE_IDS = frozenset(
    {DOCKERIGNORE_EXCLUDES_ENV, DOCKERIGNORE_EXCLUDES_GIT, DOCKERIGNORE_EXCLUDES_DEPENDENCIES}
)
ENV_FILE_PATH = ".env"
GIT_PATH = ".git/HEAD"
NODE = "Node.js"
PYTHON = "Python"
# Per ecosystem, groups of sample paths: each group must have at least one path excluded.
DEPENDENCY_FOLDERS: dict[str, tuple[tuple[str, ...], ...]] = {
    NODE: (("node_modules/express/index.js",),),
    PYTHON: (("__pycache__/app.cpython-312.pyc",), (".venv/bin/python", "venv/bin/python")),
}
FOLDER_LABELS = {
    "node_modules/express/index.js": "node_modules",
    "__pycache__/app.cpython-312.pyc": "__pycache__",
    ".venv/bin/python": ".venv",
    "venv/bin/python": "venv",
}


def dockerignore_excludes_env(matcher: DockerignoreMatcher) -> RuleResult:
    if matcher.excludes(ENV_FILE_PATH):
        return rule_result(DOCKERIGNORE_EXCLUDES_ENV, passed=True, message=".env is excluded.")
    return rule_result(
        DOCKERIGNORE_EXCLUDES_ENV,
        passed=False,
        message=".dockerignore does not exclude `.env`, so `COPY . .` would put your secrets "
        "into the image. Add a line `.env`.",
    )


def dockerignore_excludes_git(matcher: DockerignoreMatcher) -> RuleResult:
    if matcher.excludes(GIT_PATH):
        return rule_result(DOCKERIGNORE_EXCLUDES_GIT, passed=True, message=".git is excluded.")
    return rule_result(
        DOCKERIGNORE_EXCLUDES_GIT,
        passed=False,
        message=".dockerignore does not exclude `.git`: the repository history would be sent "
        "with every build and could end up in the image. Add a line `.git`.",
    )


def dockerignore_excludes_dependencies(
    matcher: DockerignoreMatcher, ecosystems: frozenset[str]
) -> RuleResult:
    if not ecosystems:
        # Unknown project type: any excluded dependency folder shows the idea was applied.
        everything = tuple(
            path for groups in DEPENDENCY_FOLDERS.values() for g in groups for path in g
        )
        groups: tuple[tuple[str, ...], ...] = (everything,)
    else:
        groups = tuple(group for name in sorted(ecosystems) for group in DEPENDENCY_FOLDERS[name])
    missing = [group for group in groups if not any(matcher.excludes(path) for path in group)]
    if not missing:
        return rule_result(
            DOCKERIGNORE_EXCLUDES_DEPENDENCIES,
            passed=True,
            message="Locally installed dependency folders are excluded.",
        )
    names = " / ".join(FOLDER_LABELS[path] for path in missing[0])
    return rule_result(
        DOCKERIGNORE_EXCLUDES_DEPENDENCIES,
        passed=False,
        message=f".dockerignore does not exclude `{names}`: folders your machine generates would "
        "be sent with every build and could overwrite what the image installs. Add it to "
        ".dockerignore.",
    )


def project_ecosystems(dockerfile: Dockerfile) -> frozenset[str]:
    """Which dependency folders matter, judged from base images and install commands."""
    found: set[str] = set()
    for stage in dockerfile.stages:
        image = stage.image.name.rsplit("/", 1)[-1]
        if image.startswith("node"):
            found.add(NODE)
        if image.startswith("python"):
            found.add(PYTHON)
        for run in stage.instructions_named("RUN"):
            for command in shell_commands(run):
                if is_node_install(command):
                    found.add(NODE)
                if is_pip_install(command):
                    found.add(PYTHON)
    return frozenset(found)


def dockerignore_rules(text: str, *, dockerfile: Dockerfile | None = None) -> list[RuleResult]:
    """Check a .dockerignore; with the Dockerfile, dependency folders match its ecosystem."""
    matcher = DockerignoreMatcher(text)
    ecosystems = project_ecosystems(dockerfile) if dockerfile is not None else frozenset()
    return [
        dockerignore_excludes_env(matcher),
        dockerignore_excludes_git(matcher),
        dockerignore_excludes_dependencies(matcher, ecosystems),
    ]
