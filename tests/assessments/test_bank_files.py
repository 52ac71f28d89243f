"""Static checks of the Docker course package's question bank (content/docker-basics/bank/).

The checks need no database: they read the files and call pure Python code only. They follow
docs/question-format.md. Every item is also run through the engine's own validators and graders
(`assessments.question_types`, `graders.docker_cli`, `graders.dockerfile_rules`,
`assessments.services.bank_policy`, all free of Django), so a bank item the engine would reject
fails here too, and every worked example of every item is graded through its question type for
every parameter combination.
"""

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments.question_types import QUESTION_TYPES, ResponseError
from assessments.question_types.dockerfile import rule_options
from assessments.question_types.examples import EXPECTED_FRACTION_TOLERANCE, Example, examples_of
from assessments.question_types.variants import apply_parameters
from assessments.services.bank_policy import (
    EXAMPLE_TYPES,
    GIVEAWAY_LENGTH_RATIO,
    MIN_EXAMPLES_PER_KIND,
    bank_policy_errors,
    option_length,
)
from coursepackages.layout import DEMO_BANK_DIR
from graders import docker_cli, dockerfile_parser, dockerfile_rules
from tests.assessments.bank_checks import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    NON_SPEC_FIELDS,
    PLACEHOLDER,
    TYPE_CHECKS,
    TYPE_FIELDS,
    check_numeric_variant,
    is_number,
    nonempty_text,
    strings_in,
    variants,
)

BANK = DEMO_BANK_DIR
OBJECTIVES_FILE = BANK / "objectives.yaml"

SECTIONS = {
    1: (
        "understanding-containers-vs-virtual-machines",
        "Understanding Containers vs Virtual Machines",
    ),
    2: ("docker-architecture", "Docker Architecture"),
    3: ("writing-production-ready-dockerfiles", "Writing Production-Ready Dockerfiles"),
    4: ("multi-stage-builds-for-optimization", "Multi-Stage Builds for Optimization"),
    5: ("docker-networking-basics", "Docker Networking Basics"),
    6: ("container-security-best-practices", "Container Security Best Practices"),
    7: ("essential-docker-commands", "Essential Docker Commands"),
}
OBJECTIVE_COUNT = 5  # the learning objectives the course text states, named by position 1..5
MIN_QUESTIONS_PER_SECTION = 12
MIN_TYPES_PER_SECTION = 4
MIN_TYPES_OVERALL = 7
MIN_PARAMETERISED = 3

# Where each kind of item belongs (docker_command mainly in 2, 5 and 7; dockerfile in 3, 4 and 6).
DOCKER_COMMAND_SECTIONS = {2, 4, 5, 6, 7}
DOCKERFILE_SECTIONS = {3, 4, 6}

KEY_PATTERN = re.compile(r"^s(\d)-[a-z0-9][a-z0-9-]*$")


def _bank_files() -> list[Path]:
    """The question files; objectives.yaml declares the bank's supplementary objectives."""
    return sorted(path for path in BANK.glob("*.yaml") if path != OBJECTIVES_FILE)


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _all_questions() -> list[tuple[int, dict[str, Any]]]:
    questions = []
    for path in _bank_files():
        number = int(path.name.split("-", 1)[0])
        questions += [(number, question) for question in _load(path)]
    return questions


QUESTIONS = _all_questions()
QUESTION_IDS = [question.get("key", f"#{index}") for index, (_, question) in enumerate(QUESTIONS)]
SUPPLEMENTARY_OBJECTIVES = yaml.safe_load(OBJECTIVES_FILE.read_text(encoding="utf-8"))
SUPPLEMENT_SLUGS = {objective["slug"] for objective in SUPPLEMENTARY_OBJECTIVES}


def _of_types(*types: str) -> list[tuple[int, dict[str, Any]]]:
    return [(number, question) for number, question in QUESTIONS if question["type"] in types]


def _ids(questions: list[tuple[int, dict[str, Any]]]) -> list[str]:
    return [question["key"] for _, question in questions]


DOCKER_COMMANDS = _of_types("docker_command")
DOCKERFILES = _of_types("dockerfile")
SINGLE_CHOICES = _of_types("single_choice")
WITH_EXAMPLES = [(n, q) for n, q in QUESTIONS if q.get("examples")]


