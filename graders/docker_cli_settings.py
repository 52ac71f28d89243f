"""Rules that combine several flags into what the container will actually be (`docker run` and
`docker create`), applied after each flag's own value is normalised.

- `-v`, `--mount` and `--tmpfs` are one setting, `mounts` (see `docker_cli_mounts`); two mounts
  on one destination are refused, as the daemon refuses them ("Duplicate mount point").
- `--cap-add`/`--cap-drop` become the capability set the process gets (`capabilities`), and
  disappear when it is Docker's default set (`--privileged` grants all, whatever they say).
- `--expose` keeps only ports that `-p` does not already expose (publishing exposes).
- `--cpus N` is the CFS quota `--cpu-quota N*100000 --cpu-period 100000` (the daemon's own
  conversion), so both spellings are one CPU limit.
- Attached streams: without `-d`, Docker attaches stdout and stderr, and stdin with `-i`;
  `-a` only counts when it changes that. With `-d`, `-a` is refused, as the CLI refuses it.
- `--network bridge` and `--network default` are the default network, and
  `--security-opt no-new-privileges=false` is the default security.
- `--rm` with a restart policy, `--no-healthcheck` with `--health-*`, and log options with
  `--log-driver none` are refused, as the CLI refuses them.
"""

from collections.abc import Iterable
from dataclasses import replace

from graders.docker_cli_capabilities import (
    DEFAULT_CAPABILITIES,
    capability,
    effective_capabilities,
    short_name,
)
from graders.docker_cli_model import (
    CliValue,
    CommandOption,
    DockerCommand,
    DockerCommandError,
)
from graders.docker_cli_mounts import mount_target
from graders.docker_cli_ports import container_port_of

MOUNT_FLAGS = ("--volume", "--mount", "--tmpfs")
MOUNTS = "mounts"
MOUNTS_LABEL = "mounts (`-v`, `--mount` or `--tmpfs`)"
CAPABILITY_FLAGS = ("--cap-add", "--cap-drop")
CAPABILITIES = "capabilities"
CAPABILITIES_LABEL = "the container's capabilities (`--cap-add`/`--cap-drop`)"
CPU_LIMIT = "cpu-limit"
CPU_LIMIT_LABEL = "the CPU limit (`--cpus`, or `--cpu-quota` with `--cpu-period`)"
# The CFS period the daemon uses for `--cpus`, and the kernel's default period (microseconds).
CFS_PERIOD_MICROSECONDS = 100_000
NANOS_PER_CPU = 10**9
DEFAULT_ATTACHED = frozenset({"stdout", "stderr"})
DEFAULT_NETWORKS = frozenset({"bridge", "default"})
NO_NEW_PRIVILEGES_OFF = "no-new-privileges=false"
HEALTH_FLAGS = (
    "--health-cmd",
    "--health-interval",
    "--health-timeout",
    "--health-start-period",
    "--health-start-interval",
    "--health-retries",
)


def values(command: DockerCommand, name: str) -> tuple[CliValue, ...]:
    option = command.option(name)
    return option.values if option is not None else ()


def typed_flags(command: DockerCommand, names: Iterable[str]) -> tuple[str, ...]:
    return tuple(
        flag for name in names if (option := command.option(name)) for flag in option.flags
    )


def without(command: DockerCommand, *names: str) -> DockerCommand:
    kept = tuple(option for option in command.options if option.name not in names)
    return replace(command, options=kept)


def with_option(command: DockerCommand, option: CommandOption) -> DockerCommand:
    kept = [item for item in command.options if item.name != option.name]
    return replace(command, options=tuple(sorted([*kept, option], key=lambda item: item.name)))


def resolve_container(command: DockerCommand, *, runs: bool) -> DockerCommand:
    """`docker run` (`runs`) and `docker create`."""
    _check_conflicts(command)
    command = _merge_mounts(command)
    command = _merge_capabilities(command)
    command = _merge_ports(command)
    command = _merge_cpu_limit(command)
    command = _drop_default_security(command)
    command = _resolve_attach(command, detached=runs and command.option("--detach") is not None)
    return _resolve_network(command)


def resolve_run(command: DockerCommand) -> DockerCommand:
    return resolve_container(command, runs=True)


def resolve_create(command: DockerCommand) -> DockerCommand:
    return resolve_container(command, runs=False)


def _check_conflicts(command: DockerCommand) -> None:
    if command.option("--rm") and command.option("--restart"):
        raise DockerCommandError("Docker refuses `--rm` together with a `--restart` policy.")
    if command.option("--no-healthcheck") and any(command.option(n) for n in HEALTH_FLAGS):
        raise DockerCommandError("Docker refuses `--no-healthcheck` with `--health-*` options.")
    driver = values(command, "--log-driver")
    if driver and driver[0].canonical == "none" and command.option("--log-opt"):
        raise DockerCommandError("Docker refuses `--log-opt` with `--log-driver none`.")


