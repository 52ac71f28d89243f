"""Export then import gives back every field, for every type each format supports."""

import pytest

from assessments.interchange import (
    Answer,
    EmbeddedFile,
    ExportError,
    FileArea,
    InterchangeCategory,
    InterchangeQuestion,
    MatchingPair,
    NumericUnit,
    QuestionType,
    TextFormat,
    export_gift,
    export_moodle_xml,
    find_gift_export_problems,
    parse_gift,
    parse_moodle_xml,
)
from assessments.interchange.model import DESCRIPTION_POINTS, TRUE_FALSE_PENALTY

from .fixture_files import FixtureReader

H, M, P, MD = TextFormat.HTML, TextFormat.MOODLE, TextFormat.PLAIN, TextFormat.MARKDOWN
DOCKER = ("Docker", "Basics")

GIFT_SAFE = (
    InterchangeQuestion(
        name="List containers",
        text="<p>Which command lists <em>running</em> containers?</p>",
        type=QuestionType.SINGLE_CHOICE,
        text_format=H,
        general_feedback="<p>See <code>docker ps --help</code>.</p>",
        general_feedback_format=H,
        category=DOCKER,
        answers=(
            Answer("<code>docker ps</code>", 1.0, "<b>Yes</b>", H, H),
            Answer("docker ls", 0.0, "Not a command", P, M),
            Answer("docker container list -a", 0.25, "", P, H),
        ),
        id_number="dk-ps",
        tags=("docker", "cli"),
    ),
    InterchangeQuestion(
        name="Image facts",
        text="Which statements about images are true?",
        type=QuestionType.MULTIPLE_RESPONSE,
        text_format=M,
        points=2.0,
        penalty=0.5,
        general_feedback_format=M,
        category=DOCKER,
        answers=(
            Answer("Images are layered", 0.3333333, "right", M, M),
            Answer("Images are mutable", -1.0, "wrong", M, M),
            Answer("Tags can move", 0.6666667, "", M, M),
        ),
    ),
    InterchangeQuestion(
        name="Restart policy",
        text="--rm and --restart=always can be combined.",
        type=QuestionType.TRUE_FALSE,
        text_format=P,
        penalty=TRUE_FALSE_PENALTY,
        general_feedback="Docker refuses the combination.",
        general_feedback_format=P,
        category=("Docker", "Run: flags/options"),
        answers=(
            Answer("true", 0.0, "No: Docker rejects it.", P, P),
            Answer("false", 1.0, "Right.", P, H),
        ),
    ),
    InterchangeQuestion(
        name="Escapes: {all} = ~ # \\ of them",
        text="Name the instruction in {braces} = ~ # : and\na newline.",
        type=QuestionType.SHORT_TEXT,
        text_format=M,
        general_feedback_format=M,
        answers=(
            Answer("ENTRYPOINT", 1.0, "Good: exact", P, M),
            Answer("CMD", 0.5, "Close = half", P, M),
            Answer("*", 0.0, "No", P, M),
        ),
    ),
    InterchangeQuestion(
        name="Image size",
        text="How many MB is alpine:3.20, roughly?",
        type=QuestionType.NUMERIC,
        text_format=M,
        general_feedback_format=M,
        answers=(
            Answer("7.5", 1.0, "Yes", P, M, tolerance=0.5),
            Answer("8", 0.5, "", P, M, tolerance=2.0),
            Answer("*", 0.0, "Far off", P, M, tolerance=0.0),
        ),
    ),
    InterchangeQuestion(
        name="Instructions",
        text="Match each instruction to what it does.",
        type=QuestionType.MATCHING,
        text_format=H,
        general_feedback_format=H,
        pairs=(
            MatchingPair("Sets the <b>base</b> image", "FROM", H),
            MatchingPair("Runs at build time", "RUN", P),
            MatchingPair("Documents a port", "EXPOSE", MD),
            MatchingPair("", "VOLUME", H),
        ),
    ),
    InterchangeQuestion(
        name="Build order",
        text="Put the Dockerfile lines in order.",
        type=QuestionType.ORDERING,
        text_format=H,
        general_feedback_format=H,
        answers=(
            Answer("FROM python:3.12", 1.0, "", H, H),
            Answer("COPY . /app", 1.0, "", P, H),
            Answer('CMD ["python", "app.py"]', 1.0, "", H, H),
        ),
    ),
    InterchangeQuestion(
        name="Run nginx",
        text="Start nginx detached, publishing port 8080 to 80.",
        type=QuestionType.DOCKER_COMMAND,
        text_format=M,
        general_feedback_format=M,
        answers=(
            Answer("docker run -d -p 8080:80 nginx", 1.0, "", P, M),
            Answer("docker run -p 8080:80 nginx", 0.5, "Not detached", P, M),
        ),
        tags=("practical",),
    ),
    InterchangeQuestion(
        name="Part 2",
        text="## Networking\n\nThe next questions are about networks.",
        type=QuestionType.DESCRIPTION,
        text_format=MD,
        points=DESCRIPTION_POINTS,
        general_feedback_format=MD,
        category=("Docker", "Networking"),
    ),
    InterchangeQuestion(
        name="Missing word",
        text="Use _____ to list images.",
        type=QuestionType.SINGLE_CHOICE,
        text_format=M,
        general_feedback_format=M,
        category=("Docker", "Networking"),
        answers=(Answer("docker images", 1.0, "", M, M), Answer("docker ps", 0.0, "", M, M)),
    ),
)