# --- files -----------------------------------------------------------------------------------


def test_one_file_per_section_named_after_its_slug() -> None:
    expected = {f"{number:02d}-{slug}.yaml" for number, (slug, _) in SECTIONS.items()}
    assert {path.name for path in _bank_files()} == expected


@pytest.mark.parametrize("path", _bank_files(), ids=lambda path: path.name)
def test_file_is_a_list_of_questions_for_its_section(path: Path) -> None:
    questions = _load(path)
    assert isinstance(questions, list)
    assert all(isinstance(question, dict) for question in questions)
    number = int(path.name.split("-", 1)[0])
    slug = SECTIONS[number][0]
    assert path.name == f"{number:02d}-{slug}.yaml"
    assert {question["section"] for question in questions} == {slug}
    assert len(questions) >= MIN_QUESTIONS_PER_SECTION


@pytest.mark.parametrize("number", sorted(SECTIONS))
def test_each_section_mixes_question_types(number: int) -> None:
    types = {question["type"] for section, question in QUESTIONS if section == number}
    assert len(types) >= MIN_TYPES_PER_SECTION, types


def test_bank_uses_many_types_and_parameterised_variants() -> None:
    types = Counter(question["type"] for _, question in QUESTIONS)
    assert len(types) >= MIN_TYPES_OVERALL, types
    assert set(types) <= set(TYPE_FIELDS)
    parameterised = [question["key"] for _, question in QUESTIONS if question.get("parameters")]
    assert len(parameterised) >= MIN_PARAMETERISED, parameterised


def test_keys_are_unique_across_the_bank() -> None:
    keys = Counter(question["key"] for _, question in QUESTIONS)
    assert [key for key, count in keys.items() if count > 1] == []


def test_docker_command_and_dockerfile_items_sit_in_their_sections() -> None:
    for number, question in QUESTIONS:
        if question["type"] == "docker_command":
            assert number in DOCKER_COMMAND_SECTIONS, question["key"]
        if question["type"] == "dockerfile":
            assert number in DOCKERFILE_SECTIONS, question["key"]


# --- common fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_common_fields(number: int, question: dict[str, Any]) -> None:
    missing = [field for field in COMMON_REQUIRED if field not in question]
    assert missing == []
    match = KEY_PATTERN.fullmatch(question["key"])
    assert match is not None, "keys look like s<section>-words-with-dashes"
    assert int(match.group(1)) == number
    assert question["section"] == SECTIONS[number][0]
    objectives = question["objectives"]
    assert isinstance(objectives, list)
    assert objectives
    positions = [o for o in objectives if isinstance(o, int) and not isinstance(o, bool)]
    slugs = [o for o in objectives if isinstance(o, str)]
    assert len(positions) + len(slugs) == len(objectives)
    assert all(1 <= o <= OBJECTIVE_COUNT for o in positions)
    assert set(slugs) <= SUPPLEMENT_SLUGS
    assert len(set(objectives)) == len(objectives)
    assert is_number(question["points"])
    assert question["points"] > 0
    assert is_number(question["difficulty"])
    assert 0 <= question["difficulty"] <= 1
    assert isinstance(question["tags"], list)
    assert question["tags"]
    assert all(nonempty_text(tag) for tag in question["tags"])
    assert nonempty_text(question["prompt"])
    assert question["type"] in TYPE_FIELDS


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_feedback_cites_its_section(number: int, question: dict[str, Any]) -> None:
    feedback = question["feedback"]
    assert nonempty_text(feedback)
    title = SECTIONS[number][1]
    assert f"Section {number}: {title}" in " ".join(feedback.split())
    cited = {int(n) for n in re.findall(r"\bSection (\d+)\b", feedback)}
    assert number in cited


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_no_unknown_fields(number: int, question: dict[str, Any]) -> None:
    required, optional = TYPE_FIELDS[question["type"]]
    allowed = set(COMMON_REQUIRED) | set(COMMON_OPTIONAL) | required | optional
    assert sorted(set(question) - allowed) == []
    assert sorted(required - set(question)) == []


