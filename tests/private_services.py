"""Services a test or benchmark starts, owns, faults and removes itself: a PostgreSQL cluster, a
Redis server and Docker engines of its own.

Anything that stops, restarts or kills a service must own it: the machine's PostgreSQL, Redis and
Docker engine serve other work at the same time and are never touched. Everything here listens on
loopback (or a socket in its own folder) and lives under one temporary folder.

A private Docker engine runs beside the machine's: its own data root, exec root, pid file and
socket, no default bridge, no iptables rules (the machine's engine owns the host's chains), its
own address pool and cgroup parent. The job networks it creates are internal bridges on their own
subnets, so checks that resolve and probe containers by name work as on the real engine.
"""

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docker

from graders.sandbox.images import (
    DEFAULT_CACHE_DIR,
    DEFAULT_CATALOG,
    ImageAction,
    ImageCatalog,
    ensure_base_images,
)

# A cold engine answers within seconds; PostgreSQL and Redis within one or two.
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.2
# Private engines draw subnets from 10.213.0.0/16, 4096 addresses per engine (16 /24 networks
# at a time, enough for a handful of concurrent jobs); the machine's engine uses 172.17+/16.
ADDRESS_POOL_BASE = "10.213"


class ServiceStartError(RuntimeError):
    """A private service did not come up; the message ends with the last lines of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(condition: Callable[[], bool], *, timeout: float, what: str, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(POLL_SECONDS)
    tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
    raise ServiceStartError(f"{what} did not come up within {timeout:g} s:\n" + "\n".join(tail))


def _stop_process(process: subprocess.Popen[bytes] | None, *, kill: bool = False) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- Docker ------------------------------------------------------------------------------------

# With br_netfilter on (as Docker hosts have it), bridged traffic passes the host's FORWARD chain,
# whose policy the machine's engine sets to DROP; without iptables rules of their own, containers
# of a private engine could not reach each other. One narrow rule lets traffic within the private
# pool through, in DOCKER-USER (the chain Docker leaves to administrators), and goes with the last
# private engine.
_FORWARD_RULE = [
    "-s", f"{ADDRESS_POOL_BASE}.0.0/16", "-d", f"{ADDRESS_POOL_BASE}.0.0/16",
    "-m", "comment", "--comment", "quayside-private-engines", "-j", "ACCEPT",
]  # fmt: skip


def _forward_chain() -> str:
    has_user_chain = subprocess.run(
        ["iptables", "-n", "-L", "DOCKER-USER"], capture_output=True, check=False
    )
    return "DOCKER-USER" if has_user_chain.returncode == 0 else "FORWARD"


def _allow_private_pool() -> None:
    if shutil.which("iptables") is None:
        return
    chain = _forward_chain()
    present = subprocess.run(["iptables", "-C", chain, *_FORWARD_RULE], capture_output=True)
    if present.returncode != 0:
        subprocess.run(["iptables", "-I", chain, "1", *_FORWARD_RULE], check=True)


def _other_private_engines_running(own_pid: int | None) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            words = cmdline.read_bytes().split(b"\0")
            pid = int(cmdline.parent.name)
            if (
                pid != own_pid
                and words[:1] == [b"dockerd"]
                and b"/quayside-engine-" in b" ".join(words)
            ):
                return True
    return False


def _forget_private_pool(own_pid: int | None) -> None:
    if shutil.which("iptables") is None or _other_private_engines_running(own_pid):
        return
    chain = _forward_chain()
    while (
        subprocess.run(["iptables", "-D", chain, *_FORWARD_RULE], capture_output=True).returncode
        == 0
    ):
        continue


@dataclass
class PrivateEngine:
    """A dockerd of our own. `extra_args` add daemon options (`--userns-remap=default`,
    `--add-runtime`, `--storage-opt`); `data_root` may point at a prepared file system."""

    root: Path
    name: str
    extra_args: Sequence[str] = ()
    data_root: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        # A remapped root (userns-remap) must be able to reach the data root.
        _traversable_by_others(self.root)
        self._log = self.root / "dockerd.log"

    @property
    def socket(self) -> Path:
        return self.root / "docker.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def cgroup_parent(self) -> str:
        return f"/quayside-engine-{self.name}"

    def _pool(self) -> str:
        # A stable block per engine name, so two private engines never share subnets.
        block = int(hashlib.sha256(self.name.encode()).hexdigest(), 16) % 16
        return f"base={ADDRESS_POOL_BASE}.{block * 16}.0/20,size=24"

    def command(self) -> list[str]:
        return [
            "dockerd",
            "--data-root",
            str(self.data_root or self.root / "data"),
            "--exec-root",
            str(self.root / "exec"),
            "--pidfile",
            str(self.root / "dockerd.pid"),
            "--host",
            self.url,
            "--bridge=none",
            "--iptables=false",
            "--ip-masq=false",
            "--userland-proxy=false",
            "--default-address-pool",
            self._pool(),
            "--cgroup-parent",
            self.cgroup_parent,
            *self.extra_args,
        ]

    def start(self, *, timeout: float = START_TIMEOUT_SECONDS) -> float:
        """Start the daemon and wait until it answers; returns the seconds it took."""
        _allow_private_pool()
        log = self._log.open("ab")
        self.process = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return _wait(self.answers, timeout=timeout, what=f"engine {self.name}", log=self._log)

    def answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise ServiceStartError(
                f"engine {self.name} exited:\n{self._log.read_text(errors='replace')[-2000:]}"
            )
        if not self.socket.exists():
            return False
        try:
            with contextlib.closing(self.client(timeout=2)) as client:
                return bool(client.ping())
        except docker.errors.DockerException:
            return False

    def client(self, *, timeout: int = 60) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.url, timeout=timeout)

    def stop(self, *, kill: bool = False) -> None:
        """Stop the daemon (SIGTERM: it stops its containers; `kill`: SIGKILL, they stay)."""
        _stop_process(self.process, kill=kill)
        self.process = None

    def restart(self, *, timeout: float = START_TIMEOUT_SECONDS) -> float:
        self.stop()
        return self.start(timeout=timeout)

    def ensure_base_images(self, catalog: ImageCatalog = DEFAULT_CATALOG) -> None:
        """The grader's allowed base images, imported from the machine's image cache."""
        with contextlib.closing(self.client(timeout=300)) as client:
            outcomes = ensure_base_images(
                client, catalog, cache_dir=DEFAULT_CACHE_DIR, try_pull=False
            )
        failed = [o for o in outcomes if o.action is ImageAction.FAILED]
        if failed:
            raise ServiceStartError(f"engine {self.name}: base images failed: {failed}")

    def remove(self) -> None:
        """Stop the daemon (once more, gracefully, if it was killed) and delete its folder."""
        if self.process is None and (self.root / "dockerd.pid").exists():
            with contextlib.suppress(ServiceStartError):
                self.start()  # a killed daemon comes back to stop its containers properly
        pid = self.process.pid if self.process is not None else None
        self.stop()
        _forget_private_pool(pid)
        # A container whose start failed can leave its runtime's processes behind (gVisor's
        # sandbox and gofer do): ours are those in our cgroup parent or naming our folder.
        _kill_processes_of(self.cgroup_parent, self.root)
        _remove_cgroups(self.cgroup_parent)
        _unmount_below(self.root)
        if self.data_root is not None:
            _unmount_below(self.data_root)
        shutil.rmtree(self.root, ignore_errors=True)


def _kill_processes_of(cgroup_parent: str, root: Path) -> None:
    pids: set[int] = set()
    for procs in Path("/sys/fs/cgroup/pids").glob(f"{cgroup_parent.strip('/')}/**/cgroup.procs"):
        with contextlib.suppress(OSError, ValueError):
            pids |= {int(line) for line in procs.read_text().split()}
    marker = str(root.resolve()).encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if marker in cmdline.read_bytes():
                pids.add(int(cmdline.parent.name))
    pids.discard(os.getpid())
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    if pids:
        time.sleep(1)  # let the kernel reap them before their cgroups are removed


def _remove_cgroups(parent: str) -> None:
    """The engine's cgroup parent in every v1 hierarchy, once its containers are gone."""
    for directory in sorted(Path("/sys/fs/cgroup").glob(f"*/{parent.strip('/')}")):
        for child in sorted(directory.glob("**/"), key=lambda path: len(path.parts), reverse=True):
            with contextlib.suppress(OSError):
                child.rmdir()


