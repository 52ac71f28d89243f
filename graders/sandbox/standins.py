"""Root filesystems for locally made stand-ins of the allowed base images (no registry here).

- busybox: Debian's `busybox-static` binary plus its applet links, written straight into a tar.
- Debian: `debootstrap --variant=minbase` with the mirror apt is configured with, apt caches
  removed, tarred once into a cache directory so later imports skip the ~40 s bootstrap.
"""

import io
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

BUSYBOX_PACKAGE = "busybox-static"
BUSYBOX_PATH_IN_IMAGE = "bin/busybox"
# Directories a shell image is expected to have; /tmp is world-writable and sticky as usual.
_BUSYBOX_DIRECTORIES = {
    "bin": 0o755,
    "sbin": 0o755,
    "usr": 0o755,
    "usr/bin": 0o755,
    "usr/sbin": 0o755,
    "etc": 0o755,
    "root": 0o700,
    "home": 0o755,
    "var": 0o755,
    "tmp": 0o1777,
}
# `id`, `ls -l` and `su` need names for the usual ids; same entries as the upstream busybox image.
_USERS = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"
_GROUPS = "root:x:0:\nnogroup:x:65534:\n"
# Without it, the static glibc resolver in busybox-static crashes (SIGSEGV) looking a name up, so
# `wget http://service:port/` from a probe container would never work.
_NSSWITCH = "passwd: files\ngroup: files\nhosts: files dns\n"
# debootstrap downloads ~110 packages; minutes on a slow mirror, never an hour.
DEBOOTSTRAP_TIMEOUT_SECONDS = 1800
# Caches and documentation a slim image does without (debootstrap leaves ~90 MB of them).
_SLIM_REMOVALS = (
    "var/cache/apt",
    "var/lib/apt/lists",
    "usr/share/man",
    "usr/share/info",
    "usr/share/locale",
)
_APT_SOURCES_LIST = Path("/etc/apt/sources.list")
_APT_SOURCES_DIR = Path("/etc/apt/sources.list.d")


class StandinError(RuntimeError):
    """A stand-in image could not be made; the message says what is missing."""