# --- type-specific fields --------------------------------------------------------------------


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_type_specific_fields(number: int, question: dict[str, Any]) -> None:
    TYPE_CHECKS[question["type"]](question)


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_placeholders_name_parameters_and_parameters_are_shown(
    number: int, question: dict[str, Any]
) -> None:
    parameters = question.get("parameters") or {}
    assert isinstance(parameters, dict)
    used = {name for text in strings_in(question) for name in PLACEHOLDER.findall(text)}
    assert used <= set(parameters), f"placeholders without a parameter: {used - set(parameters)}"
    in_prompt = set(PLACEHOLDER.findall(question["prompt"]))
    assert set(parameters) <= in_prompt, "every parameter must appear in the prompt"
    for name in parameters:
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", name)
    for answer in question.get("answers", []):
        value = answer.get("value")
        if isinstance(value, str):
            assert question["type"] == "numeric"
            assert re.fullmatch(r"=[\sA-Za-z0-9_.+\-*/(),]+", value.strip()), value


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_every_variant_is_well_formed(number: int, question: dict[str, Any]) -> None:
    for variant, values in variants(question):
        leftovers = [text for text in strings_in(variant) if PLACEHOLDER.search(text)]
        assert leftovers == [], values
        if question["type"] == "numeric":
            check_numeric_variant(variant, values)
        TYPE_CHECKS[question["type"]](variant)


# --- the project's own validators and graders ------------------------------------------------


def _spec_errors(question: dict[str, Any]) -> list[str]:
    return list(QUESTION_TYPES[question["type"]].validate_spec(question))


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_engine_accepts_every_spec(number: int, question: dict[str, Any]) -> None:
    assert question["type"] in QUESTION_TYPES
    assert _spec_errors(question) == []


@pytest.mark.parametrize(("number", "question"), QUESTIONS, ids=QUESTION_IDS)
def test_every_item_meets_the_bank_policy(number: int, question: dict[str, Any]) -> None:
    spec = {name: value for name, value in question.items() if name not in NON_SPEC_FIELDS}
    assert bank_policy_errors(question_type=question["type"], spec=spec) == []


@pytest.mark.parametrize(("number", "question"), SINGLE_CHOICES, ids=_ids(SINGLE_CHOICES))
def test_no_single_choice_key_gives_itself_away_by_its_length(
    number: int, question: dict[str, Any]
) -> None:
    (key,) = [option["text"] for option in question["options"] if option["correct"]]
    longest = max(option_length(o["text"]) for o in question["options"] if not o["correct"])
    assert option_length(key) <= GIVEAWAY_LENGTH_RATIO * longest


@pytest.mark.parametrize(("number", "question"), DOCKER_COMMANDS, ids=_ids(DOCKER_COMMANDS))
def test_docker_commands_parse_with_the_grader(number: int, question: dict[str, Any]) -> None:
    for variant, values in variants(question):
        for answer in variant["answers"]:
            try:
                parsed = docker_cli.parse_command(answer["command"])
            except docker_cli.DockerCommandError as error:
                pytest.fail(f"{answer['command']!r} ({values}) does not parse: {error}")
            assert parsed.path, answer["command"]


@pytest.mark.parametrize(("number", "question"), DOCKERFILES, ids=_ids(DOCKERFILES))
def test_dockerfile_starters_parse(number: int, question: dict[str, Any]) -> None:
    parsed = dockerfile_parser.parse_dockerfile(question["starter"])

    assert parsed.stages


@pytest.mark.parametrize(("number", "question"), DOCKERFILES, ids=_ids(DOCKERFILES))
def test_dockerfile_starters_fail_every_graded_rule_and_pass_every_required_one(
    number: int, question: dict[str, Any]
) -> None:
    """The starter is the flawed Dockerfile the learner fixes: each graded rule starts red, and
    each required rule (a condition the fix must keep, such as a start command) starts green."""
    graded, required = question["rules"], question.get("required_rules", [])
    assert set(graded) | set(required) <= set(dockerfile_rules.RULE_IDS)
    results = dockerfile_rules.run_all(
        question["starter"],
        question.get("dockerignore_starter"),
        rule_ids=[*graded, *required],
        options=rule_options(question),
    )
    passed = {result.rule_id for result in results if result.passed}
    assert sorted(result.rule_id for result in results) == sorted([*graded, *required])
    assert passed & set(graded) == set()
    assert passed >= set(required)


