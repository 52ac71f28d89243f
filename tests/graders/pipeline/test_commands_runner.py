"""The networking task's command lines: the safe subset is accepted, everything else is refused
with a message naming the line. No Docker needed."""

import pytest

from graders.commands_runner import CommandsRejectedError, container_port, plan_commands

IMAGES = ("quayside/catalog-api:1.0", "quayside/kv-db:1.0")
NETWORK = "docker network create --driver bridge app-net\n"


def test_the_course_commands_are_planned() -> None:
    # given
    text = (
        NETWORK + "docker run -d --name db --network app-net quayside/kv-db:1.0\n"
        "docker run -d --rm --name api --net=app-net \\\n"
        "  -e DB_HOST=db -p 8080:8000/tcp quayside/catalog-api:1.0\n"
    )

    # when
    plan = plan_commands(text, images=IMAGES)

    # then
    assert plan.networks == ("app-net",)
    db, api = plan.containers
    assert (db.name, db.network, db.published) == ("db", "app-net", ())
    assert (api.line, api.environment, api.published) == (3, {"DB_HOST": "db"}, ("8080:8000",))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("docker run -d --name x -v /etc:/host quayside/kv-db:1.0", "mounts host paths"),
        ("docker run -d --name x --mount type=bind,src=/,dst=/h quayside/kv-db:1.0", "mounts"),
        ("docker run -d --name x --privileged quayside/kv-db:1.0", "full control of the host"),
        ("docker run -d --name x --network host quayside/kv-db:1.0", "--network host"),
        ("docker run -d --name x --cap-add NET_ADMIN quayside/kv-db:1.0", "capabilities"),
        ("docker run -d --name x --pid host quayside/kv-db:1.0", "process namespace"),
        ("docker run -d --name x --ipc host quayside/kv-db:1.0", "IPC namespace"),
        ("docker run -d --name x --device /dev/sda quayside/kv-db:1.0", "host device"),
        ("docker run -d --name x -u 0 quayside/kv-db:1.0", "not needed for this task"),
        ("docker run -d --name x alpine:3.18", "not one of this task's images"),
        ("docker run -d --name x quayside/kv-db:1.0 sh -c id", "own start command"),
        ("docker run -d quayside/kv-db:1.0", "--name"),
        ("docker run -d --name x --network nope quayside/kv-db:1.0", "was not created"),
        ("docker network create --driver macvlan lan", "only the `bridge` driver"),
        ("docker network create --internal lan", "is not accepted"),
        ("docker exec api sh", "only `docker network create` and `docker run`"),
        ("docker run -d --name x quayside/kv-db:1.0 && rm -rf /", "shell operators"),
    ],
)
def test_anything_outside_the_subset_is_refused_naming_the_line(line: str, expected: str) -> None:
    with pytest.raises(CommandsRejectedError) as caught:
        plan_commands(NETWORK + line, images=IMAGES)

    assert str(caught.value).startswith("Line 2:")
    assert expected in str(caught.value)


def test_empty_and_oversized_submissions_are_refused() -> None:
    with pytest.raises(CommandsRejectedError, match="No commands"):
        plan_commands("# nothing\n", images=IMAGES)
    with pytest.raises(CommandsRejectedError, match="at most 20"):
        plan_commands("docker network create n\n" * 21, images=IMAGES)


def test_the_container_port_of_a_mapping_is_read() -> None:
    assert container_port("8080:8000") == 8000
    assert container_port("127.0.0.1:8080:8000") == 8000
    assert container_port("8000") == 8000


def test_the_grader_s_normalisations_flow_into_the_plan() -> None:
    # given Docker's other spellings of the same lines
    text = (
        "docker network create -d bridge app-net\n"
        "docker container run --detach --name=db --network=name=app-net quayside/kv-db:1.0\n"
        "docker run -d --name api --network bridge -e DB_HOST=db "
        "-p published=8080,target=8000 docker.io/quayside/catalog-api:1.0\n"
    )

    # when
    plan = plan_commands(text, images=IMAGES)

    # then
    db, api = plan.containers
    assert (db.network, api.network) == ("app-net", None)
    assert api.published == ("8080:8000",)
    assert api.image == "quayside/catalog-api:1.0"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("docker run -d --name x --tmpfs /tmp quayside/kv-db:1.0", "`--tmpfs`"),
        ("docker run -d --name x --cap-drop ALL quayside/kv-db:1.0", "not needed for this task"),
        ("docker run -d --name x --network a --network b quayside/kv-db:1.0", "one network"),
        ("docker run -d --name x --network name=app-net,alias=y quayside/kv-db:1.0", "one network"),
    ],
)
def test_merged_settings_are_refused_by_the_flags_that_made_them(line: str, expected: str) -> None:
    with pytest.raises(CommandsRejectedError) as caught:
        plan_commands(NETWORK + line, images=IMAGES)

    assert expected in str(caught.value)
