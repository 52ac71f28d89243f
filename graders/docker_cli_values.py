"""Normalise Docker CLI option values so that equal meanings compare equal.

The principle: two values are the same when Docker parses them into the same setting. `512m`,
`512M` and `536870912` are one memory limit; `8080:3000` and `8080:3000/tcp` are one port mapping
(tcp is the default protocol); `nginx` and `docker.io/library/nginx:latest` are one image.
Anything Docker would keep apart (`0.0.0.0:8080:3000` binds IPv4 only) stays apart. Each
function raises ValueError for a value Docker would refuse.
"""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

ValueNormaliser = Callable[[str], str]

DEFAULT_REGISTRY = "docker.io"
DEFAULT_REGISTRY_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
OFFICIAL_NAMESPACE = "library/"
DEFAULT_TAG = "latest"
DEFAULT_PORT_PROTOCOL = "tcp"
# Docker's size parser (go-units RAMInBytes) uses powers of 1024 whatever the suffix spelling.
SIZE_UNITS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}
BYTES_PER_UNIT_STEP = 1024
TRUE_WORDS = frozenset({"1", "t", "true"})
FALSE_WORDS = frozenset({"0", "f", "false"})

_SIZE = re.compile(r"^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$", re.IGNORECASE)
_PORT_MAPPING = re.compile(r"^(?P<mapping>[^/]+)(?:/(?P<protocol>[A-Za-z]+))?$")


def parse_boolean(value: str) -> bool:
    """Go's strconv.ParseBool, which Docker uses for `--flag=value` switches."""
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not true or false")


def image_reference(value: str) -> str:
    """`nginx`, `nginx:latest` and `docker.io/library/nginx:latest` all become `nginx:latest`."""
    if not value or any(char.isspace() for char in value):
        raise ValueError(f"{value!r} is not an image reference")
    remainder, at, digest = value.partition("@")
    first, slash, rest = remainder.partition("/")
    if slash and first in DEFAULT_REGISTRY_ALIASES:
        remainder = rest.removeprefix(OFFICIAL_NAMESPACE)
    last_slash = remainder.rfind("/")
    has_tag = remainder.rfind(":") > last_slash
    if not has_tag and not at:
        remainder = f"{remainder}:{DEFAULT_TAG}"
    return f"{remainder}{at}{digest}"


def port_mapping(value: str) -> str:
    """`8080:3000/tcp` becomes `8080:3000`; other protocols are kept, lower-cased."""
    match = _PORT_MAPPING.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a port mapping like 8080:3000")
    protocol = (match.group("protocol") or DEFAULT_PORT_PROTOCOL).lower()
    mapping = match.group("mapping")
    return mapping if protocol == DEFAULT_PORT_PROTOCOL else f"{mapping}/{protocol}"


def byte_size(value: str) -> str:
    """`512m`, `512M`, `512mb` and `0.5g` all become `536870912` (bytes)."""
    match = _SIZE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a size like 512m or 1g")
    number = Decimal(match.group(1))
    power = SIZE_UNITS[(match.group(2) or "").lower()]
    return str(int(number * BYTES_PER_UNIT_STEP**power))


def decimal_number(value: str) -> str:
    """`1`, `1.0` and `1.00` become `1`; Docker reads --cpus as a decimal number."""
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"{value!r} is not a number") from error
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number")
    return format(number.normalize(), "f")
