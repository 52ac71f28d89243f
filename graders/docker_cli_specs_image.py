"""`docker image …` commands, `docker build` in all its spellings, and registry commands.

`docker build`, `docker image build`, `docker builder build` and `docker buildx build` are one
command: since Engine 23 `docker build` runs BuildKit through buildx, so the table is the union
of both flag sets. Flags BuildKit accepts and ignores (`--rm`, `--force-rm`, `--compress`,
`--isolation`, the `--memory`/`--cpu-*` limits of the classic builder) change nothing, and
`--load` (or `--output type=docker`) is what the default `docker` driver does anyway.

The build context is a path on the client (`.`, `./` and `$(pwd)` are one directory); the
Dockerfile defaults to `Dockerfile` in the context, and `-f` is read relative to the working
directory, as the CLI reads it, so `-f Dockerfile` and `-f ./Dockerfile` are the default when
the context is `.`. Build stage names are case-insensitive (`--target Production`).
"""

import csv
from dataclasses import replace

from graders.docker_cli_command_spec import CommandSpec, command, no_arguments
from graders.docker_cli_flags import (
    CONTENT_TRUST,
    FILTER,
    FILTER_F,
    FORMAT,
    FORMAT_F,
    NO_TRUNC,
    PRUNE_FLAGS,
    QUIET,
    FlagKind,
    ignored,
    many,
    switch,
    value,
)
from graders.docker_cli_images import image_reference, image_repository, registry_server
from graders.docker_cli_model import CliValue, DockerCommand, DockerCommandError, FlagEffect
from graders.docker_cli_settings import with_option, without
from graders.docker_cli_values import (
    byte_size,
    environment_item,
    extra_host,
    host_path,
    integer,
    key_value_item,
    lower,
    path_clean,
    platform,
    ulimit,
)

REMOTE_CONTEXT_PREFIXES = ("http://", "https://", "git://", "git@", "github.com/")
STDIN = "-"
# `--output` fields that name a path on the client.
PATH_FIELDS = frozenset({"dest", "src", "context"})
DEFAULT_DOCKERFILE = "Dockerfile"
DOCKER_EXPORTER = "type=docker"
DEFAULT_SEARCH_LIMIT = "25"
PLATFORM = value("--platform", None, platform)
PULL_QUIET = switch("--quiet", "-q", effect=FlagEffect.PRESENTATION)


def build_context(context: str) -> str:
    """A local context is a directory on the client; URLs and `-` (stdin) stay as typed."""
    if context == STDIN or context.startswith(REMOTE_CONTEXT_PREFIXES):
        return context
    return host_path(context)


def _build_output(output: str) -> str:
    """`-o ./out` is `type=local,dest=./out`; fields are sorted, paths resolved."""
    if output == STDIN:
        return output
    if "=" not in output:
        output = f"type=local,dest={output}"
    fields = sorted(next(csv.reader([output])))
    return ",".join(
        f"{key}={host_path(item) if key in PATH_FIELDS else item}"
        for key, _, item in (field.partition("=") for field in fields)
    )


def _resolve_build(command: DockerCommand) -> DockerCommand:
    outputs = command.option("--output")
    if outputs is not None:
        kept = tuple(item for item in outputs.values if item.canonical != DOCKER_EXPORTER)
        command = without(command, "--output")
        if kept:
            command = with_option(command, replace(outputs, values=kept))
    dockerfile = command.option("--file")
    if dockerfile is None:
        return command
    context = command.arguments[0].canonical
    typed = dockerfile.values[0].typed
    local = context.startswith(("/", "$"))
    if typed == STDIN:
        canonical, default = typed, None
    elif local:
        canonical, default = host_path(typed), f"{context.rstrip('/')}/{DEFAULT_DOCKERFILE}"
    else:
        canonical, default = path_clean(typed), DEFAULT_DOCKERFILE
    if canonical == default:
        return without(command, "--file")
    return with_option(command, replace(dockerfile, values=(CliValue(canonical, typed),)))


