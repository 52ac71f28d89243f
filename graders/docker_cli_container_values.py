"""Normalisers for values only containers take: names, links, devices, CPU sets, security and
log options, network attachments. Same contract as `docker_cli_values`: canonical text out,
ValueError with a short reason for what Docker refuses."""

import csv
import re

from graders.docker_cli_values import (
    boolean_text,
    decimal_size,
    go_integer,
    host_path,
    ip_address,
    key_value_item,
)

DEFAULT_DEVICE_PERMISSIONS = "rwm"
SECURITY_KEYS = frozenset(
    {"label", "apparmor", "seccomp", "no-new-privileges", "systempaths", "writable-cgroups"}
)
NO_NEW_PRIVILEGES = "no-new-privileges"
# json-file and local log drivers read these as decimal sizes (go-units FromHumanSize).
LOG_SIZE_OPTIONS = frozenset({"max-size"})
NETWORK_FIELDS = frozenset(
    {"name", "alias", "ip", "ip6", "driver-opt", "mac-address", "gw-priority", "link-local-ip"}
)
_CONTAINER_NAME = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_LONG_NETWORK_SYNTAX = re.compile(r"\w+=\w+(,\w+=\w+)*")
_CPU_SET = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def container_name(value: str) -> str:
    """`--name`: Docker stores names with a leading `/`, so `/web` and `web` are one name."""
    if not _CONTAINER_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a valid container name (letters, digits, `_`, `.` and `-`)"
        )
    return value.removeprefix("/")


def link(value: str) -> str:
    """`--link db` is `--link db:db` (the alias defaults to the name)."""
    name, _, alias = value.partition(":")
    if not name or alias.count(":"):
        raise ValueError(f"{value!r} is not NAME[:ALIAS]")
    return f"{name.removeprefix('/')}:{alias or name.removeprefix('/')}"


def volumes_from(value: str) -> str:
    """`--volumes-from app` is `app:rw`."""
    name, _, mode = value.partition(":")
    if mode not in ("", "rw", "ro"):
        raise ValueError(f"{value!r} is not CONTAINER[:ro|rw]")
    return f"{name}:{mode or 'rw'}"


def device(value: str) -> str:
    """`--device /dev/sda` is `/dev/sda:/dev/sda:rwm` (same path, all permissions)."""
    parts = value.split(":")
    if not parts[0] or len(parts) > 3:
        raise ValueError(f"{value!r} is not HOST[:CONTAINER][:PERMISSIONS]")
    source, target, permissions = parts[0], parts[0], DEFAULT_DEVICE_PERMISSIONS
    if len(parts) >= 2:
        if _is_permissions(parts[1]) and len(parts) == 2:
            permissions = parts[1]
        else:
            target = parts[1]
    if len(parts) == 3:
        permissions = parts[2]
    if not _is_permissions(permissions):
        raise ValueError(f"{permissions!r} is not a combination of r, w and m")
    return f"{source}:{target}:{''.join(sorted(permissions))}"


def _is_permissions(text: str) -> bool:
    return (
        bool(text) and set(text) <= set(DEFAULT_DEVICE_PERMISSIONS) and len(set(text)) == len(text)
    )


def cpu_set(value: str) -> str:
    """`0-2` and `0,1,2` are one set of CPUs."""
    text = value.strip()
    if not _CPU_SET.match(text):
        raise ValueError(f"{value!r} is not a CPU list like 0-3 or 0,1")
    cpus: set[int] = set()
    for part in text.split(","):
        start, _, end = part.partition("-")
        cpus.update(range(int(start), int(end or start) + 1))
    return ",".join(str(cpu) for cpu in sorted(cpus))


def security_option(value: str) -> str:
    """As the daemon parses `--security-opt`: `no-new-privileges` alone, `:true` and `=true`
    are one option; `key:value` is the deprecated spelling of `key=value`."""
    if value == NO_NEW_PRIVILEGES:
        return f"{NO_NEW_PRIVILEGES}=true"
    key, separator, content = value.partition("=")
    if not separator:
        key, separator, content = value.partition(":")
    if not separator or not content or key not in SECURITY_KEYS:
        raise ValueError(f"{value!r} is not a security option Docker knows")
    if key == NO_NEW_PRIVILEGES:
        return f"{key}={boolean_text(content)}"
    return f"{key}={content}"


SYSCTL_KEYS = frozenset(
    {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
        "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    }
)  # fmt: skip
SYSCTL_PREFIXES = ("net.", "fs.mqueue.")


def sysctl(value: str) -> str:
    """The namespaced sysctls the CLI lets a container set (opts.ValidateSysctl)."""
    key, has_value, _ = value.partition("=")
    if not has_value or not (key in SYSCTL_KEYS or key.startswith(SYSCTL_PREFIXES)):
        raise ValueError(f"the sysctl {value!r} is not allowed in a container")
    return key_value_item(value)


def log_option(value: str) -> str:
    item = key_value_item(value)
    key, _, content = item.partition("=")
    if key in LOG_SIZE_OPTIONS and content:
        return f"{key}={decimal_size(content)}"
    return item


def non_negative_limit(value: str) -> str:
    """`--pids-limit`: zero and negative numbers both mean no limit, Docker's default."""
    number = go_integer(value)
    return str(max(number, 0))


def log_tail(value: str) -> str:
    """`--tail all` is the default; a negative count means all lines too."""
    text = value.strip().lower()
    if text == "all":
        return text
    number = go_integer(text)
    return "all" if number < 0 else str(number)


def last_count(value: str) -> str:
    """`docker ps -n`: zero or a negative count means no limit (the default, -1)."""
    number = go_integer(value)
    return str(number) if number > 0 else "-1"


def mac_address(value: str) -> str:
    text = value.strip().lower().replace("-", ":")
    if not re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", text):
        raise ValueError(f"{value!r} is not a MAC address")
    return text


def network_attachment(value: str) -> str:
    """`--network app` and `--network name=app` are one network; other fields stay, sorted."""
    if not _LONG_NETWORK_SYNTAX.search(value):
        if not value.strip():
            raise ValueError("no network name")
        return value
    fields: dict[str, list[str]] = {}
    for item in next(csv.reader([value])):
        key, has_value, content = item.partition("=")
        key = key.strip()
        if not has_value or key not in NETWORK_FIELDS:
            raise ValueError(f"{item!r} is not a --network field Docker knows")
        content = ip_address(content) if key in ("ip", "ip6") else content.strip()
        fields.setdefault(key, []).append(content)
    name = fields.pop("name", [""])[-1]
    if not name:
        raise ValueError("the network name is missing (name=...)")
    extras = sorted(f"{key}={item}" for key, items in fields.items() for item in items)
    return ",".join([name, *extras])


def copy_location(value: str) -> str:
    """`docker cp`: `CONTAINER:PATH` stays as typed (a trailing `/.` means "the contents");
    a local path is resolved, so `./out.txt` and `out.txt` are one file; `-` is a tar stream."""
    container, colon, _ = value.partition(":")
    if value == "-" or (colon and container and not container.startswith(("/", ".", "~", "$"))):
        return value
    return host_path(value)


def port_argument(value: str) -> str:
    """`docker port web 80` is `80/tcp`."""
    port, _, protocol = value.partition("/")
    if not port.isdigit():
        raise ValueError(f"{value!r} is not PORT[/PROTOCOL]")
    protocol = (protocol or "tcp").lower()
    return port if protocol == "tcp" else f"{port}/{protocol}"
