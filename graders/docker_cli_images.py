"""Image references and registry addresses as Docker normalises them (distribution/reference).

`nginx`, `nginx:latest`, `library/nginx`, `docker.io/library/nginx:latest` and
`index.docker.io/library/nginx` all name `docker.io/library/nginx:latest`; the canonical text is
the familiar short form (`nginx:latest`). A reference Docker refuses (upper case in the
repository, a stray space, a 64-digit hexadecimal name) raises ValueError. `registry-1.docker.io`
is *not* folded into `docker.io`: the reference library keeps it apart, and so does the image
store.
"""

import re

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_NAMESPACE = "library"
DEFAULT_TAG = "latest"
LOCALHOST = "localhost"
MAX_NAME_LENGTH = 255
# What `docker login` with no server, and its spellings of Docker Hub, log in to.
DOCKER_HUB_SERVERS = frozenset(
    {"", DEFAULT_DOMAIN, LEGACY_DEFAULT_DOMAIN, "https://index.docker.io/v1/", "index.docker.io/v1"}
)

_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?"
_REMOTE = re.compile(rf"^{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$")
_DOMAIN_ONLY = re.compile(rf"^{_DOMAIN}$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_HEX_ID = re.compile(r"^[a-f0-9]{64}$")


def image_reference(value: str) -> str:
    """A reference with Docker's default tag: `nginx` is `nginx:latest`."""
    return _normalised(value, default_tag=True)


def image_repository(value: str) -> str:
    """A reference without the default tag, for commands where a bare name means every tag
    (`docker save nginx`, `docker pull --all-tags nginx`, `docker images nginx`)."""
    return _normalised(value, default_tag=False)


def _normalised(value: str, *, default_tag: bool) -> str:
    text = value.strip()
    if not text or text != value or any(char.isspace() for char in text):
        raise ValueError(f"{value!r} is not an image reference")
    if _HEX_ID.match(text):
        raise ValueError("a 64-digit hexadecimal string is an image ID, not a name")
    name, at, digest = text.partition("@")
    if at and not _DIGEST.match(digest):
        raise ValueError(f"{digest!r} is not a digest")
    name, tag = _split_tag(name)
    domain, remote = _split_domain(name)
    if remote.lower() != remote:
        raise ValueError(f"the repository name {remote!r} must be lowercase")
    if not _REMOTE.match(remote) or (domain and not _DOMAIN_ONLY.match(domain)):
        raise ValueError(f"{value!r} is not an image reference")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError("the repository name is too long")
    if tag is not None and not _TAG.match(tag):
        raise ValueError(f"{tag!r} is not a valid tag")
    if tag is None and not at and default_tag:
        tag = DEFAULT_TAG
    familiar = _familiar(domain, remote)
    return familiar + (f":{tag}" if tag is not None else "") + (f"@{digest}" if at else "")


def _split_tag(name: str) -> tuple[str, str | None]:
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        return name[:colon], name[colon + 1 :]
    return name, None


def _split_domain(name: str) -> tuple[str, str]:
    first, slash, rest = name.partition("/")
    is_domain = slash and (
        any(char in first for char in ".:") or first == LOCALHOST or first.lower() != first
    )
    if not is_domain:
        return DEFAULT_DOMAIN, name
    domain = DEFAULT_DOMAIN if first == LEGACY_DEFAULT_DOMAIN else first
    return domain, rest


def _familiar(domain: str, remote: str) -> str:
    if domain != DEFAULT_DOMAIN:
        return f"{domain}/{remote}"
    namespace, slash, rest = remote.partition("/")
    if slash and namespace == OFFICIAL_NAMESPACE and "/" not in rest:
        return rest
    return remote


def registry_server(value: str) -> str:
    """`docker login` targets: Docker Hub in any spelling is `docker.io`; for other registries
    the scheme and path go, as the CLI's ConvertToHostname does."""
    text = value.strip()
    if text in DOCKER_HUB_SERVERS:
        return DEFAULT_DOMAIN
    host = text.split("://", 1)[-1].split("/", 1)[0]
    if not host:
        raise ValueError(f"{value!r} is not a registry address")
    return DEFAULT_DOMAIN if host == LEGACY_DEFAULT_DOMAIN else host
