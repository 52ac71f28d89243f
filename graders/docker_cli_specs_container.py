"""`docker container …` commands and their classic one-word forms (`docker run`, `docker ps`).

Flag tables follow docker/cli (`cli/command/container/*.go`, Engine 20.10 to 28), including
hidden spellings that still parse (`--net`, `--net-alias`, `--dns-opt`, `--time`).
"""

from dataclasses import replace

from graders.docker_cli_capabilities import capability
from graders.docker_cli_command_spec import CommandSpec, command, no_arguments, targets
from graders.docker_cli_container_values import (
    container_name,
    copy_location,
    cpu_set,
    device,
    last_count,
    link,
    log_option,
    log_tail,
    mac_address,
    network_attachment,
    non_negative_limit,
    port_argument,
    security_option,
    sysctl,
    volumes_from,
)
from graders.docker_cli_flags import (
    CONTENT_TRUST,
    DETACH_KEYS,
    FILTER_F,
    FOLLOW,
    FORMAT,
    FORMAT_F,
    NO_TRUNC,
    PRUNE_FLAGS,
    QUIET,
    SINCE,
    STOP_TIMEOUT,
    TIMESTAMPS,
    UNTIL,
    WORKDIR,
    FlagKind,
    FlagSpec,
    many,
    switch,
    value,
)
from graders.docker_cli_images import image_reference
from graders.docker_cli_model import CliValue, DockerCommand, FlagEffect
from graders.docker_cli_mounts import mount_spec, tmpfs_mount, volume_mount
from graders.docker_cli_ports import exposed_ports, port_bindings
from graders.docker_cli_settings import resolve_create, resolve_run, with_option, without
from graders.docker_cli_values import (
    attach_stream,
    byte_size,
    container_path,
    duration,
    environment_item,
    extra_host,
    host_path,
    integer,
    ip_address,
    key_value_item,
    lower,
    nano_cpus,
    platform,
    required_key_value_item,
    restart_policy,
    signal,
    swap_size,
    ulimit,
    user,
)

INTERACTION = FlagEffect.INTERACTION
PRIVILEGED_RISK = "gives the container full control of the host"
HOST_NAMESPACE_RISK = "shares a namespace of the host with the container"
MOUNT_RISK = "mounts host paths or volumes into the container"

