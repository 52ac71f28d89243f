"""Where a package comes from: a folder, a zip file or a git repository, made into a folder.

Every source ends as a plain folder that the sync reads, and every source passes the same limits
first (`package_tree_check`), so a hostile zip or repository cannot make the server read or write
outside the package, follow a link, or fill the disk.
"""

import os
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# A course is Markdown, YAML and small starter projects: the Docker course's package is about
# 0.6 MB in 60 files. The limits leave room for ten times that and refuse anything that is
# clearly not a course (a repository of binaries, a zip bomb).
MAX_PACKAGE_ZIP_BYTES = 20 * 1024 * 1024
MAX_PACKAGE_FILES = 2000
MAX_PACKAGE_BYTES = 50 * 1024 * 1024
# Any single file: the largest course file today is a 70 kB bank file.
MAX_PACKAGE_FILE_BYTES = 5 * 1024 * 1024
# A shallow clone of a course repository takes seconds; a minute means a hung server.
GIT_CLONE_TIMEOUT_SECONDS = 60
# A ref name as git accepts it, without the characters that could read as an option.
_BRANCH_FORBIDDEN = ("..", "~", "^", ":", "\\", " ", "*", "?", "[")
GIT_URL_SCHEMES_ALL = ("https", "ssh", "file")
_IGNORED_PARTS = frozenset({".git", "__pycache__"})


class PackageSourceError(ValueError):
    """The source cannot be made into a package folder (limits, links, clone failure)."""


@dataclass(frozen=True)
class PackageSource:
    """A folder holding the package, plus what the history records about where it came from."""

    root: Path
    description: str
    commit_sha: str = ""


def package_tree_check(root: Path) -> None:
    """Refuse links and trees over the file-count and size limits (git metadata not counted)."""
    files = 0
    total = 0
    for directory, names, filenames in os.walk(root, followlinks=False):
        names[:] = [name for name in names if name not in _IGNORED_PARTS]
        for name in [*names, *filenames]:
            path = Path(directory) / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                raise PackageSourceError(f"{relative}: links are not allowed in a package")
        for name in filenames:
            files += 1
            size = (Path(directory) / name).stat().st_size
            total += size
            relative = (Path(directory) / name).relative_to(root).as_posix()
            if size > MAX_PACKAGE_FILE_BYTES:
                raise PackageSourceError(
                    f"{relative}: {size} bytes; a package file holds at most "
                    f"{MAX_PACKAGE_FILE_BYTES} bytes"
                )
    if files > MAX_PACKAGE_FILES:
        raise PackageSourceError(f"the package holds {files} files; at most {MAX_PACKAGE_FILES}")
    if total > MAX_PACKAGE_BYTES:
        raise PackageSourceError(f"the package holds {total} bytes; at most {MAX_PACKAGE_BYTES}")


def _zip_member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    path = PurePosixPath(name)
    if name.startswith(("/", "\\")) or ".." in path.parts or ":" in name or "\\" in name:
        raise PackageSourceError(f"{name}: a path outside the package (zip slip)")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageSourceError(f"{name}: links are not allowed in a package")
    return path


def _zip_extract(archive: zipfile.ZipFile, target: Path) -> None:
    members = archive.infolist()
    files = [info for info in members if not info.is_dir()]
    if len(files) > MAX_PACKAGE_FILES:
        raise PackageSourceError(f"the zip holds {len(files)} files; at most {MAX_PACKAGE_FILES}")
    declared = sum(info.file_size for info in files)
    if declared > MAX_PACKAGE_BYTES:
        raise PackageSourceError(
            f"the zip unpacks to {declared} bytes; at most {MAX_PACKAGE_BYTES}"
        )
    written = 0
    for info in members:
        relative = _zip_member_path(info)
        destination = target.joinpath(*relative.parts)
        if info.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        # The declared sizes can lie: count what is actually inflated.
        with archive.open(info) as source, destination.open("wb") as sink:
            while chunk := source.read(64 * 1024):
                written += len(chunk)
                if written > MAX_PACKAGE_BYTES:
                    raise PackageSourceError(
                        f"the zip unpacks to more than {MAX_PACKAGE_BYTES} bytes"
                    )
                sink.write(chunk)


