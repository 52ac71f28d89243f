"""`-v/--volume`, `--mount` and `--tmpfs` read into one canonical mount, as Docker reads them.

The kind of mount is decided as the CLI decides (docker/cli volumespec): in `-v SOURCE:TARGET`,
a source starting with `/`, `.` or `~` is a host path (a bind mount, relative paths resolved
against the working directory), any other source names a volume, and `-v /data` alone is an
anonymous volume. `--mount` defaults to `type=volume`, accepts `src`/`source`,
`dst`/`destination`/`target`, `ro`/`readonly` with or without `=true`, and resolves a `./`
source. `--tmpfs PATH[:OPTIONS]` and `--mount type=tmpfs` are one kind of mount; the daemon
mounts every tmpfs `noexec,nosuid,nodev` unless told otherwise, so those defaults disappear.
Destinations and host paths are cleaned (`/app/data/` is `/app/data`), `rw` and the bind
propagation `rprivate` are defaults, and the Docker Desktop `consistency` hint, which does
nothing on Linux, is dropped.

The canonical text is `type=…,source=…,target=…[,readonly][,option…]` with options sorted.
"""

import csv
import re
from dataclasses import dataclass, field

from graders.docker_cli_values import (
    container_path,
    host_path,
    key_value_item,
    octal_mode,
    parse_boolean,
    ram_bytes,
)

VOLUME = "volume"
BIND = "bind"
TMPFS = "tmpfs"
MOUNT_TYPES = frozenset({VOLUME, BIND, TMPFS, "image", "npipe", "cluster"})
DEFAULT_VOLUME_DRIVER = "local"
DEFAULT_PROPAGATION = "rprivate"
PROPAGATIONS = frozenset({"shared", "rshared", "slave", "rslave", "private", "rprivate"})
CONSISTENCIES = frozenset({"consistent", "cached", "delegated", "default"})
SELINUX_LABELS = frozenset({"z", "Z"})
BIND_RECURSIVE_MODES = frozenset({"enabled", "disabled", "writable", "readonly"})
# The daemon mounts every tmpfs with these flags before the learner's own options.
TMPFS_FLAG_PAIRS = {"exec": "noexec", "suid": "nosuid", "dev": "nodev"}
TMPFS_DEFAULT_FLAGS = frozenset(TMPFS_FLAG_PAIRS.values())
# The kernel's tmpfs `size=` takes k, m, g, t, p or e in powers of 1024 (memparse), or a `%`.
_KERNEL_SIZE = re.compile(r"^(\d+)([kmgtpe]?)$", re.IGNORECASE)
_KERNEL_UNITS = "kmgtpe"
_SHELL_VARIABLES = ("$PWD", "$HOME")
# The local volume driver's names (moby volume/local); anything else is refused by the daemon.
_VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")


def volume_name(name: str) -> str:
    if not _VOLUME_NAME.match(name):
        raise ValueError(
            f"{name!r} is not a volume name (letters, digits, `_`, `.`, `-`); for a host "
            "directory, use an absolute path or one starting with ./"
        )
    return name


@dataclass
class Mount:
    type: str
    target: str
    source: str = ""
    readonly: bool = False
    options: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def canonical(self) -> str:
        parts = [f"type={self.type}", f"source={self.source}", f"target={self.target}"]
        if self.readonly:
            parts.append("readonly")
        extras = [f"{key}={value}" for key, value in self.options.items()] + list(self.flags)
        return ",".join(parts + sorted(extras))


def volume_mount(value: str) -> str:
    """`-v [SOURCE:]TARGET[:OPTIONS]`."""
    parts = value.split(":")
    if not value or "" in parts:
        raise ValueError(f"{value!r} has an empty part between colons")
    if len(parts) > 3:
        raise ValueError(f"{value!r} has too many colons (SOURCE:TARGET[:OPTIONS])")
    if len(parts) == 1:
        return Mount(VOLUME, container_path(parts[0])).canonical()
    source, target = parts[0], parts[1]
    if source[0] in "./~" or source.startswith(_SHELL_VARIABLES):
        mount = Mount(BIND, container_path(target), host_path(source))
    else:
        mount = Mount(VOLUME, container_path(target), volume_name(source))
    for option in parts[2].split(",") if len(parts) == 3 else ():
        _volume_option(mount, option, value)
    return mount.canonical()


def _volume_option(mount: Mount, option: str, value: str) -> None:
    if option in ("ro", "rw"):
        mount.readonly = option == "ro"
    elif option == "nocopy" and mount.type == VOLUME:
        mount.flags.add("nocopy")
    elif option in SELINUX_LABELS:
        mount.options["selinux"] = option
    elif option in PROPAGATIONS and mount.type == BIND:
        _set_propagation(mount, option)
    elif option not in CONSISTENCIES:
        raise ValueError(f"`{option}` is not a volume option Docker accepts (in {value!r})")


def _set_propagation(mount: Mount, propagation: str) -> None:
    if propagation == DEFAULT_PROPAGATION:
        mount.options.pop("bind-propagation", None)
    else:
        mount.options["bind-propagation"] = propagation