@pytest.mark.parametrize(("number", "question"), DOCKERFILES, ids=_ids(DOCKERFILES))
def test_every_dockerfile_item_requires_a_start_command(
    number: int, question: dict[str, Any]
) -> None:
    """Every Dockerfile item asks for an image that runs the app."""
    assert "start-command-declared" in question.get("required_rules", [])


# --- examples: accepted answers earn full credit, rejected ones less ------------------------


@pytest.mark.parametrize(
    ("number", "question"), _of_types(*EXAMPLE_TYPES), ids=_ids(_of_types(*EXAMPLE_TYPES))
)
def test_typed_answer_items_carry_enough_examples(number: int, question: dict[str, Any]) -> None:
    examples = question["examples"]

    assert len(examples["accept"]) >= MIN_EXAMPLES_PER_KIND
    assert len(examples["reject"]) >= MIN_EXAMPLES_PER_KIND


def _graded_examples() -> list[tuple[str, dict[str, Any], dict[str, Any], Example]]:
    """(id, item, variant, example) for every example of every item and parameter combination."""
    cases = []
    for _, question in WITH_EXAMPLES:
        spec = {name: value for name, value in question.items() if name not in NON_SPEC_FIELDS}
        for _, values in variants(question):
            variant = apply_parameters(spec, values)  # what `instantiate` gives an attempt
            shown = ",".join(f"{name}={value}" for name, value in values.items())
            for example in examples_of(variant):
                case_id = f"{question['key']}-{example.kind}{example.index}"
                cases.append(
                    (f"{case_id}-{shown}" if shown else case_id, question, variant, example)
                )
    return cases


GRADED_EXAMPLES = _graded_examples()


@pytest.mark.parametrize(
    ("question", "variant", "example"),
    [case[1:] for case in GRADED_EXAMPLES],
    ids=[case[0] for case in GRADED_EXAMPLES],
)
def test_every_example_earns_what_it_claims_through_its_question_type(
    question: dict[str, Any], variant: dict[str, Any], example: Example
) -> None:
    # given an instantiated variant and one of its examples
    question_type = QUESTION_TYPES[question["type"]]
    # when it is graded as an attempt grades a response
    try:
        grade = question_type.grade(variant, example.answer)
    except ResponseError as error:
        pytest.fail(f"{example.where} is not a valid answer: {error}")
    # then accepted examples earn full credit and rejected ones what they declare, or less
    if example.kind == "accept":
        assert grade.fraction == 1, grade.explanation
    elif example.expected is not None:
        assert abs(grade.fraction - example.expected) <= EXPECTED_FRACTION_TOLERANCE, (
            grade.explanation
        )
    else:
        assert grade.fraction < 1, grade.explanation


def test_examples_cover_every_typed_answer_item() -> None:
    covered = {question["key"] for _, question, _, _ in GRADED_EXAMPLES}

    assert covered >= {question["key"] for _, question in _of_types(*EXAMPLE_TYPES)}


# --- the bank's supplementary objectives ---------------------------------------------------


def test_supplementary_objectives_are_well_formed_and_used() -> None:
    slugs = [objective["slug"] for objective in SUPPLEMENTARY_OBJECTIVES]
    section_slugs = {slug for slug, _ in SECTIONS.values()}
    used = {o for _, question in QUESTIONS for o in question["objectives"] if isinstance(o, str)}

    assert len(set(slugs)) == len(slugs)
    for objective in SUPPLEMENTARY_OBJECTIVES:
        assert set(objective) == {"slug", "text", "taught_in"}
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", objective["slug"])
        assert nonempty_text(objective["text"])
        assert set(objective["taught_in"]) <= section_slugs
    assert used == set(slugs)


def test_command_housekeeping_is_not_filed_under_containers_vs_vms() -> None:
    """Every command item of the Essential Docker Commands section names the CLI objective."""
    cli = "use-the-docker-cli"
    section_seven = [question for number, question in QUESTIONS if number == 7]

    assert all(cli in question["objectives"] for question in section_seven)
    assert all(1 not in question["objectives"] for question in section_seven)
