"""The value normalisers behind the docker CLI grader, one Docker rule each."""

from collections.abc import Callable

import pytest

from graders.docker_cli_capabilities import capability, effective_capabilities
from graders.docker_cli_images import image_reference, image_repository, registry_server
from graders.docker_cli_mounts import mount_spec, tmpfs_mount, volume_mount
from graders.docker_cli_ports import exposed_ports, port_bindings
from graders.docker_cli_values import (
    byte_size,
    duration,
    go_integer,
    host_path,
    nano_cpus,
    path_clean,
    platform,
    restart_policy,
    signal,
    user,
)

Normaliser = Callable[[str], object]

SAME_VALUE = [
    pytest.param(byte_size, ("512m", "512M", "512mb", "512MiB", "0.5g", "536870912"), id="ram"),
    pytest.param(nano_cpus, ("0.5", ".5", "1/2", "0.50"), id="cpus"),
    pytest.param(duration, ("30s", "0.5m", "30000ms", "30000000us"), id="duration"),
    pytest.param(duration, ("90s", "1m30s", "1.5m"), id="compound-duration"),
    pytest.param(signal, ("TERM", "SIGTERM", "term", "15"), id="signal"),
    pytest.param(restart_policy, ("on-failure", "on-failure:0"), id="restart"),
    pytest.param(user, ("root", "0", "root:root", "0:0"), id="root-user"),
    pytest.param(platform, ("linux/amd64", "amd64", "linux/x86_64", "LINUX/AMD64"), id="amd64"),
    pytest.param(platform, ("linux/arm64", "linux/arm64/v8", "linux/aarch64"), id="arm64"),
    pytest.param(host_path, ("./data", "data", "$PWD/data", "./x/../data/"), id="relative"),
    pytest.param(path_clean, ("/app", "/app/", "/app/.", "/x/../app", "//app"), id="clean"),
    pytest.param(image_reference, ("nginx", "nginx:latest", "docker.io/nginx"), id="image"),
    pytest.param(
        image_reference,
        ("library/nginx:1.25", "docker.io/library/nginx:1.25", "index.docker.io/nginx:1.25"),
        id="official-image",
    ),
    pytest.param(registry_server, ("", "docker.io", "https://index.docker.io/v1/"), id="hub"),
    pytest.param(volume_mount, ("data:/d", "data:/d/", "data:/d:rw"), id="volume"),
    pytest.param(
        mount_spec,
        ("source=data,target=/d", "type=volume,src=data,dst=/d", "src=data,destination=/d/"),
        id="mount",
    ),
    pytest.param(tmpfs_mount, ("/tmp", "/tmp/", "/tmp:rw,noexec,nosuid,nodev"), id="tmpfs"),
    pytest.param(go_integer, ("512", "0x200", "0o1000", "01000", "5_12"), id="go-integer"),
]


@pytest.mark.parametrize(("normalise", "spellings"), SAME_VALUE)
def test_every_spelling_docker_reads_alike_normalises_alike(
    normalise: Normaliser, spellings: tuple[str, ...]
) -> None:
    assert len({normalise(text) for text in spellings}) == 1


DIFFERENT_VALUES = [
    pytest.param(byte_size, ("1g", "1000m"), id="ram-binary"),
    pytest.param(image_reference, ("nginx", "nginx:1.25"), id="tag"),
    pytest.param(image_reference, ("nginx", "registry-1.docker.io/library/nginx"), id="registry"),
    pytest.param(image_repository, ("nginx", "nginx:latest"), id="repository-every-tag"),
    pytest.param(user, ("1000", "1000:1000"), id="uid-group"),
    pytest.param(volume_mount, ("data:/d", "./data:/d"), id="volume-vs-bind"),
    pytest.param(volume_mount, ("/d", "d:/d"), id="anonymous-vs-named"),
    pytest.param(host_path, ("~/data", "./data"), id="home-vs-working-dir"),
    pytest.param(tmpfs_mount, ("/tmp", "/tmp:exec"), id="tmpfs-exec"),
]


@pytest.mark.parametrize(("normalise", "spellings"), DIFFERENT_VALUES)
def test_values_docker_reads_differently_stay_apart(
    normalise: Normaliser, spellings: tuple[str, ...]
) -> None:
    first, second = spellings

    assert normalise(first) != normalise(second)


def test_a_bind_mount_in_both_syntaxes_is_one_mount() -> None:
    assert volume_mount("./src:/app:ro") == mount_spec(
        "type=bind,source=./src,target=/app,readonly=true"
    )


def test_a_tmpfs_mount_in_both_syntaxes_is_one_mount() -> None:
    assert tmpfs_mount("/run:size=64m,mode=1770") == mount_spec(
        "type=tmpfs,dst=/run,tmpfs-size=64m,tmpfs-mode=1770"
    )


def test_port_ranges_expand_to_one_binding_per_port() -> None:
    assert port_bindings("127.0.0.1:8080-8081:80-81/udp") == (
        "127.0.0.1:8080:80/udp",
        "127.0.0.1:8081:81/udp",
    )
    assert port_bindings("8080-8090:80") == ("8080-8090:80",)
    assert exposed_ports("8000-8002") == ("8000", "8001", "8002")


def test_the_long_publish_syntax_is_the_short_one() -> None:
    assert port_bindings("published=8080,target=80,protocol=udp") == port_bindings("8080:80/udp")


def test_dropping_all_capabilities_keeps_only_the_added_ones() -> None:
    assert effective_capabilities([capability("net_bind_service")], [capability("ALL")]) == {
        "CAP_NET_BIND_SERVICE"
    }


@pytest.mark.parametrize(
    ("normalise", "text"),
    [
        (byte_size, "lots"),
        (nano_cpus, "0.0000000001"),
        (duration, "5"),
        (signal, "SIGFOO"),
        (restart_policy, "always:3"),
        (image_reference, "MyImage"),
        (image_reference, "nginx:bad:tag"),
        (volume_mount, "a:b:c:d"),
        (mount_spec, "type=bind,source=relative,target=/x"),
        (port_bindings, "8080:80/xyz"),
        (capability, "NET_BIND"),
    ],
)
def test_values_docker_refuses_raise(normalise: Normaliser, text: str) -> None:
    # The reason is shown to the learner, so it must say something.
    with pytest.raises(ValueError, match=r"\w+"):
        normalise(text)
