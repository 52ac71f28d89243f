"""Checks on the build and the built image: size, user, secrets, what files it carries.

None of these run the learner's code except `image-user-not-root`, which asks the running app
(started hardened by `AppService`) who it runs as.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from graders.checks.base import Finding, Params
from graders.checks.context import GradingContext
from graders.checks.image_files import STANDARD_PATH
from graders.dockerfile_image_rules import is_root_user
from graders.dockerfile_secret_rules import SECRET_NAME, SECRET_REFERENCE_SUFFIXES
from graders.sandbox.build import BuildStatus

MIB = 1024 * 1024
# Programs that make an image a build or package-management environment rather than a runtime.
# (Not dpkg: busybox has a dpkg applet, and a busybox runtime image is exactly what we want.)
DEFAULT_TOOLCHAIN = ("gcc", "cc", "g++", "make", "ld", "as", "apt-get", "apt", "pip", "pip3")
# Values that look like real credentials whatever their variable is called.
SECRET_VALUE_PATTERNS = (
    re.compile(r"AKIA[0-9A-Z]{16}"),  # AWS access key id
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"gh[pousr]_[A-Za-z0-9]{30,}"),  # GitHub tokens
    re.compile(r"xox[abpr]-[A-Za-z0-9-]{10,}"),  # Slack tokens
)
ENV_FILE_NAME = ".env"


def build_succeeds(context: GradingContext, params: Params) -> Finding:
    build = context.build
    if build is None:
        return Finding(passed=False, message="Not checked: the build did not run.")
    evidence = {"status": str(build.status), "seconds": round(build.seconds, 2)}
    if build.status == BuildStatus.OK:
        size = (build.size_bytes or 0) / MIB
        return Finding(
            passed=True,
            message=f"The image builds ({size:.1f} MiB, {build.seconds:.1f} s).",
            evidence=evidence,
        )
    return Finding(
        passed=False,
        message=f"The image did not build: {build.reason}. See the build log below.",
        evidence=evidence,
    )


def image_size(context: GradingContext, params: Params) -> Finding:
    """Under `max_bytes`, or under `max_share` of the task's single-stage baseline build."""
    size = int(context.image_attrs()["Size"])
    evidence: dict[str, Any] = {"size_bytes": size}
    if "max_share" in params:
        if context.cache is None:
            raise RuntimeError("image-size with max_share needs the task image cache")
        baseline = context.cache.ensure(
            context.engine(),
            name=f"{context.task.slug}-baseline",
            files={
                **context.task.provided_files,
                "Dockerfile": str(params["baseline_dockerfile"]).encode(),
            },
        )
        limit = int(baseline.size_bytes * float(params["max_share"]))
        evidence |= {"baseline_bytes": baseline.size_bytes, "limit_bytes": limit}
        against = (
            f"{float(params['max_share']):.0%} of the single-stage build "
            f"({baseline.size_bytes / MIB:.1f} MiB)"
        )
    else:
        limit = int(params["max_bytes"])
        evidence["limit_bytes"] = limit
        against = "the limit"
    if size <= limit:
        return Finding(
            passed=True,
            message=f"The image is {size / MIB:.1f} MiB, within {against}: {limit / MIB:.1f} MiB.",
            evidence=evidence,
        )
    return Finding(
        passed=False,
        message=f"The image is {size / MIB:.1f} MiB, over {against}: {limit / MIB:.1f} MiB. "
        "Ship only what the app needs at run time (a multi-stage build, a smaller base, "
        "no build tools or caches).",
        evidence=evidence,
    )


def _configured_user(context: GradingContext) -> str:
    return str((context.image_attrs().get("Config") or {}).get("User") or "")


def image_user_not_root(context: GradingContext, params: Params) -> Finding:
    """The image's configured User is not root AND the running app's processes are not uid 0."""
    user = _configured_user(context)
    name = user.split(":")[0].strip()
    if not name or is_root_user(name):
        shown = f"`{user}`" if user else "not set (root)"
        return Finding(
            passed=False,
            message=f"The image's user is {shown}, so the app runs as root. Add a user and "
            "`USER <name>` as the last USER of the final stage.",
            evidence={"config_user": user},
        )
    app = context.app()
    uids = app.user_ids()
    evidence = {"config_user": user, "running_uids": uids}
    if 0 in uids:
        return Finding(
            passed=False,
            message=f"The image names user `{user}`, but the running app's processes include "
            "uid 0 (root).",
            evidence=evidence,
        )
    if not uids:
        return Finding(
            passed=True,
            message=f"The image runs as `{user}` (the app was not running to confirm it: "
            f"{app.exit_summary()})",
            evidence=evidence,
        )
    shown_uids = ", ".join(map(str, sorted(set(uids))))
    return Finding(
        passed=True,
        message=f"The app runs as `{user}` (uid {shown_uids}), not root.",
        evidence=evidence,
    )


