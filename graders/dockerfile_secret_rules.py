"""Rules about what a Dockerfile lets into the image: secrets, secret files, remote downloads.

- `no-secrets-in-env-or-arg` fails on a secret value the question or task declares (the
  starter's password or token) wherever an instruction holds it: ENV, an ARG default, LABEL,
  RUN, a URL, a heredoc body; on credentials written into any URL (`https://user:pass@host`);
  and on an ENV or ARG whose name says secret (PASSWORD, TOKEN, API_KEY, ...) with a literal
  value. Comments never reach the image and are not judged.
- `no-env-file-copied` fails when a secret file reaches the final image: one named in a COPY or
  ADD (`.env`, `.env.production`, `prod.env`, not the `.env.example` kind of template), or a
  file the question or task declares (default `.env` where declared) that `COPY . .`, a folder
  or a glob sends because no `.dockerignore` excludes it. Files are followed through stages
  (`graders.dockerfile_copies`), so a builder stage's copy that never reaches the final image
  does not count.
"""

import re

from graders.dockerfile_copies import context_path, files_in_stage
from graders.dockerfile_lexer import heredoc_from_word
from graders.dockerfile_model import Dockerfile, Instruction
from graders.dockerfile_variables import expand, scope_before
from graders.dockerignore import DockerignoreMatcher
from graders.rule_results import (
    COPY_INSTEAD_OF_ADD,
    NO_ENV_FILE_COPIED,
    NO_REMOTE_ADD,
    NO_SECRETS_IN_ENV_OR_ARG,
    RuleOptions,
    RuleResult,
    rule_result,
)

SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL"
    r"|(?:^|_)PASS(?:_|$)|(?:^|_)PWD$",
    re.IGNORECASE,
)
# `POSTGRES_PASSWORD_FILE=/run/secrets/db` points at a secret instead of holding one.
SECRET_REFERENCE_SUFFIXES = ("_FILE", "_PATH", "_DIR", "_URL", "_URI", "_HOST", "_PORT", "_USER")
VARIABLE_REFERENCE = re.compile(
    r"^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+#%-][^}]*)?\}|[A-Za-z_]\w*)$"
)
# `scheme://user:password@host`: a password written into a URL (a $VARIABLE is not literal).
URL_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'\"]+:([^\s/@'\"]+)@")
ENV_FILE = re.compile(r"^(?:\.env(?:\..+)?|.+\.env)$")
ENV_FILE_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})
REMOTE_SOURCE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@)", re.IGNORECASE)
LOCAL_ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
)


def _secret_failure(item: Instruction, what: str) -> RuleResult:
    return rule_result(
        NO_SECRETS_IN_ENV_OR_ARG,
        passed=False,
        message=f"`{item.keyword}` on line {item.line} {what}. Anyone with the image can read "
        "it (`docker history`, `docker inspect`, the layers). Pass secrets at run time "
        "(`docker run -e ...`, a secrets manager, or `RUN --mount=type=secret` while building).",
        line=item.line,
    )


def _is_literal_secret(name: str, value: str | None) -> bool:
    if not SECRET_NAME.search(name) or name.upper().endswith(SECRET_REFERENCE_SUFFIXES):
        return False
    return bool(value) and not VARIABLE_REFERENCE.match(value or "")


def no_secrets_in_env_or_arg(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    secrets = [value for value in options.secret_values if value]
    for item in dockerfile.all_instructions():
        texts = [item.text] + [value for _, value in item.key_values if value]
        if any(secret in text for secret in secrets for text in texts):
            return _secret_failure(item, "holds the secret value from the starter")
        for match in URL_CREDENTIALS.finditer(item.text):
            if not match.group(1).startswith("$"):
                return _secret_failure(item, "writes a password into a URL (`user:password@`)")
        if item.keyword in {"ENV", "ARG"}:
            for name, value in item.key_values:
                if _is_literal_secret(name, value):
                    return _secret_failure(item, f"gives `{name}` a literal value")
    return rule_result(
        NO_SECRETS_IN_ENV_OR_ARG,
        passed=True,
        message="No instruction bakes a secret into the image.",
    )


def _named_env_files(dockerfile: Dockerfile) -> tuple[str, ...]:
    """Context files that COPY/ADD name and that look like env files (not templates)."""
    found: list[str] = []
    for stage in dockerfile.stages:
        for item in stage.instructions:
            if item.keyword not in {"COPY", "ADD"} or item.has_flag("from"):
                continue
            scope = scope_before(dockerfile, item)
            for word in item.words[:-1]:
                source = context_path(expand(word, scope, escape=dockerfile.escape).value)
                name = source.rsplit("/", 1)[-1]
                if ENV_FILE.match(name) and name not in ENV_FILE_TEMPLATES:
                    found.append(source)
    return tuple(found)


def no_env_file_copied(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    declared = tuple(
        path
        for path in options.secret_files
        if options.context_paths is None
        or context_path(path) in {context_path(p) for p in options.context_paths}
    )
    named = _named_env_files(dockerfile)
    ignore = (
        DockerignoreMatcher(options.dockerignore_text)
        if options.dockerignore_text is not None
        else None
    )
    placed = files_in_stage(
        dockerfile,
        dockerfile.final_stage,
        context_files=declared + named,
        explicit_files=named + declared,
        ignore=ignore,
    )
    if placed:
        first = placed[0]
        item = first.instruction
        reason = "" if first.context_path in named else " (no .dockerignore entry excludes it)"
        return rule_result(
            NO_ENV_FILE_COPIED,
            passed=False,
            message=f"`{item.keyword} {item.arguments}` (line {item.line}) puts "
            f"`{first.context_path}` into the image at `{first.image_path}`{reason}, secrets "
            "included. Keep secret files out of images: list them in .dockerignore, copy only "
            "what the app needs, and pass settings at run time.",
            line=item.line,
        )
    return rule_result(
        NO_ENV_FILE_COPIED, passed=True, message="No .env or other secret file reaches the image."
    )


def _add_sources(dockerfile: Dockerfile) -> list[tuple[Instruction, str]]:
    found: list[tuple[Instruction, str]] = []
    for stage in dockerfile.stages:
        for item in stage.instructions_named("ADD"):
            scope = scope_before(dockerfile, item)
            for word in item.words[:-1]:
                if item.exec_form is None and heredoc_from_word(word) is not None:
                    found.append((item, "<<heredoc"))
                else:
                    found.append((item, expand(word, scope, escape=dockerfile.escape).value))
    return found


def no_remote_add(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    for item, source in _add_sources(dockerfile):
        if REMOTE_SOURCE.match(source) and not item.has_flag("checksum"):
            return rule_result(
                NO_REMOTE_ADD,
                passed=False,
                message=f"`ADD {source}` (line {item.line}) downloads at build time without "
                "verifying what arrives. Download with `RUN curl` and check its checksum, "
                "use `ADD --checksum=sha256:...`, or keep the file in the build context and "
                "`COPY` it.",
                line=item.line,
            )
    return rule_result(NO_REMOTE_ADD, passed=True, message="ADD never fetches unverified URLs.")


def copy_instead_of_add(dockerfile: Dockerfile, options: RuleOptions) -> RuleResult:
    for item, source in _add_sources(dockerfile):
        is_archive = source.lower().endswith(LOCAL_ARCHIVE_SUFFIXES)
        if not REMOTE_SOURCE.match(source) and not is_archive:
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