def _merge_mounts(command: DockerCommand) -> DockerCommand:
    mounts = [value for name in MOUNT_FLAGS for value in values(command, name)]
    if not mounts:
        return command
    seen: set[str] = set()
    for mount in mounts:
        target = mount_target(mount.canonical)
        if target in seen:
            raise DockerCommandError(f"Two mounts use the same destination `{target}`.")
        seen.add(target)
    option = CommandOption(
        MOUNTS, tuple(sorted(mounts)), MOUNTS_LABEL, typed_flags(command, MOUNT_FLAGS)
    )
    return with_option(without(command, *MOUNT_FLAGS), option)


def _merge_capabilities(command: DockerCommand) -> DockerCommand:
    flags = typed_flags(command, CAPABILITY_FLAGS)
    if not flags:
        return command
    command, adds, drops = (
        without(command, *CAPABILITY_FLAGS),
        [capability(value.canonical) for value in values(command, "--cap-add")],
        [capability(value.canonical) for value in values(command, "--cap-drop")],
    )
    granted = effective_capabilities(adds, drops)
    if command.option("--privileged") or granted == DEFAULT_CAPABILITIES:
        return command
    capabilities = tuple(sorted(CliValue(name, short_name(name)) for name in granted))
    return with_option(
        command, CommandOption(CAPABILITIES, capabilities, CAPABILITIES_LABEL, flags)
    )


def _merge_ports(command: DockerCommand) -> DockerCommand:
    exposed = command.option("--expose")
    if exposed is None:
        return command
    published = {container_port_of(value.canonical) for value in values(command, "--publish")}
    remaining = tuple(value for value in exposed.values if value.canonical not in published)
    if not remaining:
        return without(command, "--expose")
    return with_option(command, replace(exposed, values=remaining))


def _merge_cpu_limit(command: DockerCommand) -> DockerCommand:
    cpus = command.option("--cpus")
    quota, period = command.option("--cpu-quota"), command.option("--cpu-period")
    if cpus is None and quota is None:
        return command
    if cpus is not None and (quota is not None or period is not None):
        raise DockerCommandError(
            "Docker refuses `--cpus` together with `--cpu-quota`/`--cpu-period`."
        )
    if cpus is not None:
        nanos = int(cpus.values[0].canonical)
        limit = f"{nanos * CFS_PERIOD_MICROSECONDS // NANOS_PER_CPU}/{CFS_PERIOD_MICROSECONDS}"
        typed, flags = cpus.values[0].typed, cpus.flags
    else:
        assert quota is not None
        period_value = period.values[0].canonical if period else str(CFS_PERIOD_MICROSECONDS)
        limit = f"{quota.values[0].canonical}/{period_value}"
        typed = quota.typed_values + (f" (period {period.typed_values})" if period else "")
        flags = quota.flags + (period.flags if period else ())
    option = CommandOption(CPU_LIMIT, (CliValue(limit, typed),), CPU_LIMIT_LABEL, flags)
    return with_option(without(command, "--cpus", "--cpu-quota", "--cpu-period"), option)


def _drop_default_security(command: DockerCommand) -> DockerCommand:
    """`no-new-privileges=false` is what every container gets anyway."""
    options = command.option("--security-opt")
    if options is None:
        return command
    kept = tuple(item for item in options.values if item.canonical != NO_NEW_PRIVILEGES_OFF)
    if not kept:
        return without(command, "--security-opt")
    return with_option(command, replace(options, values=kept))


def _resolve_attach(command: DockerCommand, *, detached: bool) -> DockerCommand:
    attach = command.option("--attach")
    if detached:
        if attach is not None:
            raise DockerCommandError("Docker refuses `--attach` (`-a`) together with `--detach`.")
        return command
    interactive = {"stdin"} if command.option("--interactive") else set()
    default = DEFAULT_ATTACHED | interactive
    if attach is None:
        return command
    streams = {value.canonical for value in attach.values} | interactive
    if streams == default:
        return without(command, "--attach")
    chosen = tuple(sorted(CliValue(stream, stream.upper()) for stream in streams))
    return with_option(command, replace(attach, values=chosen))


def _resolve_network(command: DockerCommand) -> DockerCommand:
    networks = values(command, "--network")
    if len(networks) == 1 and networks[0].canonical in DEFAULT_NETWORKS:
        return without(command, "--network")
    return command