ENV = many("--env", "-e", environment_item, kind=FlagKind.MAP)
ENV_FILE = many("--env-file", None, host_path, kind=FlagKind.LIST)
INTERACTIVE = switch("--interactive", "-i", effect=INTERACTION)
TTY = switch("--tty", "-t", effect=INTERACTION)
USER = value("--user", "-u", user)
CONTAINER_WORKDIR = replace(WORKDIR, normalise=container_path)
PRIVILEGED = switch("--privileged", risk=PRIVILEGED_RISK)
RESTART = value("--restart", None, restart_policy, default="no")
SIGNAL = value("--signal", "-s", signal)
PLATFORM = value("--platform", None, platform)
# Resource limits shared by `run`, `create` and `update`: 0 means "not limited".
_RESOURCES = (
    value("--blkio-weight", None, integer, default="0"),
    value("--cpu-period", None, integer, default="0"),
    value("--cpu-quota", None, integer, default="0"),
    value("--cpu-rt-period", None, integer, default="0"),
    value("--cpu-rt-runtime", None, integer, default="0"),
    value("--cpu-shares", "-c", integer, default="0"),
    value("--cpus", None, nano_cpus, default="0"),
    value("--cpuset-cpus", None, cpu_set),
    value("--cpuset-mems", None, cpu_set),
    value("--memory", "-m", byte_size, default="0"),
    value("--memory-reservation", None, byte_size, default="0"),
    value("--memory-swap", None, swap_size, default="0"),
    value("--kernel-memory", None, byte_size, default="0"),
)
CONTAINER_CONFIG_FLAGS: tuple[FlagSpec, ...] = (
    *_RESOURCES,
    ENV,
    ENV_FILE,
    INTERACTIVE,
    TTY,
    USER,
    CONTAINER_WORKDIR,
    PRIVILEGED,
    RESTART,
    CONTENT_TRUST,
    PLATFORM,
    value("--name", None, container_name),
    value("--pull", None, lower, default="missing"),
    switch("--quiet", "-q", effect=FlagEffect.PRESENTATION),
    switch("--rm", effect=FlagEffect.LIFETIME),
    switch("--read-only"),
    switch("--init"),
    switch("--no-healthcheck"),
    switch("--oom-kill-disable"),
    switch("--publish-all", "-P", risk="publishes every exposed port on the host"),
    switch("--use-api-socket", risk="gives the container control of the Docker engine"),
    many("--add-host", None, extra_host),
    many("--attach", "-a", attach_stream, kind=FlagKind.SET, effect=INTERACTION),
    many("--annotation", None, key_value_item, kind=FlagKind.MAP),
    many("--blkio-weight-device", None),
    many("--cap-add", None, capability, kind=FlagKind.SET, risk="adds Linux capabilities"),
    many("--cap-drop", None, capability, kind=FlagKind.SET),
    value("--cgroup-parent"),
    value("--cgroupns", None, lower, default=""),
    value("--cidfile", None, host_path),
    value("--cpu-count", None, integer, default="0"),
    value("--cpu-percent", None, integer, default="0"),
    many("--device", None, device, risk="gives the container a device of the host"),
    many("--device-cgroup-rule", None),
    many("--device-read-bps", None),
    many("--device-read-iops", None),
    many("--device-write-bps", None),
    many("--device-write-iops", None),
    many("--dns", None, ip_address, kind=FlagKind.LIST),
    many("--dns-option", None, kind=FlagKind.LIST, aliases=("--dns-opt",)),
    many("--dns-search", None, kind=FlagKind.LIST),
    value("--domainname"),
    value("--entrypoint"),
    many("--expose", None, expand=exposed_ports, kind=FlagKind.SET),
    many("--gpus", None, risk="gives the container the host's GPUs"),
    many("--group-add", None, kind=FlagKind.SET),
    value("--health-cmd"),
    value("--health-interval", None, duration, default="0"),
    value("--health-timeout", None, duration, default="0"),
    value("--health-start-period", None, duration, default="0"),
    value("--health-start-interval", None, duration, default="0"),
    value("--health-retries", None, integer, default="0"),
    value("--hostname", "-h"),
    value("--ip", None, ip_address),
    value("--ip6", None, ip_address),
    value("--ipc", None, default="", risk=HOST_NAMESPACE_RISK),
    value("--isolation", None, lower, default=""),
    many("--label", "-l", key_value_item, kind=FlagKind.MAP),
    many("--label-file", None, host_path, kind=FlagKind.LIST),
    many("--link", None, link),
    many("--link-local-ip", None, ip_address, kind=FlagKind.SET),
    value("--log-driver"),
    many("--log-opt", None, log_option, kind=FlagKind.MAP),
    value("--mac-address", None, mac_address),
    value("--memory-swappiness", None, integer, default="-1"),
    many("--mount", None, mount_spec, risk=MOUNT_RISK),
    many("--network", None, network_attachment, kind=FlagKind.LIST, aliases=("--net",)),
    many("--network-alias", None, kind=FlagKind.SET, aliases=("--net-alias",)),
    value("--oom-score-adj", None, integer, default="0"),
    value("--pid", None, default="", risk=HOST_NAMESPACE_RISK),
    value("--pids-limit", None, non_negative_limit, default="0"),
    many("--publish", "-p", expand=port_bindings, risk="publishes a port on the host"),
    value("--runtime"),
    many("--security-opt", None, security_option, kind=FlagKind.SET),
    value("--shm-size", None, byte_size, default="0"),
    value("--stop-signal", None, signal),
    value("--stop-timeout", None, integer),
    many("--storage-opt", None, required_key_value_item, kind=FlagKind.MAP),
    many("--sysctl", None, sysctl, kind=FlagKind.MAP),
    many("--tmpfs", None, tmpfs_mount),
    many("--ulimit", None, ulimit, kind=FlagKind.MAP),
    value("--userns", None, default="", risk=HOST_NAMESPACE_RISK),
    value("--uts", None, default="", risk=HOST_NAMESPACE_RISK),
    many("--volume", "-v", volume_mount, risk=MOUNT_RISK),
    value("--volume-driver", None, default="local"),
    many("--volumes-from", None, volumes_from, risk=MOUNT_RISK),
)
RUN_ONLY_FLAGS = (
    switch("--detach", "-d", effect=FlagEffect.LIFETIME),
    switch("--sig-proxy", default=True),
    DETACH_KEYS,
)


def _resolve_container_list(command: DockerCommand) -> DockerCommand:
    """`-l` is `-n 1`; a positive `-n` lists containers in every state, as `-a` does."""
    latest, last = command.option("--latest"), command.option("--last")
    if latest is not None:
        command = without(command, "--latest")
        if last is None:
            last = replace(latest, name="--last", values=(CliValue("1", "-l"),))
            command = with_option(command, last)
    if last is not None and int(last.values[0].canonical) > 0:
        command = without(command, "--all")
    return command


