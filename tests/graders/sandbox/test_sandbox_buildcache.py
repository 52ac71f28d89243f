"""The bounded learner build cache on a real engine: reuse, hand-over from the job, eviction."""

import uuid
from collections.abc import Iterator

import docker
import pytest

from graders.sandbox import buildcache
from graders.sandbox.build import BuildLimits, BuildOutcome, BuildStatus, build_image
from graders.sandbox.buildcache import (
    CACHE_REPOSITORY,
    LearnerBuildCache,
    _layers_above_base,
    is_cache_entry,
)
from graders.sandbox.images import DEFAULT_CATALOG
from graders.sandbox.labels import JOB_LABEL
from graders.sandbox.run import run_command
from graders.sandbox.scope import job_scope, remove_job_resources
from tests.graders.sandbox.conftest import images_from_steps_mentioning, labelled_leftovers

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("base_images")]

ALLOWED = DEFAULT_CATALOG.references()
MIB = 1024 * 1024
# The RUN output differs on every run, so a reused layer shows as an unchanged stamp. Every test
# COPYs content of its own (its scope in greeting.txt): tests grading beside it on the same engine
# must never share its layers, or a layer it expects gone is kept by their images.
STAMPED = "FROM busybox:1.35\nCOPY greeting.txt /\nRUN cat /proc/sys/kernel/random/uuid > /stamp\n"


@pytest.fixture
def scope() -> str:
    """This test's job-id prefix: its caches see only its own entries, never those of gradings
    running beside it on the same engine."""
    return f"cachetest-{uuid.uuid4().hex[:12]}-"


@pytest.fixture
def cache(docker_client: docker.DockerClient, scope: str) -> Iterator[LearnerBuildCache]:
    """A cache of its own, scoped to the test's jobs; emptied after the test."""
    own = LearnerBuildCache(max_bytes=512 * MIB, max_entries=20, scope=scope)
    yield own
    own.clear(docker_client)


@pytest.fixture
def job_ids(docker_client: docker.DockerClient, scope: str) -> Iterator[list[str]]:
    ids = [f"{scope}{number}" for number in range(3)]
    yield ids
    LearnerBuildCache(scope=scope).clear(docker_client)
    for job in ids:
        remove_job_resources(docker_client, job)


def build_and_retain(
    client: docker.DockerClient,
    cache: LearnerBuildCache,
    job_id: str,
    dockerfile: str,
    **files: bytes,
) -> tuple[BuildOutcome, str, list[str]]:
    """Build in a job scope with the layer cache, read /stamp, hand the build to the cache."""
    with job_scope(client, job_id):
        outcome = build_image(
            client,
            job_id=job_id,
            files={"Dockerfile": dockerfile.encode(), **files},
            allowed_bases=ALLOWED,
            limits=BuildLimits(wall_clock_seconds=30),
            layer_cache=True,
        )
        assert outcome.status is BuildStatus.OK, outcome.log_excerpt
        assert outcome.image_id is not None
        stamp = run_command(client, outcome.image_id, ["cat", "/stamp"], job_id=job_id).stdout
        tags = cache.retain(
            client,
            job_id=job_id,
            image_ids=outcome.stage_image_ids,
            reused=outcome.step_image_ids,
        )
    return outcome, stamp, tags


def image_exists(client: docker.DockerClient, image_id: str) -> bool:
    try:
        client.images.get(image_id)
    except docker.errors.ImageNotFound:
        return False
    return True


def test_a_rebuild_reuses_the_layers_of_a_graded_build(
    docker_client: docker.DockerClient, cache: LearnerBuildCache, job_ids: list[str], scope: str
) -> None:
    # given: a graded build handed over to the cache
    first, first_stamp, tags = build_and_retain(
        docker_client, cache, job_ids[0], STAMPED, **{"greeting.txt": f"{scope}hi".encode()}
    )

    # when: another job builds the same files
    second, second_stamp, _ = build_and_retain(
        docker_client, cache, job_ids[1], STAMPED, **{"greeting.txt": f"{scope}hi".encode()}
    )

    # then: the RUN step was not run again, and the job kept nothing but the cache entry
    assert tags == [f"{CACHE_REPOSITORY}:{job_ids[0]}-0"]
    assert "Using cache" in second.log_excerpt
    assert second_stamp == first_stamp
    assert first.image_id is not None
    entry = docker_client.images.get(first.image_id)
    assert entry.tags == [f"{CACHE_REPOSITORY}:{job_ids[0]}-0"]  # the job's own tag is gone
    assert labelled_leftovers(job_ids[0])["containers"] == []
    assert labelled_leftovers(job_ids[0])["networks"] == []