XML_ONLY = (
    InterchangeQuestion(
        name="Diagram",
        text='<p>What does this show? <img src="@@PLUGINFILE@@/net.png" alt="net"></p>',
        type=QuestionType.SINGLE_CHOICE,
        points=3.0,
        penalty=0.5,
        general_feedback='<p><img src="@@PLUGINFILE@@/answer.png"></p>',
        category=("Docker", "Networking"),
        answers=(
            Answer('<img src="@@PLUGINFILE@@/bridge.png">', 1.0, "Bridge", H, H),
            Answer("Host", 0.0, '<img src="@@PLUGINFILE@@/why.png">', P, H),
        ),
        files=(
            EmbeddedFile("net.png", b"\x89PNG net", FileArea.QUESTION_TEXT),
            EmbeddedFile("answer.png", b"\x89PNG answer", FileArea.GENERAL_FEEDBACK),
            EmbeddedFile("bridge.png", b"\x00\x01\x02", FileArea.ANSWER, "/", 0),
            EmbeddedFile("why.png", b"\xff", FileArea.ANSWER_FEEDBACK, "/img/", 1),
        ),
    ),
    InterchangeQuestion(
        name="Env var",
        text="Which variable sets the port?",
        type=QuestionType.SHORT_TEXT,
        points=2.0,
        penalty=0.0,
        case_sensitive=True,
        answers=(Answer("PORT", 1.0, "Yes"), Answer("port", 0.1, "Case matters")),
        id_number="env-1",
    ),
    InterchangeQuestion(
        name="Memory limit",
        text="Limit in MB for -m 512m?",
        type=QuestionType.NUMERIC,
        answers=(Answer("512", 1.0, "", tolerance=0.0),),
        units=(NumericUnit("MB"), NumericUnit("GB", 0.0009765625)),
    ),
    InterchangeQuestion(
        name="Match with file",
        text="Match",
        type=QuestionType.MATCHING,
        pairs=(MatchingPair('<img src="@@PLUGINFILE@@/a.png">', "A"), MatchingPair("B?", "B")),
        files=(EmbeddedFile("a.png", b"a", FileArea.SUBQUESTION, "/", 0),),
    ),
)

CATEGORIES = (
    InterchangeCategory(DOCKER, "Start here", H, "cat-basics"),
    InterchangeCategory(("Docker", "Networking"), "Bridges & hosts", P),
)


def names(questions: tuple[InterchangeQuestion, ...]) -> list[str]:
    return [q.name for q in questions]


@pytest.mark.parametrize("question", GIFT_SAFE, ids=names(GIFT_SAFE))
def test_gift_round_trip_keeps_every_field(question: InterchangeQuestion) -> None:
    report = parse_gift(export_gift([question]))
    assert report.errors == ()
    assert report.questions == (question,)


@pytest.mark.parametrize("question", GIFT_SAFE + XML_ONLY, ids=names(GIFT_SAFE + XML_ONLY))
def test_moodle_xml_round_trip_keeps_every_field(question: InterchangeQuestion) -> None:
    report = parse_moodle_xml(export_moodle_xml([question]))
    assert report.errors == ()
    assert report.questions == (question,)


