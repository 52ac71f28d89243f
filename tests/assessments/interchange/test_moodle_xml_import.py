"""Moodle XML import: Moodle's fixture, every supported type, unsafe and broken files."""

import base64

import pytest

from assessments.interchange import (
    Answer,
    EmbeddedFile,
    FileArea,
    ImportNotice,
    ImportReport,
    InterchangeCategory,
    InterchangeQuestion,
    MatchingPair,
    NumericUnit,
    QuestionType,
    TextFormat,
    UnsupportedQuestion,
    parse_moodle_xml,
)

from .fixture_files import FixtureReader

H = TextFormat.HTML
P = TextFormat.PLAIN
PNG = b"\x89PNG\r\n\x1a\nfake"
PNG_B64 = base64.b64encode(PNG).decode()


def line_of(document: bytes, needle: bytes) -> int:
    return document[: document.index(needle)].count(b"\n") + 1


def by_name(report: ImportReport, name: str) -> InterchangeQuestion:
    [question] = [q for q in report.questions if q.name == name]
    return question


class TestNestedCategoriesFixture:
    @pytest.fixture
    def report(self, fixture_text: FixtureReader) -> ImportReport:
        return parse_moodle_xml(fixture_text.bytes("nested_categories_with_questions.xml"))

    def test_categories_become_paths_with_their_descriptions(self, report: ImportReport) -> None:
        assert report.categories == (
            InterchangeCategory(("Iota",), "This is Iota category for test", P),
            InterchangeCategory(
                ("Iota", "Kappa"), "This is Kappa category for test", TextFormat.MARKDOWN
            ),
            InterchangeCategory(
                ("Iota", "Kappa", "Lambda"), "This is Lambda category for test", TextFormat.MOODLE
            ),
            InterchangeCategory(("Iota", "Mu"), "This is Mu category for test", TextFormat.MOODLE),
        )

    def test_each_question_lands_in_the_category_before_it(self, report: ImportReport) -> None:
        assert [(q.name, q.category) for q in report.questions] == [
            ("Iota Question", ("Iota",)),
            ("Kappa Question", ("Iota", "Kappa")),
            ("Lambda Question", ("Iota", "Kappa", "Lambda")),
            ("Mu Question", ("Iota", "Mu")),
        ]

    def test_true_false_keeps_cdata_html_grade_and_penalty(self, report: ImportReport) -> None:
        question = by_name(report, "Kappa Question")
        assert question.type is QuestionType.TRUE_FALSE
        assert question.text == "<p>Testing Kappa Question</p>"
        assert question.text_format is H
        assert (question.points, question.penalty) == (1.0, 1.0)
        assert question.answers == (Answer("true", 1.0, "", P, H), Answer("false", 0.0, "", P, H))

    def test_the_essay_is_reported_with_line_and_name(self, report: ImportReport) -> None:
        assert report.unsupported == (UnsupportedQuestion("essay", 55, "Kappa Essay Question"),)
        assert report.errors == ()


ALL_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/Docker/Storage</text></category>
  </question>
  <question type="multichoice">
    <name><text>Volumes</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Which <code>-v</code> form is a bind mount?