CONTAINER_SPECS: tuple[CommandSpec, ...] = (
    command(
        "container run",
        "IMAGE [COMMAND] [ARG...]",
        *CONTAINER_CONFIG_FLAGS,
        *RUN_ONLY_FLAGS,
        aliases=("run",),
        min_arguments=1,
        first_argument=image_reference,
        flags_end_at_first_argument=True,
        resolve=resolve_run,
    ),
    command(
        "container create",
        "IMAGE [COMMAND] [ARG...]",
        *CONTAINER_CONFIG_FLAGS,
        aliases=("create",),
        min_arguments=1,
        first_argument=image_reference,
        flags_end_at_first_argument=True,
        resolve=resolve_create,
    ),
    command(
        "container exec",
        "CONTAINER COMMAND [ARG...]",
        switch("--detach", "-d"),
        DETACH_KEYS,
        ENV,
        ENV_FILE,
        INTERACTIVE,
        TTY,
        PRIVILEGED,
        USER,
        CONTAINER_WORKDIR,
        aliases=("exec",),
        min_arguments=2,
        flags_end_at_first_argument=True,
    ),
    no_arguments(
        "container ls",
        switch("--all", "-a"),
        FILTER_F,
        FORMAT,
        value("--last", "-n", last_count, default="-1"),
        switch("--latest", "-l"),
        NO_TRUNC,
        QUIET,
        switch("--size", "-s", effect=FlagEffect.PRESENTATION),
        aliases=("ps", "container list", "container ps"),
        resolve=_resolve_container_list,
    ),
    targets(
        "container rm",
        "CONTAINER [CONTAINER...]",
        switch("--force", "-f"),
        switch("--link", "-l"),
        switch("--volumes", "-v"),
        aliases=("rm", "container remove"),
    ),
    command(
        "container logs",
        "CONTAINER",
        switch("--details", effect=FlagEffect.PRESENTATION),
        FOLLOW,
        SINCE,
        value("--tail", "-n", log_tail, default="all", effect=FlagEffect.OUTPUT),
        TIMESTAMPS,
        UNTIL,
        aliases=("logs",),
        min_arguments=1,
        max_arguments=1,
    ),
    targets("container stop", "CONTAINER [CONTAINER...]", SIGNAL, STOP_TIMEOUT, aliases=("stop",)),
    targets(
        "container restart", "CONTAINER [CONTAINER...]", SIGNAL, STOP_TIMEOUT, aliases=("restart",)
    ),
    targets(
        "container start",
        "CONTAINER [CONTAINER...]",
        switch("--attach", "-a", effect=INTERACTION),
        value("--checkpoint"),
        value("--checkpoint-dir", None, host_path),
        DETACH_KEYS,
        INTERACTIVE,
        aliases=("start",),
    ),
    targets(
        "container kill",
        "CONTAINER [CONTAINER...]",
        replace(SIGNAL, default="9"),
        aliases=("kill",),
    ),
    targets(
        "container inspect",
        "CONTAINER [CONTAINER...]",
        FORMAT_F,
        switch("--size", "-s", effect=FlagEffect.PRESENTATION),
    ),
    command(
        "container stats",
        "[CONTAINER...]",
        switch("--all", "-a"),
        FORMAT,
        switch("--no-stream", effect=FlagEffect.OUTPUT),
        NO_TRUNC,
        aliases=("stats",),
        unordered_arguments=True,
    ),
    no_arguments("container prune", *PRUNE_FLAGS),
    command(
        "container attach",
        "CONTAINER",
        DETACH_KEYS,
        switch("--no-stdin", effect=INTERACTION),
        switch("--sig-proxy", default=True),
        aliases=("attach",),
        min_arguments=1,
        max_arguments=1,
    ),
    command(
        "container commit",
        "CONTAINER [REPOSITORY[:TAG]]",
        value("--author", "-a"),
        many("--change", "-c", kind=FlagKind.LIST),
        value("--message", "-m"),
        switch("--pause", "-p", default=True),
        switch("--no-pause", setting="--pause", negates=True),
        aliases=("commit",),
        min_arguments=1,
        max_arguments=2,
        other_arguments=image_reference,
    ),
    command(
        "container cp",
        "CONTAINER:SRC_PATH DEST_PATH | SRC_PATH CONTAINER:DEST_PATH",
        switch("--archive", "-a"),
        switch("--follow-link", "-L"),
        switch("--quiet", "-q", effect=FlagEffect.PRESENTATION),
        aliases=("cp",),
        min_arguments=2,
        max_arguments=2,
        first_argument=copy_location,
        other_arguments=copy_location,
    ),
    command("container diff", "CONTAINER", aliases=("diff",), min_arguments=1, max_arguments=1),
    command(
        "container export",
        "CONTAINER",
        value("--output", "-o", host_path),
        aliases=("export",),
        min_arguments=1,
        max_arguments=1,
    ),
    targets("container pause", "CONTAINER [CONTAINER...]", aliases=("pause",)),
    targets("container unpause", "CONTAINER [CONTAINER...]", aliases=("unpause",)),
    command(
        "container port",
        "CONTAINER [PRIVATE_PORT[/PROTO]]",
        aliases=("port",),
        min_arguments=1,
        max_arguments=2,
        other_arguments=port_argument,
    ),
    command(
        "container rename",
        "CONTAINER NEW_NAME",
        aliases=("rename",),
        min_arguments=2,
        max_arguments=2,
    ),
    command(
        "container top",
        "CONTAINER [ps OPTIONS]",
        aliases=("top",),
        min_arguments=1,
        flags_end_at_first_argument=True,
    ),
    targets(
        "container update",
        "CONTAINER [CONTAINER...]",
        *_RESOURCES,
        value("--pids-limit", None, integer),
        value("--restart", None, restart_policy),
        aliases=("update",),
    ),
    targets("container wait", "CONTAINER [CONTAINER...]", aliases=("wait",)),
)