def test_a_changed_file_is_built_afresh(
    docker_client: docker.DockerClient, cache: LearnerBuildCache, job_ids: list[str], scope: str
) -> None:
    # given
    _, first_stamp, _ = build_and_retain(
        docker_client, cache, job_ids[0], STAMPED, **{"greeting.txt": f"{scope}hi".encode()}
    )

    # when: the COPY'd file changes (same instruction text)
    _, second_stamp, _ = build_and_retain(
        docker_client, cache, job_ids[1], STAMPED, **{"greeting.txt": f"{scope}hello".encode()}
    )

    # then
    assert second_stamp != first_stamp


def test_clearing_the_cache_removes_its_layers(
    docker_client: docker.DockerClient, cache: LearnerBuildCache, job_ids: list[str], scope: str
) -> None:
    # given
    outcome, _, _ = build_and_retain(
        docker_client, cache, job_ids[0], STAMPED, **{"greeting.txt": f"{scope}hi".encode()}
    )
    created = {
        image_id
        for image_id in outcome.step_image_ids
        if not docker_client.images.get(image_id).tags
        or is_cache_entry(docker_client.images.get(image_id).tags)
    }
    assert len(created) >= 2  # COPY and RUN (FROM names the tagged base)

    # when
    removed = cache.clear(docker_client)

    # then: nothing of the job is left, cached or not
    assert removed == [f"{CACHE_REPOSITORY}:{job_ids[0]}-0"]
    assert [image_id for image_id in created if image_exists(docker_client, image_id)] == []
    assert labelled_leftovers(job_ids[0]) == {"containers": [], "networks": [], "images": []}


def test_the_oldest_entries_go_first_when_a_bound_is_reached(
    docker_client: docker.DockerClient, job_ids: list[str], scope: str
) -> None:
    # given: a cache that holds two entries of ~1 MiB each, but not three
    cache = LearnerBuildCache(max_bytes=int(2.5 * MIB), max_entries=10, scope=scope)
    cache.clear(docker_client)
    dockerfile = "FROM busybox:1.35\nCOPY n /\nRUN head -c 1048576 /dev/urandom > /stamp\n"
    try:
        # when
        outcomes = [
            build_and_retain(docker_client, cache, job, dockerfile, n=f"{scope}{number}".encode())
            for number, job in enumerate(job_ids)
        ]

        # then: the first entry and its layers are gone, the newer two are kept
        entries = cache.entries(docker_client)
        assert [entry.tag for entry in entries] == [
            f"{CACHE_REPOSITORY}:{job_ids[1]}-0",
            f"{CACHE_REPOSITORY}:{job_ids[2]}-0",
        ]
        assert all(MIB <= entry.own_bytes < 2 * MIB for entry in entries)
        first_image = outcomes[0][0].image_id
        assert first_image is not None
        assert not image_exists(docker_client, first_image)
        assert labelled_leftovers(job_ids[0])["images"] == []
    finally:
        cache.clear(docker_client)


def test_an_entry_whose_layers_a_build_reused_is_evicted_last(
    docker_client: docker.DockerClient, job_ids: list[str], scope: str
) -> None:
    # given: two entries, the first one older
    cache = LearnerBuildCache(max_bytes=512 * MIB, max_entries=10, scope=scope)
    cache.clear(docker_client)
    try:
        for number, job in enumerate(job_ids[:2]):
            build_and_retain(
                docker_client, cache, job, STAMPED, **{"greeting.txt": f"{scope}{number}".encode()}
            )

        # when: a third build reuses the first entry's layers, and the cache may keep two
        cache.max_entries = 2
        build_and_retain(
            docker_client, cache, job_ids[2], STAMPED, **{"greeting.txt": f"{scope}0".encode()}
        )

        # then: the second entry, used least recently, is the one evicted
        assert sorted(entry.tag for entry in cache.entries(docker_client)) == sorted(
            [f"{CACHE_REPOSITORY}:{job_ids[0]}-0", f"{CACHE_REPOSITORY}:{job_ids[2]}-0"]
        )
    finally:
        cache.clear(docker_client)


def test_the_entry_count_is_bounded_too(
    docker_client: docker.DockerClient, job_ids: list[str], scope: str
) -> None:
    cache = LearnerBuildCache(max_bytes=512 * MIB, max_entries=1, scope=scope)
    cache.clear(docker_client)
    try:
        for number, job in enumerate(job_ids[:2]):
            build_and_retain(
                docker_client, cache, job, STAMPED, **{"greeting.txt": f"{scope}{number}".encode()}
            )

        assert [entry.tag for entry in cache.entries(docker_client)] == [
            f"{CACHE_REPOSITORY}:{job_ids[1]}-0"
        ]
    finally:
        cache.clear(docker_client)


