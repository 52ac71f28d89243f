"""GIFT import: Moodle's own fixtures, every syntax feature, and broken files."""

import pytest

from assessments.interchange import (
    Answer,
    ImportReport,
    InterchangeQuestion,
    MatchingPair,
    ParseError,
    QuestionType,
    TextFormat,
    UnsupportedQuestion,
    parse_gift,
)
from assessments.interchange.model import DEFAULT_PENALTY, TRUE_FALSE_PENALTY

from .fixture_files import FixtureReader

M = TextFormat.MOODLE

H = TextFormat.HTML
P = TextFormat.PLAIN


def by_name(report: ImportReport, name: str) -> InterchangeQuestion:
    [question] = [q for q in report.questions if q.name == name]
    return question


def only(text: str) -> InterchangeQuestion:
    report = parse_gift(text)
    assert report.errors == ()
    [question] = report.questions
    return question


class TestMoodleQuestionsFixture:
    @pytest.fixture
    def report(self, fixture_text: FixtureReader) -> ImportReport:
        return parse_gift(fixture_text.text("questions.gift.txt"))

    def test_it_imports_every_supported_question_in_file_order(self, report: ImportReport) -> None:
        assert report.errors == ()
        assert [(q.name, q.type) for q in report.questions] == [
            ("Moodle activities", QuestionType.MATCHING),
            ("Q2", QuestionType.SINGLE_CHOICE),
            ("colours", QuestionType.MULTIPLE_RESPONSE),
            ("Q5", QuestionType.NUMERIC),
            ("Shortanswer", QuestionType.SHORT_TEXT),
            ("Q1", QuestionType.TRUE_FALSE),
            ("2-08 TSL", QuestionType.TRUE_FALSE),
            ("2-08 TSL", QuestionType.TRUE_FALSE),
        ]

    def test_it_reports_the_essay_with_its_line_and_name(self, report: ImportReport) -> None:
        assert report.unsupported == (UnsupportedQuestion("essay", 2, "Q8"),)

    def test_matching_keeps_prompt_formats_and_distractor(self, report: ImportReport) -> None:
        question = by_name(report, "Moodle activities")
        assert question.text == "Match the <b>activity</b> to the description."
        assert question.text_format is H
        assert question.pairs == (
            MatchingPair("An activity supporting asynchronous discussions.", "Forum", H),
            MatchingPair(
                "A teacher asks a question and specifies a choice of multiple responses.",
                "Choice",
                M,
            ),
            MatchingPair("A bank of record entries which participants can add to.", "Database", P),
            MatchingPair(
                "A collection of web pages that anyone can add to or edit.",
                "Wiki",
                TextFormat.MARKDOWN,
            ),
            MatchingPair("", "Chat", H),
        )

    def test_single_choice_has_answer_and_feedback_formats(self, report: ImportReport) -> None:
        question = by_name(report, "Q2")
        assert question.text == "What's between orange and green in the spectrum?"
        assert question.text_format is M
        assert question.answers == (
            Answer("yellow", 1.0, "right; good!", M, M),
            Answer("red", 0.0, "wrong, it's yellow", M, H),
            Answer("blue", 0.0, "wrong, it's yellow", P, M),
        )
        assert question.penalty == DEFAULT_PENALTY
        assert question.points == 1.0

    def test_multiple_response_keeps_signed_weights(self, report: ImportReport) -> None:
        question = by_name(report, "colours")
        assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
            ("yellow", 0.5, "right; good!"),
            ("red", -1.0, "wrong"),
            ("off-beige", 0.5, "right; good!"),
            ("blue", -1.0, "wrong"),
        ]
        assert question.answers[1].feedback_format is H
        assert question.answers[3].text_format is P

    def test_numeric_has_tolerance_and_a_catch_all_wrong_answer(self, report: ImportReport) -> None:
        question = by_name(report, "Q5")
        assert question.answers == (
            Answer("3", 1.0, "", P, M, tolerance=2.0),
            Answer("*", 0.0, "Completely wrong", P, M, tolerance=0.0),
        )
        # The fixture is a PHP string: its closing '";' follows the braces, which makes
        # it a missing-word question exactly as in Moodle.
        assert question.text == 'What is a number from 1 to 5? _____";'

    def test_short_text_keeps_weights_wildcard_and_feedback(self, report: ImportReport) -> None:
        question = by_name(report, "Shortanswer")
        assert [(a.text, a.fraction, a.feedback) for a in question.answers] == [
            ("Frog", 1.0, "Good!"),
            ("Cat", 0.5, "What is it with Moodlers and cats?"),
            ("*", 0.0, "Completely wrong"),
        ]
        assert question.case_sensitive is False

    def test_true_false_assigns_both_feedbacks(self, report: ImportReport) -> None:
        question = by_name(report, "Q1")
        # {FALSE#wrong#right}: the first text is for a learner who picked "true".
        assert question.answers == (
            Answer("true", 0.0, "42 is the Ultimate Answer.", P, M),
            Answer("false", 1.0, "You gave the right answer.", P, M),
        )
        assert question.general_feedback == (
            "This is, of course, a Hitchiker's Guide to the Galaxy reference."
        )
        assert question.penalty == TRUE_FALSE_PENALTY

    def test_t_and_true_both_mean_true(self, report: ImportReport) -> None:
        short, long = [q for q in report.questions if q.name == "2-08 TSL"]
        assert short.answers == long.answers
        assert [(a.text, a.fraction) for a in short.answers] == [("true", 1.0), ("false", 0.0)]


