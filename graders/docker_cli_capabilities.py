"""Linux capabilities as the Docker daemon grants them (moby oci/caps).

Names are case-insensitive and take an optional `CAP_` prefix (`net_admin` is `CAP_NET_ADMIN`);
`ALL` is the whole set. What a container gets is computed as the daemon computes it
(`TweakCapabilities`): `--cap-add ALL` gives every capability but the dropped ones,
`--cap-drop ALL` leaves exactly the added ones, otherwise Docker's default set minus the dropped
plus the added. So `--cap-add CHOWN` alone changes nothing (CHOWN is a default), and
`--cap-drop ALL --cap-add NET_BIND_SERVICE` differs from `--cap-drop ALL` alone.
"""

from collections.abc import Iterable

ALL = "ALL"
PREFIX = "CAP_"
# Docker's default set (moby oci/caps DefaultCapabilities).
DEFAULT_CAPABILITIES = frozenset(
    PREFIX + name
    for name in (
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    )
)  # fmt: skip
# Every capability of current Linux kernels, in kernel order (CAP_CHOWN = 0 ... 40).
ALL_CAPABILITIES = tuple(
    PREFIX + name
    for name in (
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
        "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
        "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
        "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
        "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
        "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    )
)  # fmt: skip


def capability(value: str) -> str:
    """`net_admin`, `NET_ADMIN` and `CAP_NET_ADMIN` are `CAP_NET_ADMIN`; `all` is `ALL`."""
    name = value.strip().upper()
    if name == ALL:
        return ALL
    if not name.startswith(PREFIX):
        name = PREFIX + name
    if name not in ALL_CAPABILITIES:
        raise ValueError(f"{value!r} is not a Linux capability")
    return name


def effective_capabilities(adds: Iterable[str], drops: Iterable[str]) -> frozenset[str]:
    """The capabilities a container runs with, from normalised `--cap-add`/`--cap-drop`."""
    added, dropped = set(adds), set(drops)
    if ALL in added:
        return frozenset(ALL_CAPABILITIES) - dropped
    if ALL in dropped:
        return frozenset(added)
    return (DEFAULT_CAPABILITIES - dropped) | added


def short_name(name: str) -> str:
    """`CAP_NET_ADMIN` as a learner usually types it: `NET_ADMIN`."""
    return name.removeprefix(PREFIX)
