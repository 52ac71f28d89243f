"""Draft questions generated from the real Docker module's content blocks (no language model)."""

import hashlib
import importlib
import json
import re
from collections import Counter
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from accounts.models import User
from assessments.generators import SourceBlock, drafts_from_blocks
from assessments.models import Provenance, Question, QuestionStatus
from assessments.services.drafts import drafts_generate
from assessments.services.questions import QuestionContent, draft_approve, draft_reject
from courses import api as courses_api
from courses.services import module_import_file
from graders.docker_cli import commands_equivalent, parse_command
from graders.dockerfile_parser import DockerfileSyntaxError
from graders.dockerfile_rules import run_all
from tests.assessments.conftest import DEMO_MODULE_FILE

FENCE = re.compile(r"^```\w*\n(?P<code>.*)\n```$", re.DOTALL)
NEUTRAL_BASE = "FROM debian:12.5\n"
TABLE_ROWS = 7  # the "Key Differences" table of section 1


def _drafts(generator: str) -> list[Question]:
    return list(
        Question.objects.filter(provenance_detail__generator=generator)
        .select_related("current_version", "section")
        .order_by("key")
    )


def _spec(question: Question) -> dict[str, Any]:
    assert question.current_version is not None
    return question.current_version.spec


def _failing_rules(snippet: str) -> set[str]:
    for text in (snippet, NEUTRAL_BASE + snippet):
        try:
            return {result.rule_id for result in run_all(text) if not result.passed}
        except DockerfileSyntaxError:
            continue
    raise AssertionError(f"neither form of the snippet parses: {snippet!r}")


@pytest.fixture
def generated(docker_module: int) -> int:
    drafts_generate(module_id=docker_module)
    return docker_module


@pytest.fixture
def table_rows(docker_module: int) -> list[list[str]]:
    blocks = courses_api.content_blocks_for_module(module_id=docker_module)
    (table,) = [block for block in blocks if block.kind == "table"]
    return [[str(cell).strip() for cell in row] for row in table.payload["rows"]]


def test_the_generator_yields_table_pair_and_command_drafts_from_the_real_module(
    docker_module: int,
) -> None:
    summary = drafts_generate(module_id=docker_module)

    assert summary.by_generator["table-tf"] == 2 * TABLE_ROWS
    assert summary.by_generator["table-choice"] == 2 * TABLE_ROWS
    assert summary.by_generator["table-match"] == 2
    sections = Counter(
        (question.section.position, question.provenance_detail["generator"])
        for question in Question.objects.select_related("section")
    )
    assert sections[(3, "pair-better")] >= 3
    assert sections[(6, "pair-better")] >= 2
    assert sections[(7, "command-write")] >= 40
    assert sections[(7, "command-explain")] >= 40
    assert len(summary.created) == Question.objects.count() == sum(summary.by_generator.values())


def test_drafts_wait_in_the_review_queue_with_their_provenance(generated: int) -> None:
    drafts = Question.objects.all()

    assert {question.status for question in drafts} == {QuestionStatus.DRAFT}
    assert {question.provenance for question in drafts} == {Provenance.GENERATED}
    for question in drafts:
        assert question.provenance_detail["block"]
        assert question.dedupe_key
        assert f"Section {question.section.position}" in _spec(question)["feedback"]


def test_table_choice_distractors_are_the_other_column_of_the_same_row(
    generated: int, table_rows: list[list[str]]
) -> None:
    drafts = _drafts("table-choice")

    assert drafts
    for question in drafts:
        options = _spec(question)["options"]
        right = next(option["text"] for option in options if option["correct"])
        wrong = [option["text"] for option in options if not option["correct"]]
        row = next(row for row in table_rows if row[0] in _spec(question)["prompt"])
        assert {right, *wrong} == {row[1], row[2]}
        assert wrong == [row[2] if right == row[1] else row[1]]


def test_table_true_false_statements_take_the_false_value_from_the_same_row(
    generated: int, table_rows: list[list[str]]
) -> None:
    for question in _drafts("table-tf"):
        spec = _spec(question)
        row = next(row for row in table_rows if f"**{row[0]}**" in spec["prompt"])
        # the statements are about containers (third column)
        expected = row[2] if spec["answer"] else row[1]
        assert spec["prompt"].endswith(f": {expected}.")


def test_table_matching_distractors_are_the_other_column(
    generated: int, table_rows: list[list[str]]
) -> None:
    columns = {tuple(row[1] for row in table_rows), tuple(row[2] for row in table_rows)}

    for question in _drafts("table-match"):
        spec = _spec(question)
        rights = tuple(pair["right"] for pair in spec["pairs"])
        assert rights in columns
        assert {rights, tuple(spec["distractors"])} == columns


def test_the_bad_option_of_a_pair_fails_a_dockerfile_rule_that_the_good_one_passes(
    generated: int,
) -> None:
    drafts = _drafts("pair-better")

    assert {question.section.position for question in drafts} == {3, 6}
    for question in drafts:
        options = _spec(question)["options"]
        good = next(o["text"] for o in options if o["correct"])
        bad = next(o["text"] for o in options if not o["correct"])
        good_code = FENCE.match(good).group("code")  # type: ignore[union-attr]
        bad_code = FENCE.match(bad).group("code")  # type: ignore[union-attr]
        assert _failing_rules(bad_code) - _failing_rules(good_code), question.key