<img src="@@PLUGINFILE@@/mount.png" alt="m"></p>]]></text>
      <file name="mount.png" path="/" encoding="base64">{PNG_B64}</file>
    </questiontext>
    <generalfeedback format="markdown"><text>See **docs**.</text></generalfeedback>
    <defaultgrade>2.5</defaultgrade>
    <penalty>0.1</penalty>
    <hidden>0</hidden>
    <idnumber>vol-1</idnumber>
    <single>false</single>
    <answer fraction="50" format="html">
      <text><![CDATA[<code>./data:/data</code>]]></text>
      <feedback format="html"><text>Yes</text></feedback>
    </answer>
    <answer fraction="50" format="plain_text">
      <text>$PWD/data:/data</text>
      <feedback format="html"><text>Also</text></feedback>
    </answer>
    <answer fraction="-100" format="html">
      <text>data:/data</text>
      <feedback format="html"><text>Named volume</text></feedback>
    </answer>
    <correctfeedback format="html"><text>Well done</text></correctfeedback>
    <hint format="html"><text>Think paths</text></hint>
    <tags><tag><text>docker</text></tag><tag><text>storage</text></tag></tags>
  </question>
  <question type="shortanswer">
    <name><text>Env var</text></name>
    <questiontext format="moodle_auto_format"><text>Variable for the port?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>PORT</text><feedback><text>Right</text></feedback></answer>
    <answer fraction="33.33333"><text>port</text><feedback><text>Case</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>Layers</text></name>
    <questiontext format="html"><text>How many MB?</text></questiontext>
    <answer fraction="100"><text>120</text><tolerance>5</tolerance>
      <feedback format="html"><text>Close enough</text></feedback></answer>
    <answer fraction="0"><text>*</text><feedback format="html"><text>No</text></feedback></answer>
    <units><unit><multiplier>1</multiplier><unit_name>MB</unit_name></unit>
      <unit><multiplier>0.001</multiplier><unit_name>kB</unit_name></unit></units>
  </question>
  <question type="matching">
    <name><text>Instructions</text></name>
    <questiontext format="html"><text>Match them</text></questiontext>
    <subquestion format="html"><text>Sets the base image</text>
      <answer><text>FROM</text></answer></subquestion>
    <subquestion format="plain_text"><text>Runs at build</text>
      <answer><text>RUN</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>EXPOSE</text></answer></subquestion>
  </question>
  <question type="ordering">
    <name><text>Build order</text></name>
    <questiontext format="html"><text>Order</text></questiontext>
    <answer fraction="2.0000000" format="html"><text>COPY</text><feedback/></answer>
    <answer fraction="1.0000000" format="html"><text>FROM</text><feedback/></answer>
    <answer fraction="3.0000000" format="html"><text>CMD</text><feedback/></answer>
  </question>
  <question type="description">
    <name><text>Intro</text></name>
    <questiontext format="html">
      <text><![CDATA[<h2>Part 2</h2><script>x()</script>]]></text>
    </questiontext>
    <defaultgrade>0</defaultgrade>
  </question>
  <question type="calculated">
    <name><text>Calc</text></name>
  </question>
  <question type="shortanswer">
    <name><text>Run</text></name>
    <questiontext format="html"><text>Start nginx</text></questiontext>
    <answer fraction="100"><text>docker run nginx</text></answer>
    <tags><tag><text>quayside-docker-command</text></tag></tags>
  </question>