def _single_top_folder(root: Path) -> Path:
    """A zip of `docker-basics/` holds one folder: the package is inside it."""
    entries = [entry for entry in root.iterdir() if entry.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return root


@contextmanager
def package_from_zip(path: Path) -> Iterator[PackageSource]:
    """Unpack a zip into a temporary folder (removed afterwards) after checking every limit."""
    size = path.stat().st_size
    if size > MAX_PACKAGE_ZIP_BYTES:
        raise PackageSourceError(f"the zip is {size} bytes; at most {MAX_PACKAGE_ZIP_BYTES}")
    with tempfile.TemporaryDirectory(prefix="quayside-package-") as temporary:
        target = Path(temporary)
        try:
            with zipfile.ZipFile(path) as archive:
                _zip_extract(archive, target)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
            raise PackageSourceError(f"not a readable zip file: {error}") from None
        root = _single_top_folder(target)
        package_tree_check(root)
        yield PackageSource(root=root, description=f"zip {path.name}")


@contextmanager
def package_from_zip_bytes(content: bytes) -> Iterator[PackageSource]:
    """`package_from_zip` for an upload held in memory (the sync page's preview)."""
    if len(content) > MAX_PACKAGE_ZIP_BYTES:
        raise PackageSourceError(
            f"the zip is {len(content)} bytes; at most {MAX_PACKAGE_ZIP_BYTES}"
        )
    with tempfile.TemporaryDirectory(prefix="quayside-upload-") as temporary:
        path = Path(temporary) / "package.zip"
        path.write_bytes(content)
        with package_from_zip(path) as source:
            yield PackageSource(root=source.root, description="zip upload")


def git_url_check(url: str, *, schemes: tuple[str, ...]) -> None:
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in schemes:
        raise PackageSourceError(
            f"{url}: a repository URL must start with {' or '.join(s + '://' for s in schemes)}"
        )


def git_branch_check(branch: str) -> None:
    if branch.startswith("-") or any(part in branch for part in _BRANCH_FORBIDDEN):
        raise PackageSourceError(f"{branch!r} is not a branch name")


def _git(*args: str, cwd: Path | None = None) -> str:
    environment = os.environ | {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/false"}
    try:
        completed = subprocess.run(
            ["git", "-c", "protocol.ext.allow=never", *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=GIT_CLONE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PackageSourceError(
            f"git {args[0]} took longer than {GIT_CLONE_TIMEOUT_SECONDS} s"
        ) from None
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise PackageSourceError(f"git {args[0]} failed: {last}")
    return completed.stdout.strip()


@contextmanager
def package_from_git(
    url: str, *, branch: str = "", schemes: tuple[str, ...] = GIT_URL_SCHEMES_ALL
) -> Iterator[PackageSource]:
    """Shallow-clone `url` (at `branch`, else its default branch) into a temporary folder."""
    git_url_check(url, schemes=schemes)
    if branch:
        git_branch_check(branch)
    with tempfile.TemporaryDirectory(prefix="quayside-package-") as temporary:
        root = Path(temporary) / "package"
        options = ["--depth", "1", "--no-tags", "--single-branch"]
        if branch:
            options += ["--branch", branch]
        _git("clone", *options, "--", url, str(root))
        sha = _git("rev-parse", "HEAD", cwd=root)
        shutil.rmtree(root / ".git")
        package_tree_check(root)
        label = f"git {url}" + (f" ({branch})" if branch else "")
        yield PackageSource(root=root, description=label, commit_sha=sha)


@contextmanager
def package_from_folder(path: Path) -> Iterator[PackageSource]:
    if not path.is_dir():
        raise PackageSourceError(f"{path} is not a folder")
    package_tree_check(path)
    yield PackageSource(root=path, description=f"folder {path}")


def source_kind_of(location: str) -> str:
    """ "git", "zip" or "folder": how `package_open` reads `location`."""
    if "://" in location:
        return "git"
    return "zip" if Path(location).is_file() else "folder"


def package_open(
    location: str, *, branch: str = "", schemes: tuple[str, ...] = GIT_URL_SCHEMES_ALL
) -> AbstractContextManager[PackageSource]:
    """A folder, a .zip file or a git URL (anything with `://`), as a package folder."""
    if "://" in location:
        return package_from_git(location, branch=branch, schemes=schemes)
    if branch:
        raise PackageSourceError("--branch applies to git URLs only")
    path = Path(location)
    if path.is_file():
        return package_from_zip(path)
    return package_from_folder(path)