class TestMoodleCategoryFixture:
    @pytest.fixture
    def report(self, fixture_text: FixtureReader) -> ImportReport:
        return parse_gift(fixture_text.text("questions_in_category.gift.txt"))

    def test_questions_land_in_the_declared_category(self, report: ImportReport) -> None:
        assert [c.path for c in report.categories] == [("Default for New Features",)]
        assert {q.category for q in report.questions} == {("Default for New Features",)}
        assert [q.type for q in report.questions] == [
            QuestionType.MATCHING,
            QuestionType.SINGLE_CHOICE,
            QuestionType.SHORT_TEXT,
            QuestionType.TRUE_FALSE,
        ]

    def test_escapes_are_restored_and_html_sanitised(self, report: ImportReport) -> None:
        greeting = by_name(report, "Greeting")
        assert greeting.text == (
            '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3" '
            'rel="noopener noreferrer">Listen to this greeting:</a><br><br>'
            "What language is being spoken?"
        )
        assert [(a.text, a.fraction, a.feedback) for a in greeting.answers] == [
            ("English", 0.0, "Sorry, listen again."),
            ("French", 1.0, "Yes, well done!"),
            ("German", 0.0, "Sorry, listen again."),
            ("Spanish", 0.0, "Sorry, listen again."),
        ]
        acronym = by_name(report, "Moodle acronym")
        assert acronym.text == (
            'Moodle is an acronym for <span style="font-style:italic">Modular '
            "Object-Oriented Dynamic Learning Environment</span>."
        )

    def test_an_empty_feedback_after_hash_is_empty(self, report: ImportReport) -> None:
        assert by_name(report, "Moodle user").answers == (Answer("Moodler", 1.0, "", P, H),)