def test_a_whole_bank_round_trips_through_gift_with_its_categories() -> None:
    report = parse_gift(export_gift(GIFT_SAFE))
    assert report.questions == GIFT_SAFE
    assert [c.path for c in report.categories] == [
        DOCKER,
        ("Docker", "Run: flags/options"),
        (),
        ("Docker", "Networking"),
    ]


def test_a_whole_bank_round_trips_through_moodle_xml_with_category_details() -> None:
    report = parse_moodle_xml(export_moodle_xml(GIFT_SAFE + XML_ONLY, CATEGORIES))
    assert report.questions == GIFT_SAFE + XML_ONLY
    assert report.categories[0] == CATEGORIES[0]
    assert CATEGORIES[1] in report.categories
    assert report.unsupported == ()


@pytest.mark.parametrize("fixture", ["questions.gift.txt", "questions_in_category.gift.txt"])
def test_moodle_gift_fixtures_survive_export_and_reimport(
    fixture_text: FixtureReader, fixture: str
) -> None:
    original = parse_gift(fixture_text.text(fixture))
    again = parse_gift(export_gift(original.questions))
    assert again.questions == original.questions


def test_moodle_xml_fixture_survives_export_and_reimport(fixture_text: FixtureReader) -> None:
    original = parse_moodle_xml(fixture_text.bytes("nested_categories_with_questions.xml"))
    again = parse_moodle_xml(export_moodle_xml(original.questions, original.categories))
    assert (again.questions, again.categories) == (original.questions, original.categories)


def test_docker_commands_travel_as_tagged_short_answers() -> None:
    docker_command = GIFT_SAFE[7]
    assert "// [tag:practical] [tag:quayside-docker-command]" in export_gift([docker_command])
    xml = export_moodle_xml([docker_command])
    assert b'<question type="shortanswer">' in xml
    assert b"<text>quayside-docker-command</text>" in xml


def test_gift_keeps_non_default_points_and_penalty_in_a_metadata_comment() -> None:
    exported = export_gift([GIFT_SAFE[1]])
    assert "// [quayside-points:2] [quayside-penalty:0.5]\n::Image facts::" in exported


def test_gift_export_writes_moodle_style_text() -> None:
    exported = export_gift([GIFT_SAFE[2]])
    assert exported == (
        "$CATEGORY: $course$/top/Docker/Run: flags//options\n\n"
        "::Restart policy::[plain]--rm and --restart\\=always can be combined.{FALSE"
        "#No\\: Docker rejects it.#[html]Right.\n\t####Docker refuses the combination.\n}\n"
    )


class TestExportRefusals:
    dockerfile = InterchangeQuestion(
        name="Slim image", text="Write a Dockerfile", type=QuestionType.DOCKERFILE
    )

    def test_dockerfile_questions_are_not_exportable_to_either_format(self) -> None:
        with pytest.raises(ExportError) as gift_error:
            export_gift([GIFT_SAFE[0], self.dockerfile])
        with pytest.raises(ExportError) as xml_error:
            export_moodle_xml([self.dockerfile])
        assert [p.name for p in gift_error.value.problems] == ["Slim image"]
        assert [p.type for p in xml_error.value.problems] == [QuestionType.DOCKERFILE]

    def test_gift_lists_every_field_it_cannot_carry(self) -> None:
        problems = find_gift_export_problems(XML_ONLY)
        assert [(p.name, p.message) for p in problems] == [
            ("Diagram", "GIFT cannot carry embedded files"),
            ("Env var", "GIFT cannot mark answers as case sensitive"),
            ("Memory limit", "GIFT cannot carry numeric units"),
            ("Match with file", "GIFT cannot carry embedded files"),
        ]
        with pytest.raises(ExportError):
            export_gift(XML_ONLY)

    def test_single_choice_without_a_full_credit_answer_is_refused_in_gift(self) -> None:
        question = InterchangeQuestion(
            name="Half",
            text="?",
            type=QuestionType.SINGLE_CHOICE,
            answers=(Answer("a", 0.5), Answer("b", 0.0)),
        )
        [problem] = find_gift_export_problems([question])
        assert "100%" in problem.message