def _resolve_all_tags(command: DockerCommand) -> DockerCommand:
    """`docker pull -a nginx` pulls every tag: the name gets no default `latest`."""
    if command.option("--all-tags") is None:
        return command
    typed = command.arguments[0].typed
    canonical = image_repository(typed)
    if canonical == image_reference(typed):
        raise DockerCommandError("`--all-tags` (`-a`) takes a repository name without a tag.")
    return replace(command, arguments=(CliValue(canonical, typed),))


def _resolve_default_registry(command: DockerCommand) -> DockerCommand:
    """`docker login` without a server logs in to Docker Hub, as `docker login docker.io` does."""
    if command.arguments:
        return command
    return replace(command, arguments=(CliValue(registry_server(""), ""),))


def _search_limit(text: str) -> str:
    number = integer(text)
    return DEFAULT_SEARCH_LIMIT if number == "0" else number


BUILD_FLAGS = (
    many("--tag", "-t", image_reference, kind=FlagKind.SET),
    value("--file", "-f"),
    value("--target", None, lower),
    many("--build-arg", None, environment_item, kind=FlagKind.MAP),
    switch("--no-cache"),
    many("--no-cache-filter", None, lower, kind=FlagKind.SET),
    switch("--pull"),
    switch("--quiet", "-q", effect=FlagEffect.OUTPUT),
    PLATFORM,
    many("--label", None, key_value_item, kind=FlagKind.MAP),
    value("--progress", None, lower, default="auto", effect=FlagEffect.PRESENTATION),
    value("--network", None, lower, default="default"),
    many("--secret", None, kind=FlagKind.SET),
    many("--ssh", None, kind=FlagKind.SET),
    many("--cache-from", None, kind=FlagKind.SET),
    many("--cache-to", None, kind=FlagKind.SET),
    many("--output", "-o", _build_output),
    switch("--push"),
    value("--iidfile", None, host_path),
    value("--metadata-file", None, host_path),
    many("--add-host", None, extra_host),
    many("--allow", None, kind=FlagKind.SET),
    many("--annotation", None),
    many("--attest", None),
    many("--build-context", None, key_value_item, kind=FlagKind.MAP),
    value("--builder"),
    value("--call", None, lower, default="build"),
    switch("--check"),
    value("--provenance"),
    value("--sbom"),
    value("--shm-size", None, byte_size, default="0"),
    many("--ulimit", None, ulimit, kind=FlagKind.MAP),
    value("--cgroup-parent"),
    ignored("--load"),
    ignored("--rm"),
    ignored("--force-rm"),
    ignored("--compress"),
    ignored("--squash"),
    ignored("--disable-content-trust"),
    ignored("--isolation", takes_value=True),
    ignored("--security-opt", takes_value=True),
    ignored("--memory", "-m", takes_value=True),
    ignored("--memory-swap", takes_value=True),
    ignored("--cpu-shares", "-c", takes_value=True),
    ignored("--cpu-period", takes_value=True),
    ignored("--cpu-quota", takes_value=True),
    ignored("--cpuset-cpus", takes_value=True),
    ignored("--cpuset-mems", takes_value=True),
)

