"""Normalise Docker CLI option values so that equal meanings compare equal.

The principle: two values are the same when Docker parses them into the same setting. `512m`,
`512M`, `0.5g` and `536870912` are one memory limit (go-units `RAMInBytes`, powers of 1024);
`30s` and `0.5m` are one duration (Go's `time.ParseDuration`); `TERM`, `SIGTERM` and `15` are one
signal; `0x200` and `512` are one integer (pflag reads integers with Go's base prefixes). Each
function returns the canonical text and raises ValueError, with a short reason, for a value
Docker would refuse. Mounts, ports and image references have their own modules.
"""

import ipaddress
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction

ValueNormaliser = Callable[[str], str]

TRUE_WORDS = frozenset({"1", "t", "true"})
FALSE_WORDS = frozenset({"0", "f", "false"})
# go-units RAMInBytes: the unit letter picks a power of 1024 whatever follows it (m, mb, mib).
RAM_UNITS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}
BINARY_STEP = 1024
# go-units FromHumanSize (log-opt max-size): the same letters, in powers of 1000.
DECIMAL_STEP = 1000
NANOS_PER_CPU = 10**9
NANOS_PER_UNIT = {
    "ns": 1,
    "us": 10**3,
    "µs": 10**3,
    "μs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
# Linux signal numbers (moby/sys/signal SignalMap); RTMIN+n and RTMAX-n are computed.
SIGNALS = {
    "ABRT": 6, "ALRM": 14, "BUS": 7, "CHLD": 17, "CLD": 17, "CONT": 18, "FPE": 8, "HUP": 1,
    "ILL": 4, "INT": 2, "IO": 29, "IOT": 6, "KILL": 9, "PIPE": 13, "POLL": 29, "PROF": 27,
    "PWR": 30, "QUIT": 3, "SEGV": 11, "STKFLT": 16, "STOP": 19, "SYS": 31, "TERM": 15,
    "TRAP": 5, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "USR1": 10, "USR2": 12,
    "VTALRM": 26, "WINCH": 28, "XCPU": 24, "XFSZ": 25,
}  # fmt: skip
SIGNAL_RTMIN = 34
SIGNAL_RTMAX = 64
RESTART_POLICIES = frozenset({"no", "always", "unless-stopped", "on-failure"})
ROOT_NAME = "root"
ROOT_ID = "0"
ATTACH_STREAMS = frozenset({"stdin", "stdout", "stderr"})

_RAM_SIZE = re.compile(r"^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$", re.IGNORECASE)
_DURATION_PART = re.compile(r"(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)")
_GO_INT = re.compile(r"^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$")
_ULIMIT = re.compile(r"^([a-z]+)=(-?\d+)(?::(-?\d+))?$")
_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "i386": "386"}
# Architectures whose variant Docker fills in or drops (containerd platforms.Normalize).
_ARM_VARIANTS = {"armhf": "v7", "armel": "v6", "arm": "v7"}
_OPERATING_SYSTEMS = frozenset(
    {"linux", "windows", "darwin", "macos", "freebsd", "netbsd", "openbsd", "solaris", "wasip1"}
)
_DEFAULT_VARIANTS = {("arm64", "v8"), ("amd64", "v1")}


def parse_boolean(value: str) -> bool:
    """Go's strconv.ParseBool, which pflag uses for `--flag=value` switches."""
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not true or false")


def boolean_text(value: str) -> str:
    return "true" if parse_boolean(value) else "false"


def go_integer(value: str) -> int:
    """An integer as pflag reads it (strconv.ParseInt base 0: `0x1f`, `0o17`, `017`, `1_000`)."""
    text = value.strip()
    if not _GO_INT.match(text):
        raise ValueError(f"{value!r} is not a whole number")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").replace("_", "")
    lowered = digits.lower()
    if lowered.startswith(("0x", "0o", "0b")):
        number = int(digits, 0)
    elif len(digits) > 1 and digits.startswith("0"):
        number = int(digits, 8)
    else:
        number = int(digits)
    return sign * number


def integer(value: str) -> str:
    return str(go_integer(value))


def ram_bytes(value: str) -> int:
    """go-units RAMInBytes: `512m`, `512M`, `512mb`, `512MiB` and `0.5g` are 536870912."""
    match = _RAM_SIZE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a size like 512m or 1g")
    power = RAM_UNITS[(match.group(2) or "").lower()]
    return int(Decimal(match.group(1)) * BINARY_STEP**power)


def byte_size(value: str) -> str:
    return str(ram_bytes(value))


def swap_size(value: str) -> str:
    """`--memory-swap`: `-1` means unlimited swap, anything else is a size."""
    return "-1" if value.strip() == "-1" else byte_size(value)