def debian_package_version(package: str) -> str:
    """Installed version of a Debian package, e.g. `1:1.35.0-4+deb12u1+b1`."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not result.stdout:
        raise StandinError(f"Debian package {package} is not installed (scripts/ensure-docker)")
    return result.stdout.strip()


def upstream_version(debian_version: str) -> str:
    """`1:1.35.0-4+deb12u1` -> `1.35.0` (no epoch, no Debian revision)."""
    without_epoch = debian_version.split(":", 1)[-1]
    return without_epoch.rsplit("-", 1)[0]


def busybox_rootfs_tar(busybox_binary: Path = Path("/bin/busybox")) -> bytes:
    """A tar of busybox-static with a link per applet at the path busybox itself reports."""
    applets = subprocess.run(
        [str(busybox_binary), "--list-full"], capture_output=True, text=True, check=True
    ).stdout.split()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for directory, mode in _BUSYBOX_DIRECTORIES.items():
            info = tarfile.TarInfo(directory)
            info.type = tarfile.DIRTYPE
            info.mode = mode
            archive.addfile(info)
        binary = archive.gettarinfo(str(busybox_binary), arcname=BUSYBOX_PATH_IN_IMAGE)
        binary.uid = binary.gid = 0
        binary.uname = binary.gname = "root"
        with busybox_binary.open("rb") as content:
            archive.addfile(binary, content)
        for name, text in (
            ("etc/passwd", _USERS),
            ("etc/group", _GROUPS),
            ("etc/nsswitch.conf", _NSSWITCH),
        ):
            _add_text(archive, name, text)
        for applet in applets:
            if applet == BUSYBOX_PATH_IN_IMAGE or "/" not in applet:
                continue  # `linuxrc` lives at the root and is for initrds only
            link = tarfile.TarInfo(applet)
            link.type = tarfile.SYMTYPE
            link.linkname = f"/{BUSYBOX_PATH_IN_IMAGE}"
            archive.addfile(link)
    return buffer.getvalue()


def _add_text(archive: tarfile.TarFile, name: str, text: str) -> None:
    content = text.encode()
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(content))


def apt_mirror(
    suite: str,
    *,
    sources_list: Path = _APT_SOURCES_LIST,
    sources_dir: Path = _APT_SOURCES_DIR,
) -> str:
    """The first Debian mirror apt uses for `suite` with the `main` component."""
    files = [sources_list] if sources_list.is_file() else []
    if sources_dir.is_dir():
        files += sorted(p for p in sources_dir.iterdir() if p.suffix in {".list", ".sources"})
    for path in files:
        text = path.read_text(errors="replace")
        parse = _deb822_mirrors if path.suffix == ".sources" else _one_line_mirrors
        for uri, suites, components in parse(text):
            if suite in suites and "main" in components:
                return uri
    raise StandinError(f"no apt source for Debian {suite} main in {sources_list}(.d)")


Source = tuple[str, list[str], list[str]]


def _one_line_mirrors(text: str) -> list[Source]:
    found: list[Source] = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 3 and words[0] == "deb":
            if words[1].startswith("["):
                closing = next((i for i, w in enumerate(words) if w.endswith("]")), len(words))
                words = [words[0], *words[closing + 1 :]]
            if len(words) >= 3:
                found.append((words[1], [words[2]], words[3:]))
    return found


def _deb822_mirrors(text: str) -> list[Source]:
    found: list[Source] = []
    for paragraph in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in paragraph.splitlines():
            key, colon, value = line.partition(":")
            if colon and not line.startswith(("#", " ", "\t")):
                fields[key.strip().lower()] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        suites = fields.get("suites", "").split()
        components = fields.get("components", "").split()
        found.extend((uri, suites, components) for uri in fields.get("uris", "").split())
    return found


def debian_rootfs_tar(
    *,
    cache_dir: Path,
    suite: str,
    packages: tuple[str, ...],
    symlinks: tuple[tuple[str, str], ...] = (),
    mirror: str | None = None,
    recipe_version: str = "1",
) -> Path:
    """Path of a cached tar of a minbase Debian root filesystem, bootstrapping it if absent.

    Idempotent: the tar is written under a temporary name and renamed, so a cache hit is always
    a complete file. Needs root (debootstrap) and the Debian mirror.
    """
    name = "-".join(("debian", suite, "minbase", *packages, f"r{recipe_version}")) + ".tar"
    cached = cache_dir / name
    if cached.is_file():
        return cached
    if shutil.which("debootstrap") is None:
        raise StandinError("debootstrap is not installed (scripts/ensure-docker installs it)")
    cache_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=cache_dir))
    try:
        rootfs = workdir / "rootfs"
        _debootstrap(rootfs, suite, packages, mirror or apt_mirror(suite))
        _slim(rootfs)
        for link, target in symlinks:
            (rootfs / link).parent.mkdir(parents=True, exist_ok=True)
            (rootfs / link).symlink_to(target)
        partial = workdir / name
        subprocess.run(
            ["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(partial), "."],
            check=True,
            capture_output=True,
        )
        os.replace(partial, cached)
    finally:
        _remove_workdir(workdir)
    return cached


def _debootstrap(rootfs: Path, suite: str, packages: tuple[str, ...], mirror: str) -> None:
    command = ["debootstrap", "--variant=minbase"]
    if packages:
        command.append(f"--include={','.join(packages)}")
    command += [suite, str(rootfs), mirror]
    logger.info("bootstrapping Debian %s from %s", suite, mirror)
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=DEBOOTSTRAP_TIMEOUT_SECONDS, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise StandinError(f"debootstrap {suite} failed (exit {result.returncode}):\n{tail}")


def _slim(rootfs: Path) -> None:
    # Files only: apt expects its (empty) cache and lists directories to exist.
    for relative in _SLIM_REMOVALS:
        for directory, _, names in os.walk(rootfs / relative):
            for name in names:
                (Path(directory) / name).unlink()


def _remove_workdir(workdir: Path) -> None:
    # debootstrap mounts /proc and /sys in the target; a failed run can leave them mounted, and
    # deleting through a mount would delete the host's files. Refuse instead.
    mounts = Path("/proc/self/mounts").read_text().split("\n")
    inside = [m.split()[1] for m in mounts if m and m.split()[1].startswith(f"{workdir}/")]
    if inside:
        logger.error("not removing %s: still mounted inside: %s", workdir, inside)
        return
    shutil.rmtree(workdir, ignore_errors=True)