def _secret_hits(texts: Iterable[str], known: Iterable[str]) -> list[str]:
    hits: list[str] = []
    known_values = [value for value in known if value]
    for text in texts:
        if any(value in text for value in known_values) or any(
            pattern.search(text) for pattern in SECRET_VALUE_PATTERNS
        ):
            hits.append(text)
    return hits


def _secret_env(env: Iterable[str]) -> list[str]:
    found = []
    for item in env:
        name, _, value = item.partition("=")
        suffixed = name.upper().endswith(SECRET_REFERENCE_SUFFIXES)
        if SECRET_NAME.search(name) and value and not suffixed:
            found.append(name)
    return found


def _redact(text: str, limit: int = 120) -> str:
    return re.sub(r"=\S+", "=***", text)[:limit]


def no_secrets_in_image(context: GradingContext, params: Params) -> Finding:
    """History `CreatedBy` lines and Config.Env hold no secrets; no .env in the working dir."""
    client = context.engine()
    assert context.image_id is not None
    history = client.api.history(context.image_id)
    created_by = [str(entry.get("CreatedBy") or "") for entry in history]
    config: Mapping[str, Any] = context.image_attrs().get("Config") or {}
    env = [str(item) for item in config.get("Env") or []]
    known = [str(value) for value in params.get("secret_values", ())]
    named = _secret_env(env)
    leaked = _secret_hits([*created_by, *env], known)
    workdir = str(config.get("WorkingDir") or "/")
    env_file = f"{workdir.rstrip('/')}/{ENV_FILE_NAME}"
    problems: list[str] = []
    if named:
        problems.append(
            f"Config.Env sets {', '.join(f'`{n}`' for n in named)} to a value; anyone with the "
            "image reads it with `docker inspect`."
        )
    if leaked:
        problems.append(
            f"a secret value is visible in the image ({_redact(leaked[0])}); `docker history` "
            "and `docker inspect` show it."
        )
    if context.image_paths().exists(env_file):
        problems.append(f"`{env_file}` is in the image: list `.env` in .dockerignore.")
    evidence = {"secret_env_names": named, "leaks": len(leaked), "env_file": env_file}
    if problems:
        return Finding(
            passed=False,
            message="Secrets are baked into the image: "
            + " Also, ".join(problems)
            + " Pass secrets at run time (`docker run -e ...`) instead.",
            evidence=evidence,
        )
    return Finding(
        passed=True,
        message="No secrets found in the image's history, environment or working directory.",
        evidence=evidence,
    )


def _search_path(context: GradingContext) -> str:
    for item in (context.image_attrs().get("Config") or {}).get("Env") or []:
        name, _, value = str(item).partition("=")
        if name == "PATH":
            return f"{value}:{STANDARD_PATH}"
    return STANDARD_PATH


def final_image_no_toolchain(context: GradingContext, params: Params) -> Finding:
    programs = tuple(params.get("programs", DEFAULT_TOOLCHAIN))
    found = context.image_paths().programs(programs, _search_path(context))
    if found:
        return Finding(
            passed=False,
            message=f"The final image still carries build or package tools: "
            f"{', '.join(f'`{path}`' for path in found)}. Use them in a builder stage and copy "
            "only the result into a minimal final stage.",
            evidence={"found": found},
        )
    return Finding(
        passed=True,
        message=f"The final image has none of: {', '.join(programs)}.",
        evidence={"found": []},
    )


def final_image_no_sources(context: GradingContext, params: Params) -> Finding:
    """None of `paths` exists and no file is called one of `names` (tests, build scripts...).

    `names` needs the image's full file listing (an export, about a second for 120 MB)."""
    paths = context.image_paths()
    found = [str(path) for path in params.get("paths", ()) if paths.exists(str(path))]
    names = [str(name) for name in params.get("names", ())]
    if names:
        found += context.image_files().named(names)
    if found:
        shown = ", ".join(f"`{path}`" for path in sorted(set(found))[:5])
        return Finding(
            passed=False,
            message=f"The final image contains sources or build inputs it does not need at "
            f"run time: {shown}. Copy only the build's output (`COPY --from=builder ...`).",
            evidence={"found": sorted(set(found))},
        )
    return Finding(
        passed=True,
        message="The final image holds only what runs: no sources, tests or build scripts.",
        evidence={"found": []},
    )