def test_every_stage_of_a_multi_stage_build_is_kept_and_reused(
    docker_client: docker.DockerClient, cache: LearnerBuildCache, job_ids: list[str]
) -> None:
    # given
    dockerfile = (
        "FROM busybox:1.35 AS tools\n"
        "RUN cat /proc/sys/kernel/random/uuid > /made\n"
        "FROM busybox:1.35\n"
        "COPY --from=tools /made /stamp\n"
    )
    first, first_stamp, tags = build_and_retain(docker_client, cache, job_ids[0], dockerfile)

    # when
    second, second_stamp, _ = build_and_retain(docker_client, cache, job_ids[1], dockerfile)

    # then
    assert len(first.stage_image_ids) == 2
    assert first.stage_image_ids[-1] == (first.image_id or "").removeprefix("sha256:")[:12]
    assert tags == [f"{CACHE_REPOSITORY}:{job_ids[0]}-0", f"{CACHE_REPOSITORY}:{job_ids[0]}-1"]
    assert second_stamp == first_stamp
    assert second.log_excerpt.count("Using cache") >= 2


def test_a_failed_build_with_the_cache_on_leaves_no_step_images(
    docker_client: docker.DockerClient, cache: LearnerBuildCache, job_ids: list[str], scope: str
) -> None:
    # given: a cached prefix (its steps name the test's scope, so no other job shares them)
    prefix = f"FROM busybox:1.35\nRUN echo one-{scope} > /a\n"
    build_and_retain(docker_client, cache, job_ids[0], prefix + f"RUN echo {scope} > /stamp\n")
    cached = images_from_steps_mentioning(docker_client, scope)

    # when: a build that reuses the prefix, commits a new step, then fails
    with job_scope(docker_client, job_ids[1]):
        outcome = build_image(
            docker_client,
            job_id=job_ids[1],
            files={
                "Dockerfile": (
                    prefix + f"RUN echo two-{scope} > /b\nRUN false # {scope}\n"
                ).encode()
            },
            allowed_bases=ALLOWED,
            limits=BuildLimits(wall_clock_seconds=30),
            layer_cache=True,
        )

    # then: the new step's image is gone, the cached prefix is intact
    assert outcome.status is BuildStatus.FAILED
    assert "Using cache" in outcome.log_excerpt
    assert images_from_steps_mentioning(docker_client, scope) == cached


def test_the_job_scope_leaves_a_cache_entry_alone(
    docker_client: docker.DockerClient, cache: LearnerBuildCache, job_ids: list[str], scope: str
) -> None:
    # given
    outcome, _, _ = build_and_retain(
        docker_client, cache, job_ids[0], STAMPED, **{"greeting.txt": f"{scope}hi".encode()}
    )
    assert outcome.image_id is not None

    # when: the job's resources are swept again (as the janitor would)
    report = remove_job_resources(docker_client, job_ids[0])

    # then
    assert report.images == 0
    assert report.errors == ()
    image = docker_client.images.get(outcome.image_id)
    assert image.labels[JOB_LABEL] == job_ids[0]
    assert image.tags == [f"{CACHE_REPOSITORY}:{job_ids[0]}-0"]


def test_a_cache_without_bytes_is_off(docker_client: docker.DockerClient) -> None:
    cache = LearnerBuildCache(max_bytes=0)

    assert not cache.enabled
    assert cache.retain(docker_client, job_id="test-off", image_ids=["0123456789ab"]) == []


def test_negative_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        LearnerBuildCache(max_bytes=-1)


def test_own_bytes_stop_at_the_base_image() -> None:
    history = [
        {"Id": "sha256:c", "Tags": [f"{CACHE_REPOSITORY}:job-0"], "Size": 10},
        {"Id": "sha256:b", "Tags": None, "Size": 200},
        {"Id": "sha256:o", "Tags": [f"{CACHE_REPOSITORY}:older-0", "quayside-job:j"], "Size": 7},
        {"Id": "sha256:a", "Tags": ["busybox:1.35"], "Size": 4000},
        {"Id": "<missing>", "Tags": None, "Size": 1000},
    ]

    own = _layers_above_base(history)

    assert own.size == 217
    assert own.short_ids == {"c", "b", "o"}


def test_an_entry_another_worker_evicts_meanwhile_is_skipped(
    docker_client: docker.DockerClient,
    cache: LearnerBuildCache,
    job_ids: list[str],
    scope: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the engine lists an entry that another worker evicts before this one looks at it
    gone = (f"{CACHE_REPOSITORY}:{scope}gone-0", "sha256:" + "0" * 64, 1)
    real_listed = buildcache._listed
    monkeypatch.setattr(
        buildcache, "_listed", lambda client, own: [*real_listed(client, own), gone]
    )

    # when: a graded build is handed over (its reused layers are marked, then it evicts)
    _, _, tags = build_and_retain(
        docker_client, cache, job_ids[0], STAMPED, **{"greeting.txt": f"{scope}hi".encode()}
    )

    # then: the hand-over went through, and the vanished entry is simply not there
    assert tags == [f"{CACHE_REPOSITORY}:{job_ids[0]}-0"]
    assert [entry.tag for entry in cache.entries(docker_client)] == tags