</quiz>
""".encode()


class TestAllTypes:
    @pytest.fixture
    def report(self) -> ImportReport:
        return parse_moodle_xml(ALL_TYPES)

    def test_multiple_response_keeps_every_field(self, report: ImportReport) -> None:
        question = by_name(report, "Volumes")
        assert question.type is QuestionType.MULTIPLE_RESPONSE
        assert question.category == ("Docker", "Storage")
        assert question.text == (
            "<p>Which <code>-v</code> form is a bind mount?\n"
            '<img src="@@PLUGINFILE@@/mount.png" alt="m"></p>'
        )
        assert (question.points, question.penalty, question.id_number) == (2.5, 0.1, "vol-1")
        assert (question.general_feedback, question.general_feedback_format) == (
            "See **docs**.",
            TextFormat.MARKDOWN,
        )
        assert question.answers == (
            Answer("<code>./data:/data</code>", 0.5, "Yes", H, H),
            Answer("$PWD/data:/data", 0.5, "Also", P, H),
            Answer("data:/data", -1.0, "Named volume", H, H),
        )
        assert question.tags == ("docker", "storage")
        assert question.files == (
            EmbeddedFile("mount.png", PNG, FileArea.QUESTION_TEXT, "/", None),
        )

    def test_dropped_combined_feedback_and_hints_are_noticed(self, report: ImportReport) -> None:
        assert report.notices == (
            ImportNotice(
                line_of(ALL_TYPES, b'<question type="multichoice">'),
                "Volumes",
                "dropped Moodle-only content: correctfeedback, hint",
            ),
        )

    def test_short_answer_keeps_case_and_partial_credit(self, report: ImportReport) -> None:
        question = by_name(report, "Env var")
        assert question.case_sensitive is True
        assert question.text_format is TextFormat.MOODLE
        assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
            ("PORT", 1.0, "Right"),
            ("port", 0.3333333, "Case"),
        ]

    def test_numerical_keeps_tolerance_catch_all_and_units(self, report: ImportReport) -> None:
        question = by_name(report, "Layers")
        assert question.answers == (
            Answer("120", 1.0, "Close enough", P, H, 5.0),
            Answer("*", 0.0, "No", P, H, 0.0),
        )
        assert question.units == (NumericUnit("MB", 1.0), NumericUnit("kB", 0.001))

    def test_matching_keeps_pairs_and_distractors(self, report: ImportReport) -> None:
        assert by_name(report, "Instructions").pairs == (
            MatchingPair("Sets the base image", "FROM", H),
            MatchingPair("Runs at build", "RUN", P),
            MatchingPair("", "EXPOSE", H),
        )

    def test_ordering_items_come_back_in_their_correct_order(self, report: ImportReport) -> None:
        question = by_name(report, "Build order")
        assert question.type is QuestionType.ORDERING
        assert [a.text for a in question.answers] == ["FROM", "COPY", "CMD"]

    def test_description_is_sanitised(self, report: ImportReport) -> None:
        question = by_name(report, "Intro")
        assert (question.type, question.text, question.points) == (
            QuestionType.DESCRIPTION,
            "<h2>Part 2</h2>",
            0.0,
        )

    def test_unsupported_types_are_reported_by_name_and_line(self, report: ImportReport) -> None:
        line = line_of(ALL_TYPES, b'<question type="calculated">')
        assert report.unsupported == (UnsupportedQuestion("calculated", line, "Calc"),)

    def test_marked_short_answer_is_a_docker_command(self, report: ImportReport) -> None:
        question = by_name(report, "Run")
        assert question.type is QuestionType.DOCKER_COMMAND
        assert question.tags == ()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="description">
<questiontext><text>&lol3;</text></questiontext></question></quiz>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="description"><questiontext><text>&xxe;</text></questiontext></question></quiz>
"""


class TestUnsafeAndBrokenFiles:
    @pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
    def test_entity_declarations_are_refused_with_a_clear_error(self, document: bytes) -> None:
        report = parse_moodle_xml(document)
        assert report.questions == ()
        [error] = report.errors
        assert error.line == 2
        assert "entity expansion" in error.message
        assert "passwd" not in repr(report)

    def test_malformed_xml_reports_the_line(self) -> None:
        report = parse_moodle_xml(
            b'<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n</quiz>'
        )
        assert [e.line for e in report.errors] == [4]
        assert report.errors[0].message.startswith("malformed XML")
        assert report.questions == ()

    def test_an_invalid_question_voids_the_whole_import(self) -> None:
        document = b"""<quiz>
<question type="truefalse"><name><text>ok</text></name>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question>
<question type="numerical"><name><text>bad</text></name>
<defaultgrade>lots</defaultgrade>
</question>
<question type="multichoice"><name><text>bad file</text></name>
<questiontext><text>x</text><file name="a.png" encoding="base64">!!!</file></questiontext>
</question>
</quiz>"""
        report = parse_moodle_xml(document)
        assert [e.line for e in report.errors] == [6, 9]
        assert report.questions == ()

    def test_a_wrong_root_element_is_an_error(self) -> None:
        report = parse_moodle_xml(b"<html><body/></html>")
        assert [e.line for e in report.errors] == [1]

    def test_a_true_false_without_both_answers_is_an_error(self) -> None:
        report = parse_moodle_xml(
            b'<quiz>\n<question type="truefalse">'
            b"<answer><text>yes</text></answer></question></quiz>"
        )
        assert [e.line for e in report.errors] == [2]