def _unmount_below(path: Path) -> None:
    """Unmount whatever a stopped daemon left mounted below `path` (deepest first)."""
    prefix = str(path.resolve())
    mounts = [
        line.split()[1]
        for line in Path("/proc/self/mounts").read_text().splitlines()
        if line.split()[1].startswith(prefix + "/")
    ]
    for mount in sorted(mounts, key=len, reverse=True):
        subprocess.run(["umount", "-l", mount], check=False, capture_output=True)


@contextlib.contextmanager
def private_engine(
    root: Path, name: str, *, extra_args: Sequence[str] = (), base_images: bool = True
) -> Iterator[PrivateEngine]:
    engine = PrivateEngine(root=root / name, name=name, extra_args=extra_args)
    try:
        engine.start()
        if base_images:
            engine.ensure_base_images()
        yield engine
    finally:
        engine.remove()


# -- PostgreSQL ---------------------------------------------------------------------------------


def _postgres_bin(program: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    if found:
        return str(found[-1])
    on_path = shutil.which(program)
    if on_path is None:
        raise ServiceStartError(f"{program} not found (apt-get install postgresql)")
    return on_path


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own on a free loopback port (trust authentication), run as
    the `postgres` user when started by root."""

    root: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def _log(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> subprocess.CompletedProcess[bytes]:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, capture_output=True, check=False, timeout=120)

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            _traversable_by_others(self.root.parent)
        done = self._run(
            _postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
            "UTF8",
        )  # fmt: skip
        if done.returncode != 0:
            raise ServiceStartError(f"initdb failed: {done.stderr.decode(errors='replace')}")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c max_connections=200 -c fsync=off"
        )
        done = self._run(
            _postgres_bin("pg_ctl"), action, "-D", str(self.data), "-l", str(self._log),
            "-o", options, "-w", "-t", str(int(START_TIMEOUT_SECONDS)), *extra,
        )  # fmt: skip
        if done.returncode != 0:
            tail = self._log.read_text(errors="replace")[-2000:] if self._log.exists() else ""
            raise ServiceStartError(f"pg_ctl {action} failed: {done.stderr.decode()}\n{tail}")

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> float:
        """Restart (fast shutdown: every connection is cut); returns the seconds it took."""
        started = time.monotonic()
        self._pg_ctl("restart", "-m", "fast")
        return time.monotonic() - started

    def create_database(self, name: str) -> str:
        done = self._run(
            _postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            name,
        )  # fmt: skip
        if done.returncode != 0:
            raise ServiceStartError(f"createdb failed: {done.stderr.decode(errors='replace')}")
        return self.url(name)

    def remove(self) -> None:
        with contextlib.suppress(ServiceStartError, subprocess.TimeoutExpired):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _traversable_by_others(folder: Path) -> None:
    """Let another user (postgres) reach a folder below our own private temporary ones."""
    for path in (folder, *folder.parents):
        info = path.stat()
        if info.st_uid == os.geteuid() and not info.st_mode & 0o001:
            path.chmod(info.st_mode | 0o011)


# -- Redis --------------------------------------------------------------------------------------


@dataclass
class PrivateRedis:
    """A Redis of our own on a free loopback port, without persistence: a restart loses every
    queued message, the harshest case for the sweepers that resend jobs from the database."""

    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> float:
        self.root.mkdir(parents=True, exist_ok=True)
        log = self.root / "redis.log"
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.root), "--logfile", str(log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return _wait(self._answers, timeout=START_TIMEOUT_SECONDS, what="redis", log=log)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, *, kill: bool = False) -> None:
        _stop_process(self.process, kill=kill)
        self.process = None

    def restart(self) -> float:
        """Kill (SIGKILL) and start again empty; returns the seconds it took."""
        started = time.monotonic()
        self.stop(kill=True)
        self.start()
        return time.monotonic() - started

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