class TestSyntax:
    def test_answers_in_the_middle_make_a_missing_word_question(self) -> None:
        question = only("Grant is {~buried =entombed ~living} in Grant's tomb.")
        assert question.text == "Grant is _____ in Grant's tomb."
        assert question.name == "Grant is _____ in Grant's tomb."
        assert [a.text for a in question.answers] == ["buried", "entombed", "living"]

    def test_text_without_braces_is_a_description(self) -> None:
        question = only("::Intro::[markdown]Read the **docs** first.")
        assert question.type is QuestionType.DESCRIPTION
        assert question.text == "Read the **docs** first."
        assert question.text_format is TextFormat.MARKDOWN
        assert question.points == 0.0

    def test_numeric_range_becomes_value_and_tolerance(self) -> None:
        question = only("Pick a number {#1..5}")
        assert [(a.text, a.tolerance, a.fraction) for a in question.answers] == [("3", 2.0, 1.0)]

    def test_numeric_alternatives_carry_partial_credit(self) -> None:
        question = only("When? {#=1822:0 # exactly =%50%1822:2 # close}")
        assert [(a.text, a.tolerance, a.fraction, a.feedback) for a in question.answers] == [
            ("1822", 0.0, 1.0, "exactly"),
            ("1822", 2.0, 0.5, "close"),
        ]

    def test_escapes_protect_control_characters(self) -> None:
        question = only(r"::a\:b::Is 1 \= 1 \{really\} \~ \# yes\\? {=yes \# sure}")
        assert question.name == "a:b"
        assert question.text == "Is 1 = 1 {really} ~ # yes\\?"
        assert question.answers[0].text == "yes # sure"

    def test_comments_are_ignored_and_metadata_comments_read(self) -> None:
        question = only(
            "// question: 1\n// [id:dk-01] [tag:docker] [tag:we\\]ird]\n"
            "::Ports::Which flag publishes a port?{=-p\n// a comment inside\n=--publish}"
        )
        assert question.id_number == "dk-01"
        assert question.tags == ("docker", "we]ird")
        assert [a.text for a in question.answers] == ["-p", "--publish"]

    def test_questions_are_separated_by_blank_lines(self) -> None:
        report = parse_gift("A? {T}\n\n\n// c\n\nB? {F}\n")
        assert [q.text for q in report.questions] == ["A?", "B?"]

    def test_a_category_line_applies_to_the_following_questions(self) -> None:
        report = parse_gift(
            "$CATEGORY: $course$/top/Docker/Images\n\nQ? {T}\n\n$CATEGORY: Net\n\nR? {F}"
        )
        assert [q.category for q in report.questions] == [("Docker", "Images"), ("Net",)]

    def test_ordering_uses_the_ordering_plugin_syntax(self) -> None:
        question = only("::Build::Order the steps.{>0 ALL\nFROM\nCOPY\nRUN\n}")
        assert question.type is QuestionType.ORDERING
        assert [a.text for a in question.answers] == ["FROM", "COPY", "RUN"]

    def test_imported_html_is_sanitised(self) -> None:
        question = only(
            '[html]<p onclick\\="x">Hi<script>alert(1)</script><img src\\="http\\://t.example/p.gif">'
            '<img src\\="@@PLUGINFILE@@/a.png"></p>{T}'
        )
        assert question.text == '<p>Hi<img><img src="@@PLUGINFILE@@/a.png"></p>'

    def test_docker_command_marker_tag_restores_the_type(self) -> None:
        question = only(
            "// [tag:quayside-docker-command] [tag:basics]\nRun nginx {=docker run nginx}"
        )
        assert question.type is QuestionType.DOCKER_COMMAND
        assert question.tags == ("basics",)


class TestBrokenFiles:
    def test_an_unclosed_brace_is_an_error_at_its_line_and_nothing_is_imported(self) -> None:
        report = parse_gift("Fine? {T}\n\n::Q2::\nBroken? {\n=yes\n~no\n")
        assert report.errors == (ParseError(4, report.errors[0].message),)
        assert "never closed" in report.errors[0].message
        assert report.questions == ()

    def test_a_closing_brace_without_opening_is_an_error(self) -> None:
        report = parse_gift("Q?\n=yes}")
        assert [e.line for e in report.errors] == [2]
        assert report.questions == ()

    def test_errors_from_several_questions_are_all_reported(self) -> None:
        report = parse_gift("A {#abc}\n\nB {=a -> }\n\nC {~only}\n\nD {=%300%x}")
        assert [e.line for e in report.errors] == [1, 3, 5, 7]
        assert "not a number" in report.errors[0].message
        assert "outside" in report.errors[3].message

    def test_a_second_answer_block_is_an_error(self) -> None:
        report = parse_gift("A {T} and {F}")
        assert len(report.errors) == 1
        assert report.errors[0].line == 1

    def test_an_unterminated_title_is_an_error(self) -> None:
        report = parse_gift("\n::Title\nText {T}")
        assert [e.line for e in report.errors] == [2]

    def test_an_unknown_answer_block_is_an_error(self) -> None:
        report = parse_gift("What? {banana}")
        assert report.errors[0].line == 1
        assert report.questions == ()

    def test_a_bad_points_comment_is_an_error(self) -> None:
        report = parse_gift("Fine {T}\n\n// [quayside-points:lots]\nQ {T}")
        assert [e.line for e in report.errors] == [3]

    def test_a_category_line_followed_by_a_question_without_a_blank_line_is_an_error(self) -> None:
        report = parse_gift("$CATEGORY: A\nQ? {T}")
        assert report.errors == (
            ParseError(2, "a $CATEGORY line must be followed by a blank line"),
        )
