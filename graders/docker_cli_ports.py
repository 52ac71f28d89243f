"""`-p/--publish` and `--expose` read as Docker reads them (go-connections nat.ParsePortSpec).

`-p 8080:80` and `-p 8080:80/tcp` are one binding (tcp is the default protocol); `-p 80` binds
container port 80 to a random host port; `127.0.0.1:8080:80` binds one address only, and even
`0.0.0.0:8080:80` differs from `8080:80` (no address means every address, IPv6 included).
Ranges expand to one binding per port (`8080-8081:80-81` is `8080:80` and `8081:81`); a host
range for a single container port is a pool Docker picks from, and stays a range. The long
syntax `published=8080,target=80,protocol=udp` is the same binding as `8080:80/udp`.

A binding's canonical text keeps the short syntax: `[IP:][HOST:]PORT[/PROTO]`, the protocol
only when it is not tcp, an IPv6 address in brackets.
"""

import ipaddress

DEFAULT_PROTOCOL = "tcp"
PROTOCOLS = frozenset({"tcp", "udp", "sctp"})
MAX_PORT = 65535


def port_bindings(value: str) -> tuple[str, ...]:
    """Every binding one `-p` value makes."""
    spec = _standard_notation(value.strip())
    address, host, container = _split_parts(spec)
    container, _, protocol = container.partition("/")
    protocol = (protocol or DEFAULT_PROTOCOL).lower()
    if protocol not in PROTOCOLS:
        raise ValueError(f"{protocol!r} is not a protocol (tcp, udp or sctp)")
    address = _address(address)
    if not container:
        raise ValueError(f"{value!r} names no container port")
    first, last = _port_range(container)
    host_first, host_last = _port_range(host) if host else (0, 0)
    if host and (last - first) != (host_last - host_first) and first != last:
        raise ValueError(f"the host and container ranges in {value!r} differ in size")
    bindings = []
    for offset in range(last - first + 1):
        host_text = ""
        if host:
            host_text = str(host_first + offset)
            if first == last and host_first != host_last:
                host_text = f"{host_first}-{host_last}"
        bindings.append(_binding(address, host_text, first + offset, protocol))
    return tuple(bindings)


def exposed_ports(value: str) -> tuple[str, ...]:
    """`--expose 80`, `80/udp` or `8000-8010`: every container port it exposes."""
    port, _, protocol = value.strip().partition("/")
    protocol = (protocol or DEFAULT_PROTOCOL).lower()
    if protocol not in PROTOCOLS:
        raise ValueError(f"{protocol!r} is not a protocol (tcp, udp or sctp)")
    first, last = _port_range(port)
    return tuple(_with_protocol(str(number), protocol) for number in range(first, last + 1))


def container_port_of(binding: str) -> str:
    """`127.0.0.1:8080:80/udp` -> `80/udp`: the exposed port a canonical binding implies."""
    ports, _, protocol = binding.partition("/")
    return _with_protocol(ports.rsplit(":", 1)[-1], protocol or DEFAULT_PROTOCOL)


def _standard_notation(value: str) -> str:
    if "=" not in value:
        return value
    params = {"protocol": DEFAULT_PROTOCOL}
    for item in value.split(","):
        key, has_value, content = item.partition("=")
        if not has_value or not key:
            raise ValueError(f"{item!r} is not name=value")
        params[key] = content
    return f"{params.get('published', '')}:{params.get('target', '')}/{params['protocol']}"


def _split_parts(spec: str) -> tuple[str, str, str]:
    parts = spec.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def _address(address: str) -> str:
    if not address:
        return ""
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError as error:
        raise ValueError(f"{address!r} is not an IP address") from error


def _port_range(text: str) -> tuple[int, int]:
    start, dash, end = text.partition("-")
    try:
        first, last = int(start), int(end) if dash else int(start)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a port or a range of ports") from error
    if not 0 <= first <= last <= MAX_PORT:
        raise ValueError(f"{text!r} is not a port or a range of ports")
    return first, last


def _binding(address: str, host: str, port: int, protocol: str) -> str:
    shown_address = f"[{address}]" if ":" in address else address
    if address:
        text = f"{shown_address}:{host}:{port}"
    elif host:
        text = f"{host}:{port}"
    else:
        text = str(port)
    return _with_protocol(text, protocol)


def _with_protocol(text: str, protocol: str) -> str:
    return text if protocol == DEFAULT_PROTOCOL else f"{text}/{protocol}"