def mount_spec(value: str) -> str:
    """`--mount type=…,source=…,target=…,…` (CSV, so a field may be quoted)."""
    try:
        fields = next(csv.reader([value]))
    except (csv.Error, StopIteration) as error:
        raise ValueError(f"{value!r} is not a list of key=value fields") from error
    mount = Mount(VOLUME, "")
    source = ""
    tmpfs: dict[str, str] = {}
    for item in fields:
        key, has_value, content = item.partition("=")
        key = key.strip().lower()
        if key == "type":
            mount.type = content.strip().lower()
        elif key in ("source", "src"):
            source = content
        elif key in ("target", "dst", "destination"):
            mount.target = container_path(content) if content else ""
        else:
            _mount_field(mount, tmpfs, key, content if has_value else None)
    if mount.type not in MOUNT_TYPES:
        raise ValueError(f"`{mount.type}` is not a mount type (volume, bind or tmpfs)")
    if not mount.target:
        raise ValueError("a mount needs a target (`target=/path`)")
    _check_options_fit_type(mount)
    mount.source = _mount_source(mount.type, source)
    if mount.type == TMPFS:
        _apply_tmpfs(mount, tmpfs)
    return mount.canonical()


def _mount_field(mount: Mount, tmpfs: dict[str, str], key: str, content: str | None) -> None:
    if key in ("readonly", "ro"):
        mount.readonly = _enabled(content)
    elif key == "volume-nocopy":
        _toggle(mount.flags, "nocopy", _enabled(content))
    elif key == "bind-nonrecursive":
        _toggle(mount.flags, "bind-nonrecursive", _enabled(content))
    elif content is None:
        raise ValueError(f"`{key}` must be a key=value pair")
    elif key == "consistency":
        pass  # a Docker Desktop hint with no effect on a Linux daemon
    elif key == "bind-propagation":
        _set_propagation(mount, content.lower())
    elif key == "bind-recursive":
        _bind_recursive(mount, content)
    elif key in ("volume-driver", "volume-subpath", "image-subpath", "bind-create-mountpoint"):
        if not (key == "volume-driver" and content == DEFAULT_VOLUME_DRIVER):
            mount.options[key] = content
    elif key in ("volume-opt", "volume-label"):
        item = key_value_item(content)
        mount.options[f"{key}:{item.partition('=')[0]}"] = item.partition("=")[2]
    elif key in ("tmpfs-size", "tmpfs-mode"):
        tmpfs[key] = content
    else:
        raise ValueError(f"`{key}` is not a --mount field Docker knows")


def _enabled(content: str | None) -> bool:
    return True if content is None else parse_boolean(content)


def _toggle(flags: set[str], name: str, enabled: bool) -> None:
    if enabled:
        flags.add(name)
    else:
        flags.discard(name)


def _bind_recursive(mount: Mount, content: str) -> None:
    if content not in BIND_RECURSIVE_MODES:
        raise ValueError(
            f"bind-recursive is enabled, disabled, writable or readonly, not {content!r}"
        )
    if content == "disabled":
        mount.flags.add("bind-nonrecursive")
    elif content != "enabled":
        mount.options["bind-recursive"] = content


def _check_options_fit_type(mount: Mount) -> None:
    prefixes = {f"{mount.type}-"} | ({"nocopy"} if mount.type == VOLUME else set())
    keys = [*mount.options, *mount.flags]
    for key in keys:
        if key == "selinux":
            continue
        if not any(key.startswith(prefix) for prefix in prefixes):
            raise ValueError(f"`{key}` does not go with a {mount.type} mount")


def _mount_source(mount_type: str, source: str) -> str:
    if mount_type == VOLUME and source:
        if source.startswith(("/", ".", "~", *_SHELL_VARIABLES)):
            raise ValueError(f"{source!r} is a host path, but the mount is a volume: add type=bind")
        return volume_name(source)
    if mount_type != BIND:
        return source
    if not source:
        raise ValueError("a bind mount needs a source (`source=/host/path`)")
    if source == "." or source.startswith(("./", "/", *_SHELL_VARIABLES)):
        return host_path(source)
    raise ValueError(f"the bind source {source!r} must be an absolute path or start with ./")


def _apply_tmpfs(mount: Mount, tmpfs: dict[str, str]) -> None:
    if mount.source:
        raise ValueError("a tmpfs mount takes no source")
    if "tmpfs-size" in tmpfs:
        mount.options["size"] = str(ram_bytes(tmpfs["tmpfs-size"]))
    if "tmpfs-mode" in tmpfs:
        mount.options["mode"] = octal_mode(tmpfs["tmpfs-mode"])


def tmpfs_mount(value: str) -> str:
    """`--tmpfs PATH[:OPTIONS]`, OPTIONS being the mount options the daemon passes on."""
    target, _, options = value.partition(":")
    if not target:
        raise ValueError(f"{value!r} names no path")
    mount = Mount(TMPFS, container_path(target))
    flags = set(TMPFS_DEFAULT_FLAGS)
    for option in filter(None, options.split(",")):
        key, has_value, content = option.partition("=")
        if has_value:
            mount.options[key] = _tmpfs_value(key, content)
        elif option in ("ro", "rw"):
            mount.readonly = option == "ro"
        else:
            _set_tmpfs_flag(flags, option)
    mount.flags = flags - TMPFS_DEFAULT_FLAGS
    return mount.canonical()


def _set_tmpfs_flag(flags: set[str], option: str) -> None:
    for enabled, disabled in TMPFS_FLAG_PAIRS.items():
        if option in (enabled, disabled):
            flags.discard(enabled)
            flags.discard(disabled)
    flags.add(option)


def _tmpfs_value(key: str, content: str) -> str:
    if key == "mode":
        return octal_mode(content)
    match = _KERNEL_SIZE.match(content) if key == "size" else None
    if match is None:
        return content
    power = _KERNEL_UNITS.find(match.group(2).lower()) + 1 if match.group(2) else 0
    return str(int(match.group(1)) * 1024**power)


def mount_target(canonical: str) -> str:
    """The destination inside the container of a canonical mount."""
    for part in canonical.split(","):
        if part.startswith("target="):
            return part.removeprefix("target=")
    raise ValueError(f"{canonical!r} is not a canonical mount")