IMAGE_SPECS: tuple[CommandSpec, ...] = (
    command(
        "image build",
        "PATH | URL | -",
        *BUILD_FLAGS,
        aliases=("build", "builder build", "buildx build", "buildx b"),
        min_arguments=1,
        max_arguments=1,
        first_argument=build_context,
        resolve=_resolve_build,
    ),
    command(
        "image ls",
        "[REPOSITORY[:TAG]]",
        switch("--all", "-a"),
        switch("--digests", effect=FlagEffect.PRESENTATION),
        FILTER_F,
        FORMAT,
        NO_TRUNC,
        QUIET,
        switch("--tree", effect=FlagEffect.PRESENTATION),
        aliases=("images", "image list"),
        max_arguments=1,
        first_argument=image_repository,
    ),
    command(
        "image rm",
        "IMAGE [IMAGE...]",
        switch("--force", "-f"),
        switch("--no-prune"),
        PLATFORM,
        aliases=("rmi", "image remove"),
        min_arguments=1,
        first_argument=image_reference,
        other_arguments=image_reference,
        unordered_arguments=True,
    ),
    command(
        "image pull",
        "NAME[:TAG|@DIGEST]",
        switch("--all-tags", "-a"),
        CONTENT_TRUST,
        PLATFORM,
        PULL_QUIET,
        aliases=("pull",),
        min_arguments=1,
        max_arguments=1,
        first_argument=image_reference,
        resolve=_resolve_all_tags,
    ),
    command(
        "image push",
        "NAME[:TAG]",
        switch("--all-tags", "-a"),
        CONTENT_TRUST,
        PLATFORM,
        PULL_QUIET,
        aliases=("push",),
        min_arguments=1,
        max_arguments=1,
        first_argument=image_reference,
        resolve=_resolve_all_tags,
    ),
    command(
        "image tag",
        "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        aliases=("tag",),
        min_arguments=2,
        max_arguments=2,
        first_argument=image_reference,
        other_arguments=image_reference,
    ),
    command(
        "image history",
        "IMAGE",
        FORMAT,
        switch("--human", "-H", default=True, effect=FlagEffect.PRESENTATION),
        NO_TRUNC,
        QUIET,
        PLATFORM,
        aliases=("history",),
        min_arguments=1,
        max_arguments=1,
        first_argument=image_reference,
    ),
    command(
        "image inspect",
        "IMAGE [IMAGE...]",
        FORMAT_F,
        PLATFORM,
        min_arguments=1,
        first_argument=image_reference,
        other_arguments=image_reference,
        unordered_arguments=True,
    ),
    no_arguments("image prune", switch("--all", "-a"), *PRUNE_FLAGS),
    command(
        "image save",
        "IMAGE [IMAGE...]",
        value("--output", "-o", host_path),
        PLATFORM,
        aliases=("save",),
        min_arguments=1,
        first_argument=image_repository,
        other_arguments=image_repository,
        unordered_arguments=True,
    ),
    no_arguments(
        "image load",
        value("--input", "-i", host_path),
        PULL_QUIET,
        PLATFORM,
        aliases=("load",),
    ),
    command(
        "image import",
        "file|URL|- [REPOSITORY[:TAG]]",
        many("--change", "-c", kind=FlagKind.LIST),
        value("--message", "-m"),
        PLATFORM,
        aliases=("import",),
        min_arguments=1,
        max_arguments=2,
        other_arguments=image_reference,
    ),
    no_arguments(
        "builder prune",
        switch("--all", "-a"),
        *PRUNE_FLAGS,
        value("--keep-storage", None, byte_size, default="0"),
        value("--max-used-space", None, byte_size, default="0"),
        value("--reserved-space", None, byte_size, default="0"),
        value("--min-free-space", None, byte_size, default="0"),
    ),
    command(
        "login",
        "[SERVER]",
        value("--username", "-u"),
        value("--password", "-p", risk="leaves the password in the shell history"),
        switch("--password-stdin"),
        max_arguments=1,
        first_argument=registry_server,
        resolve=_resolve_default_registry,
    ),
    command(
        "logout",
        "[SERVER]",
        max_arguments=1,
        first_argument=registry_server,
        resolve=_resolve_default_registry,
    ),
    command(
        "search",
        "TERM",
        replace(FILTER, short="-f"),
        FORMAT,
        value(
            "--limit", None, _search_limit, default=DEFAULT_SEARCH_LIMIT, effect=FlagEffect.OUTPUT
        ),
        NO_TRUNC,
        min_arguments=1,
        max_arguments=1,
    ),
)