def decimal_size(value: str) -> str:
    """go-units FromHumanSize (json-file `max-size`): `10m`, `10M` and `10mb` are 10000000."""
    match = _RAM_SIZE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a size like 10m")
    power = RAM_UNITS[(match.group(2) or "").lower()]
    return str(int(Decimal(match.group(1)) * DECIMAL_STEP**power))


def nano_cpus(value: str) -> str:
    """`--cpus` as Docker stores it (NanoCPUs): `0.5`, `.5`, `1/2` and `0.50` are 500000000."""
    try:
        number = Fraction(value.strip())
    except (ValueError, ZeroDivisionError) as error:
        raise ValueError(f"{value!r} is not a number of CPUs") from error
    nanos = number * NANOS_PER_CPU
    if nanos.denominator != 1:
        raise ValueError(f"{value!r} is too precise")
    if nanos < 0:
        raise ValueError(f"{value!r} is negative")
    return str(nanos.numerator)


def duration_nanos(value: str) -> int:
    """Go's time.ParseDuration: `30s`, `0.5m`, `1m30s` and `30000ms` are one duration."""
    text = value.strip()
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body == "0":
        return 0
    position, total = 0, Decimal(0)
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None or match.group(1) in ("", "."):
            raise ValueError(f"{value!r} is not a duration like 30s or 1m30s")
        try:
            total += Decimal(match.group(1)) * NANOS_PER_UNIT[match.group(2)]
        except InvalidOperation as error:
            raise ValueError(f"{value!r} is not a duration like 30s") from error
        position = match.end()
    if not body:
        raise ValueError(f"{value!r} is not a duration like 30s")
    return sign * int(total)


def duration(value: str) -> str:
    return str(duration_nanos(value))


def since_time(value: str) -> str:
    """`--since`/`--until`: a relative Go duration is normalised, a timestamp kept as typed."""
    try:
        return f"{duration_nanos(value)}ns"
    except ValueError:
        return value.strip()


def signal(value: str) -> str:
    """moby's ParseSignal: a number, or a name with or without `SIG`, in any case."""
    text = value.strip()
    if text.isdigit():
        number = int(text)
    else:
        name = text.upper().removeprefix("SIG")
        number = SIGNALS.get(name) or _realtime_signal(name)
    if not 0 < number <= SIGNAL_RTMAX:
        raise ValueError(f"{value!r} is not a signal")
    return str(number)


def _realtime_signal(name: str) -> int:
    for base, origin, direction in (("RTMIN", SIGNAL_RTMIN, 1), ("RTMAX", SIGNAL_RTMAX, -1)):
        if name == base:
            return origin
        offset = name.removeprefix(base + ("+" if direction > 0 else "-"))
        if name.startswith(base) and offset.isdigit():
            return origin + direction * int(offset)
    return 0


def restart_policy(value: str) -> str:
    """`no`, `always`, `unless-stopped` or `on-failure[:N]`; `on-failure:0` is `on-failure`."""
    name, _, count = value.strip().partition(":")
    if name not in RESTART_POLICIES:
        raise ValueError(
            f"{value!r} is not a restart policy (no, always, unless-stopped, on-failure)"
        )
    if not count:
        return name
    retries = go_integer(count)
    if retries < 0:
        raise ValueError("the retry count cannot be negative")
    if name != "on-failure":
        raise ValueError("a retry count goes only with on-failure")
    return name if retries == 0 else f"{name}:{retries}"


def environment_item(value: str) -> str:
    """`K=V` as typed; `K` alone (the host's value of K) stays `K`, which differs from `K=`."""
    key, _, _ = value.partition("=")
    if not key:
        raise ValueError(f"{value!r} has no variable name")
    return value


def key_value_item(value: str) -> str:
    """Labels and options: `key` alone means `key=` (opts.ConvertKVStringsToMap)."""
    key, _, content = value.partition("=")
    key = key.lstrip()
    if not key:
        raise ValueError(f"{value!r} has no name before `=`")
    return f"{key}={content}"


def required_key_value_item(value: str) -> str:
    if "=" not in value:
        raise ValueError(f"{value!r} is not key=value")
    return key_value_item(value)


def filter_item(value: str) -> str:
    """`--filter`: the name is lower-cased and both sides trimmed, as opts.FilterOpt does."""
    name, has_value, content = value.partition("=")
    if not has_value:
        raise ValueError(f"{value!r} is not name=value")
    return f"{name.strip().lower()}={content.strip()}"


def ip_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError as error:
        raise ValueError(f"{value!r} is not an IP address") from error