def test_a_pair_whose_good_side_is_only_a_comment_gives_no_draft() -> None:
    block = SourceBlock(
        key="bad_good_pair-x",
        kind="bad_good_pair",
        payload={
            "language": "dockerfile",
            "topic": "Never Store Secrets in Images",
            "bad": {"code": "ENV DATABASE_PASSWORD=mysecretpassword", "comment": "NEVER DO THIS"},
            "good": {
                "code": "# We'll cover AWS Secrets Manager later",
                "comment": "Or use secrets",
            },
        },
        section_id=6,
        section_position=6,
        section_title="Container Security Best Practices",
        module_id=1,
    )

    assert drafts_from_blocks([block]) == []


def test_command_drafts_hold_commands_the_docker_cli_parser_reads(generated: int) -> None:
    writes, explains = _drafts("command-write"), _drafts("command-explain")

    assert writes
    assert explains
    for question in writes:
        for answer in _spec(question)["answers"]:
            assert parse_command(answer["command"]).path
    for question in explains:
        command = re.search(r"`(?P<command>docker [^`]+)`", _spec(question)["prompt"])
        assert command is not None
        assert parse_command(command.group("command")).path


def test_reverse_command_distractors_describe_other_commands_of_the_same_section(
    generated: int, docker_module: int
) -> None:
    commands = [
        block
        for block in courses_api.content_blocks_for_module(module_id=docker_module)
        if block.kind == "command"
    ]
    for question in _drafts("command-explain"):
        spec = _spec(question)
        command = re.search(r"`(?P<command>docker [^`]+)`", spec["prompt"]).group("command")  # type: ignore[union-attr]
        right = next(option["text"] for option in spec["options"] if option["correct"])
        for option in (o for o in spec["options"] if not o["correct"]):
            sources = [
                block
                for block in commands
                if block.section_id == question.section_id
                and str(block.payload["explanation"]).rstrip(".") == option["text"]
            ]
            assert sources, option["text"]
            assert not any(
                commands_equivalent(command, " ".join(str(b.payload["command"]).split()))
                for b in sources
                if "\\" not in str(b.payload["command"])
            )
            # "Remove container" is still true of `docker rm -f myapp`
            assert option["text"].split(" (")[0].lower() != right.split(" (")[0].lower()


def test_multi_line_commands_are_joined_and_give_drafts(generated: int) -> None:
    answers = [
        answer["command"]
        for question in _drafts("command-write")
        for answer in _spec(question)["answers"]
    ]

    joined = [command for command in answers if "--name postgres-db" in command]
    assert len(joined) == 1
    assert "\n" not in joined[0]
    assert parse_command(joined[0]).path == ("container", "run")


def test_a_second_run_creates_nothing(generated: int) -> None:
    count = Question.objects.count()

    summary = drafts_generate(module_id=generated)

    assert summary.created == []
    assert summary.already_known == count
    assert Question.objects.count() == count


def test_rejected_and_edited_drafts_are_not_generated_again(
    generated: int, instructor: User
) -> None:
    # given one draft rejected and one approved after an edit
    rejected, edited = _drafts("table-tf")[:2]
    draft_reject(question=rejected, reviewer=instructor, reason="Too easy")
    spec = dict(_spec(edited)) | {"prompt": "Reworded by the reviewer?"}
    draft_approve(question=edited, reviewer=instructor, content=QuestionContent("true_false", spec))
    count = Question.objects.count()
    # when
    summary = drafts_generate(module_id=generated)
    # then
    assert summary.created == []
    assert Question.objects.count() == count
    rejected.refresh_from_db()
    assert rejected.status == QuestionStatus.RETIRED


def test_the_command_reports_new_then_known_drafts(
    docker_module: int, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("generate_drafts")
    call_command("generate_drafts")

    first, second = capsys.readouterr().out.strip().splitlines()
    total = Question.objects.count()
    assert first.startswith(f"Drafts: {total} new (command-explain: ")
    assert second == f"Drafts: 0 new (none), {total} generated before."


def test_another_course_with_the_same_text_gets_drafts_of_its_own(generated: int) -> None:
    # given the module's drafts, generated in its course
    first = Question.objects.filter(section__module_id=generated).count()

    # when the same module text is imported into a second course and its drafts generated
    other = module_import_file(path=DEMO_MODULE_FILE, course_slug="docker-basics-again")
    assert other.module_id is not None
    assert other.module_id != generated
    summary = drafts_generate(module_id=other.module_id)

    # then the second course gets every draft, and the first keeps its own
    assert summary.already_known == 0
    assert Question.objects.filter(section__module_id=other.module_id).count() == first
    assert Question.objects.filter(section__module_id=generated).count() == first


def test_the_migration_rekeys_drafts_stored_before_keys_named_their_module(
    generated: int,
) -> None:
    # given drafts stored under the earlier key (a hash of generator, type and spec only)
    for question in Question.objects.filter(dedupe_key__isnull=False):
        first = question.versions.order_by("number").first()
        assert first is not None
        canonical = json.dumps(
            {
                "generator": question.provenance_detail["generator"],
                "type": first.type,
                "spec": first.spec,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        question.dedupe_key = hashlib.sha256(canonical.encode()).hexdigest()
        question.save(update_fields=["dedupe_key"])

    # when the migration runs
    migration = importlib.import_module("assessments.migrations.0003_draft_dedupe_keys_per_module")
    migration._rekey(django_apps, None)

    # then a new run in the module knows every draft again
    assert drafts_generate(module_id=generated).created == []
