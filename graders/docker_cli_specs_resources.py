"""`docker network …`, `docker volume …`, `docker system …` and the generic commands
(`docker inspect`, `docker version`, `docker info`, `docker events`).

`docker network create x` uses the `bridge` driver, `docker volume create` the `local` one, so
naming them changes nothing; `docker volume create --name x` is `docker volume create x`; and
`docker inspect --type container x` is `docker container inspect x` (without `--type` it looks
up any kind of object, so it stays its own command).
"""

from dataclasses import replace

from graders.docker_cli_command_spec import CommandSpec, command, no_arguments, targets
from graders.docker_cli_container_values import link
from graders.docker_cli_flags import (
    FILTER_F,
    FORMAT,
    FORMAT_F,
    LIST_FLAGS,
    PRUNE_FLAGS,
    QUIET,
    SINCE,
    UNTIL,
    FlagKind,
    many,
    switch,
    value,
)
from graders.docker_cli_images import image_reference
from graders.docker_cli_model import CliValue, DockerCommand, DockerCommandError, FlagEffect
from graders.docker_cli_settings import without
from graders.docker_cli_values import byte_size, integer, ip_address, key_value_item, lower

# `docker inspect --type T` names the same lookup as `docker T inspect`.
TYPED_INSPECT = {
    "container": "container",
    "image": "image",
    "network": "network",
    "volume": "volume",
}
VERBOSE = switch("--verbose", "-v", effect=FlagEffect.PRESENTATION)


def _resolve_volume_name(command: DockerCommand) -> DockerCommand:
    name = command.option("--name")
    if name is None:
        return command
    if command.arguments:
        raise DockerCommandError(
            "Give the volume's name either with `--name` or as the argument, not both."
        )
    return replace(without(command, "--name"), arguments=name.values)


def _check_network_ranges(command: DockerCommand) -> DockerCommand:
    """The CLI refuses a gateway or an IP range without the subnet it belongs to."""
    has_range = command.option("--gateway") or command.option("--ip-range")
    if has_range and command.option("--subnet") is None:
        raise DockerCommandError("Every `--gateway` or `--ip-range` needs a `--subnet`.")
    return command


def _resolve_inspect_type(command: DockerCommand) -> DockerCommand:
    kind = command.option("--type")
    if kind is None or kind.values[0].canonical not in TYPED_INSPECT:
        return command
    path = (TYPED_INSPECT[kind.values[0].canonical], "inspect")
    if command.option("--size") is not None and path[0] != "container":
        command = without(command, "--size")
    arguments = command.arguments
    if path[0] == "image":
        arguments = tuple(
            sorted(CliValue(image_reference(item.typed), item.typed) for item in arguments)
        )
    return replace(without(command, "--type"), path=path, arguments=arguments)


RESOURCE_SPECS: tuple[CommandSpec, ...] = (
    command(
        "network create",
        "NETWORK",
        switch("--attachable"),
        many("--aux-address", None, key_value_item, kind=FlagKind.MAP),
        value("--config-from"),
        switch("--config-only"),
        value("--driver", "-d", lower, default="bridge"),
        many("--gateway", None, ip_address, kind=FlagKind.SET),
        switch("--ingress"),
        switch("--internal"),
        many("--ip-range", None, lower, kind=FlagKind.SET),
        value("--ipam-driver", None, lower, default="default"),
        many("--ipam-opt", None, key_value_item, kind=FlagKind.MAP),
        switch("--ipv4", default=True),
        switch("--ipv6"),
        many("--label", None, key_value_item, kind=FlagKind.MAP),
        many("--opt", "-o", key_value_item, kind=FlagKind.MAP),
        value("--scope", None, lower),
        many("--subnet", None, lower, kind=FlagKind.SET),
        min_arguments=1,
        max_arguments=1,
        resolve=_check_network_ranges,
    ),
    no_arguments("network ls", *LIST_FLAGS, aliases=("network list",)),
    targets(
        "network rm",
        "NETWORK [NETWORK...]",
        switch("--force", "-f"),
        aliases=("network remove",),
    ),
    targets("network inspect", "NETWORK [NETWORK...]", FORMAT_F, VERBOSE),
    command(
        "network connect",
        "NETWORK CONTAINER",
        many("--alias", None, kind=FlagKind.SET),
        many("--driver-opt", None, key_value_item, kind=FlagKind.MAP),
        value("--gw-priority", None, integer, default="0"),
        value("--ip", None, ip_address),
        value("--ip6", None, ip_address),
        many("--link", None, link),
        many("--link-local-ip", None, ip_address, kind=FlagKind.SET),
        min_arguments=2,
        max_arguments=2,
    ),
    command(
        "network disconnect",
        "NETWORK CONTAINER",
        switch("--force", "-f"),
        min_arguments=2,
        max_arguments=2,
    ),
    no_arguments("network prune", *PRUNE_FLAGS),
    command(
        "volume create",
        "[VOLUME]",
        value("--driver", "-d", default="local"),
        many("--label", None, key_value_item, kind=FlagKind.MAP),
        many("--opt", "-o", key_value_item, kind=FlagKind.MAP),
        value("--name"),
        value("--availability", None, lower, default="active"),
        value("--group"),
        value("--limit-bytes", None, byte_size, default="0"),
        value("--required-bytes", None, byte_size, default="0"),
        value("--scope", None, lower, default="single"),
        many("--secret", None, key_value_item, kind=FlagKind.MAP),
        value("--sharing", None, lower, default="none"),
        many("--topology-preferred", None, kind=FlagKind.LIST),
        many("--topology-required", None, kind=FlagKind.LIST),
        value("--type", None, lower, default="block"),
        max_arguments=1,
        resolve=_resolve_volume_name,
    ),
    no_arguments(
        "volume ls",
        switch("--cluster"),
        FILTER_F,
        FORMAT,
        QUIET,
        aliases=("volume list",),
    ),
    targets(
        "volume rm",
        "VOLUME [VOLUME...]",
        switch("--force", "-f"),
        aliases=("volume remove",),
    ),
    targets("volume inspect", "VOLUME [VOLUME...]", FORMAT_F),
    no_arguments("volume prune", switch("--all", "-a"), *PRUNE_FLAGS),
    no_arguments("system prune", switch("--all", "-a"), switch("--volumes"), *PRUNE_FLAGS),
    no_arguments("system df", FORMAT, VERBOSE),
    no_arguments("system info", FORMAT_F, aliases=("info",)),
    no_arguments("system events", FILTER_F, FORMAT, SINCE, UNTIL, aliases=("events",)),
    no_arguments("version", FORMAT_F),
    command(
        "inspect",
        "NAME|ID [NAME|ID...]",
        FORMAT_F,
        switch("--size", "-s", effect=FlagEffect.PRESENTATION),
        value("--type", None, lower),
        min_arguments=1,
        unordered_arguments=True,
        resolve=_resolve_inspect_type,
    ),
    no_arguments("context ls", FORMAT, QUIET, aliases=("context list",)),
    command("context use", "CONTEXT", min_arguments=1, max_arguments=1),
    command("context show", "(no arguments)", max_arguments=0),
)