def extra_host(value: str) -> str:
    """`--add-host name:ip` or `name=ip` (brackets allowed around IPv6) becomes `name:ip`."""
    name, separator, address = value.partition("=")
    if not separator:
        name, separator, address = value.partition(":")
    if not separator or not name or ":" in name:
        raise ValueError(f"{value!r} is not host:ip")
    if address == "host-gateway":
        return f"{name}:{address}"
    if len(address) > 2 and address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    return f"{name}:{ip_address(address)}"


def ulimit(value: str) -> str:
    """`nofile=1024` is `nofile=1024:1024` (the hard limit defaults to the soft one)."""
    match = _ULIMIT.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not name=soft[:hard]")
    name, soft, hard = match.group(1), int(match.group(2)), match.group(3)
    hard_limit = int(hard) if hard is not None else soft
    if soft > hard_limit >= 0:
        raise ValueError(f"the soft limit of {name} is above its hard limit")
    return f"{name}={soft}:{hard_limit}"


def user(value: str) -> str:
    """`root` is uid 0 in every image, and uid 0 without a group runs with group 0."""
    name, has_group, group = value.strip().partition(":")
    uid = ROOT_ID if name == ROOT_NAME else name
    if not uid:
        raise ValueError(f"{value!r} names no user")
    gid = ROOT_ID if group == ROOT_NAME else group
    if uid == ROOT_ID and (not has_group or not gid):
        gid = ROOT_ID
    return f"{uid}:{gid}" if gid else uid


def attach_stream(value: str) -> str:
    stream = value.strip().lower()
    if stream not in ATTACH_STREAMS:
        raise ValueError(f"{value!r} is not STDIN, STDOUT or STDERR")
    return stream


_TEMPLATE_ACTION = re.compile(r"\{\{(?!-)\s*(.*?)\s*(?<!-)\}\}")


def go_template(value: str) -> str:
    """`--format '{{ .State.Status }}'` is `{{.State.Status}}`: Go templates ignore the spaces
    just inside an action (the `{{-`/`-}}` trim markers are kept as written)."""
    return _TEMPLATE_ACTION.sub(lambda match: "{{" + " ".join(match.group(1).split()) + "}}", value)


def lower(value: str) -> str:
    """Case-insensitive words, e.g. build stage names (BuildKit compares them case-blind)."""
    return value.strip().lower()


def platform(value: str) -> str:
    """containerd's platform normalisation, for one platform or a comma-separated list."""
    items = sorted({_one_platform(item) for item in value.split(",") if item.strip()})
    if not items:
        raise ValueError("no platform given")
    return ",".join(items)


def _one_platform(value: str) -> str:
    parts = value.strip().lower().split("/")
    if parts[0] not in _OPERATING_SYSTEMS:
        parts = ["linux", *parts]
    if len(parts) == 1:
        raise ValueError(f"{value!r} names no architecture")
    os_name = "darwin" if parts[0] == "macos" else parts[0]
    architecture = _ARCH_ALIASES.get(parts[1], parts[1])
    variant = parts[2] if len(parts) > 2 else ""
    if architecture in _ARM_VARIANTS:
        variant = variant or _ARM_VARIANTS[architecture]
        architecture = "arm"
    if (architecture, variant) in _DEFAULT_VARIANTS:
        variant = ""
    return "/".join(part for part in (os_name, architecture, variant) if part)


def path_clean(path: str) -> str:
    """Go's path.Clean: `/app/`, `/app/.` and `/x/../app` are `/app`."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    joined = "/".join(parts)
    if rooted:
        return "/" + joined
    return joined or "."


def container_path(value: str) -> str:
    return path_clean(value.strip())


# The shell expands these before Docker sees the path; the grader keeps them symbolic, so that
# `./data`, `$PWD/data` and `$(pwd)/data` are one directory.
WORKING_DIRECTORY = "$PWD"
HOME_DIRECTORY = "$HOME"


def host_path(value: str) -> str:
    """A path on the client's machine: relative paths are relative to the working directory."""
    text = value.strip()
    if text == "~" or text.startswith("~/"):
        text = HOME_DIRECTORY + text[1:]
    for variable in (WORKING_DIRECTORY, HOME_DIRECTORY):
        if text == variable or text.startswith(variable + "/"):
            return _under(variable, text[len(variable) :])
    if text.startswith("/"):
        return path_clean(text)
    return _under(WORKING_DIRECTORY, text)


def _under(variable: str, rest: str) -> str:
    cleaned = path_clean(rest.lstrip("/"))
    return variable if cleaned == "." else f"{variable}/{cleaned}"


def octal_mode(value: str) -> str:
    try:
        return format(int(value.strip(), 8), "o")
    except ValueError as error:
        raise ValueError(f"{value!r} is not an octal mode like 1777") from error
