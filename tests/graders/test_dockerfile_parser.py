import pytest

from graders.dockerfile_parser import (
    DockerfileSyntaxError,
    ImageReference,
    InstructionFlag,
    parse_dockerfile,
)
from tests.graders import course_dockerfiles as course


def test_it_joins_continuation_lines_and_keeps_the_line_span() -> None:
    dockerfile = parse_dockerfile(
        "FROM alpine:3.19\nRUN apk add --no-cache \\\n    curl \\\n  git\n"
    )

    run = dockerfile.final_stage.instructions[0]

    assert run.arguments.split() == ["apk", "add", "--no-cache", "curl", "git"]
    assert (run.line, run.end_line) == (2, 4)


def test_it_drops_comments_and_blank_lines_inside_a_continued_instruction() -> None:
    text = "FROM alpine:3.19\nRUN echo one && \\\n# explain\n\n    echo two\nUSER app\n"

    stage = parse_dockerfile(text).final_stage

    assert [item.keyword for item in stage.instructions] == ["RUN", "USER"]
    assert stage.instructions[0].arguments.split() == ["echo", "one", "&&", "echo", "two"]


def test_it_honours_the_escape_directive() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN dir `\n  C:\\\n"

    dockerfile = parse_dockerfile(text)

    assert dockerfile.escape == "`"
    assert dockerfile.final_stage.instructions[0].arguments.split() == ["dir", "C:\\"]


def test_it_treats_a_directive_after_other_lines_as_a_comment() -> None:
    dockerfile = parse_dockerfile("# a comment\n# escape=`\nFROM alpine:3.19\n")

    assert dockerfile.escape == "\\"
    assert dockerfile.directives == ()


def test_it_rejects_an_invalid_escape_character() -> None:
    with pytest.raises(DockerfileSyntaxError, match="escape") as raised:
        parse_dockerfile("# escape=x\nFROM alpine:3.19\n")

    assert raised.value.line == 1


def test_it_reads_keywords_case_insensitively() -> None:
    stage = parse_dockerfile('from alpine:3.19 as Base\nrun echo hi\nCmd ["sh"]\n').final_stage

    assert stage.name == "Base"
    assert [item.keyword for item in stage.instructions] == ["RUN", "CMD"]


def test_it_tells_exec_form_from_shell_form() -> None:
    text = 'FROM alpine:3.19\nCMD ["node", "server.js"]\nENTRYPOINT node server.js\n'

    cmd, entrypoint = parse_dockerfile(text).final_stage.instructions

    assert cmd.exec_form == ("node", "server.js")
    assert entrypoint.exec_form is None
    assert not entrypoint.is_exec_form


def test_it_reads_invalid_json_as_shell_form_like_docker() -> None:
    cmd = parse_dockerfile("FROM alpine:3.19\nCMD ['node', 'server.js']\n").final_stage
    assert cmd.instructions[0].exec_form is None


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("node", ImageReference("node", "node", None, None)),
        ("node:18-alpine", ImageReference("node:18-alpine", "node", "18-alpine", None)),
        (
            "localhost:5000/team/app:1.2",
            ImageReference("localhost:5000/team/app:1.2", "localhost:5000/team/app", "1.2", None),
        ),
        (
            "node:18@sha256:abc",
            ImageReference("node:18@sha256:abc", "node", "18", "sha256:abc"),
        ),
        ("node@sha256:abc", ImageReference("node@sha256:abc", "node", None, "sha256:abc")),
    ],
)
def test_it_splits_image_references_into_name_tag_and_digest(
    reference: str, expected: ImageReference
) -> None:
    assert parse_dockerfile(f"FROM {reference}\n").final_stage.image == expected


def test_it_resolves_global_args_in_from() -> None:
    text = "ARG NODE_VERSION=18\nARG VARIANT\nFROM node:${NODE_VERSION}-${VARIANT:-alpine}\n"

    dockerfile = parse_dockerfile(text)

    assert dockerfile.final_stage.image.tag == "18-alpine"
    assert [item.keyword for item in dockerfile.global_args] == ["ARG", "ARG"]


def test_it_marks_an_image_that_depends_on_an_arg_without_default_as_unresolved() -> None:
    image = parse_dockerfile("ARG TAG\nFROM node:$TAG\n").final_stage.image

    assert image.is_unresolved


def test_it_parses_stages_with_names_platforms_and_parents() -> None:
    text = (
        "FROM --platform=linux/amd64 node:18 AS deps\nRUN npm ci\n"
        "FROM deps AS test\nRUN npm test\nFROM scratch\n"
    )

    deps, test, final = parse_dockerfile(text).stages

    assert (deps.name, deps.platform, deps.parent_index) == ("deps", "linux/amd64", None)
    assert (test.name, test.parent_index, test.builds_on_stage) == ("test", 0, True)
    assert final.image.is_scratch
    assert final.name is None


def test_it_reads_flags_on_copy_and_add() -> None:
    text = "FROM alpine:3.19\nCOPY --from=builder --chown=app:app --link /app/dist ./dist\n"

    copy = parse_dockerfile(text).final_stage.instructions[0]

    assert copy.flags == (
        InstructionFlag("from", "builder"),
        InstructionFlag("chown", "app:app"),
        InstructionFlag("link", None),
    )
    assert copy.flag("from") == "builder"
    assert copy.words == ("/app/dist", "./dist")


def test_it_reads_env_and_arg_key_values_including_the_legacy_form() -> None:
    text = 'FROM alpine:3.19\nENV A=1 B="two words"\nENV LEGACY some value\nARG X Y=2\n'

    env, legacy, arg = parse_dockerfile(text).final_stage.instructions

    assert env.key_values == (("A", "1"), ("B", "two words"))
    assert legacy.key_values == (("LEGACY", "some value"),)
    assert arg.key_values == (("X", None), ("Y", "2"))


def test_it_accepts_windows_line_endings_and_a_byte_order_mark() -> None:
    dockerfile = parse_dockerfile("\ufeffFROM alpine:3.19\r\nRUN echo \\\r\n  hi\r\n")

    assert dockerfile.final_stage.instructions[0].arguments.split() == ["echo", "hi"]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("FROM alpine:3.19\nRUN apk add curl &&\n  apk add git\n", 3, "unknown instruction 'apk'"),
        ("FROM alpine:3.19\nFORM alpine\n", 2, "unknown instruction 'FORM'"),
        ("RUN echo hi\nFROM alpine:3.19\n", 1, "only ARG may"),
        ("# nothing here\nARG A=1\n", 2, "no FROM"),
        ("", 1, "no FROM"),
        ("FROM alpine:3.19 builder\n", 1, "[AS name]"),
        ("FROM alpine:3.19 AS\n", 1, "[AS name]"),
        ("FROM a:1 AS x\nFROM b:1 AS X\n", 2, "used twice"),
        ("FROM Node:18\n", 1, "lowercase"),
        ("FROM alpine:3.19\nCOPY --form=builder /a /b\n", 2, "unknown flag '--form'"),
        ("FROM alpine:3.19\nCOPY --from /a /b\n", 2, "needs a value"),
        ("FROM alpine:3.19\nRUN <<EOF\necho hi\n", 2, "unterminated heredoc"),
        ("FROM alpine:3.19\nCOPY <<EOF <<DEST\nx\nEOF\ny\nDEST\n", 2, "heredoc as a destination"),
        ("FROM alpine:3.19\nCOPY https://example.com/a.sh /a.sh\n", 2, "URL for COPY"),
        ("FROM alpine:3.19\nCMD --verbose\n", 2, "unknown flag '--verbose' for CMD"),
        ("FROM alpine:3.19\nCOPY --link=yes a b\n", 2, "takes no value"),
        ("FROM alpine:3.19\nCOPY --chown=a --chown=b a b\n", 2, "given twice"),
        ('FROM alpine:3.19\nCMD ["node", 1]\n', 2, "strings only"),
        ("FROM alpine:3.19\nSHELL /bin/bash -c\n", 2, "JSON array"),
        ("FROM alpine:3.19\nHEALTHCHECK NONE now\n", 2, "takes no arguments"),
        ("FROM alpine:3.19\nHEALTHCHECK CMD\n", 2, "Missing command"),
        ("FROM alpine:3.19\nHEALTHCHECK --interval=30 CMD true\n", 2, "not a duration"),
        ("FROM alpine:3.19\nHEALTHCHECK --retries=-1 CMD true\n", 2, "whole number"),
        ("FROM alpine:3.19\nONBUILD FROM alpine\n", 2, "isn't allowed as an ONBUILD"),
        ("FROM alpine:3.19\nENV ONLYKEY\n", 2, "two arguments"),
        ("# escape=\\\n# escape=`\nFROM alpine:3.19\n", 2, "only one escape"),
        ("FROM alpine:3.19\nCOPY app.py\n", 2, "source and a destination"),
        ("FROM alpine:3.19\nHEALTHCHECK curl localhost\n", 2, "HEALTHCHECK expects"),
        ("FROM alpine:3.19\nWORKDIR\n", 2, "needs at least one argument"),
        ('FROM alpine:3.19\nENV A="unclosed\n', 2, "unbalanced quotes"),
        ("FROM alpine:3.19\nENV A=1 B\n", 2, "KEY=value"),
        ("FROM alpine:3.19 AS 1st\n", 1, "invalid stage name"),
    ],
)
def test_it_rejects_unparseable_dockerfiles_with_the_line_and_a_clear_message(
    text: str, line: int, fragment: str
) -> None:
    with pytest.raises(DockerfileSyntaxError) as raised:
        parse_dockerfile(text)

    assert raised.value.line == line
    assert fragment in raised.value.message
    assert str(raised.value).startswith(f"line {line}: ")


@pytest.mark.parametrize(
    "text",
    [
        course.SECTION_3_BASIC_STRUCTURE,
        course.SECTION_4_MULTI_STAGE,
        course.SECTION_4_MULTIPLE_TARGETS,
        course.SECTION_6_ROOT_GOOD,
        course.SECTION_6_READ_ONLY,
    ],
)
def test_it_parses_every_course_example(text: str) -> None:
    dockerfile = parse_dockerfile(text)

    assert dockerfile.final_stage.instructions


def test_it_parses_the_course_multi_stage_example_into_two_named_stages() -> None:
    builder, production = parse_dockerfile(course.SECTION_4_MULTI_STAGE).stages

    assert (builder.name, production.name) == ("builder", "production")
    healthcheck = production.instructions_named("HEALTHCHECK")[0]
    assert healthcheck.flag("interval") == "30s"
    assert healthcheck.arguments == "CMD node dist/healthcheck.js"


# --- BuildKit's own reading of the text: line numbers, directives, continuations, heredocs ---
# Expected line spans were checked against BuildKit's Go parser (moby/buildkit, through the
# `dockerfile` wheel) on the same inputs.


def spans(text: str) -> list[tuple[str, int, int]]:
    dockerfile = parse_dockerfile(text)
    return [(item.keyword, item.line, item.end_line) for item in dockerfile.all_instructions()]


def test_a_heredoc_run_spans_its_body_and_exposes_the_script() -> None:
    text = (
        "FROM debian:12\nRUN <<EOT bash\n  apt-get update\n  apt-get install -y gcc\nEOT\nCMD x\n"
    )

    dockerfile = parse_dockerfile(text)
    run = dockerfile.final_stage.instructions[0]

    assert spans(text) == [("FROM", 1, 1), ("RUN", 2, 5), ("CMD", 6, 6)]
    assert run.arguments == "<<EOT bash"
    (heredoc,) = run.heredocs
    assert (heredoc.name, heredoc.line, heredoc.end_line) == ("EOT", 3, 5)
    assert heredoc.content == "  apt-get update\n  apt-get install -y gcc\n"
    assert heredoc.expand
    assert not heredoc.chomp


def test_a_dash_heredoc_strips_leading_tabs_and_a_quoted_one_does_not_expand() -> None:
    text = "FROM a:1\nRUN <<-EOT\n\techo $HOME\n\tEOT\nCOPY <<'EOF' /etc/motd\n$HOME\nEOF\n"

    run, copy = parse_dockerfile(text).final_stage.instructions

    assert run.heredocs[0].content == "echo $HOME\n"
    assert run.heredocs[0].chomp
    assert copy.heredocs[0].content == "$HOME\n"
    assert not copy.heredocs[0].expand
    assert copy.words == ("<<'EOF'", "/etc/motd")


def test_several_heredocs_are_read_in_order() -> None:
    text = "FROM a:1\nRUN <<A cat <<B\nfirst\nA\nsecond\nB\nUSER x\n"

    run = parse_dockerfile(text).final_stage.instructions[0]

    assert [(h.name, h.content) for h in run.heredocs] == [("A", "first\n"), ("B", "second\n")]
    assert spans(text)[-1] == ("USER", 7, 7)


@pytest.mark.parametrize(
    "text",
    [
        'FROM a:1\nRUN echo "<<EOF"\nUSER x\n',  # quoted: not a heredoc
        "FROM a:1\nRUN cat << EOF\nUSER x\n",  # a space after << : not a heredoc
        'FROM a:1\nRUN ["cat", "<<EOF"]\nUSER x\n',  # exec form never opens heredocs
        "FROM a:1\nRUN x<<EOF\nUSER x\n",  # glued to a word
    ],
)
def test_only_a_separate_unquoted_word_opens_a_heredoc(text: str) -> None:
    assert spans(text)[-1] == ("USER", 3, 3)
    assert parse_dockerfile(text).final_stage.instructions[0].heredocs == ()


def test_heredocs_after_flags_continuations_and_onbuild_are_read() -> None:
    text = (
        "FROM a:1\nRUN --mount=type=cache,target=/x \\\n  <<EOF cat\nfoo\nEOF\n"
        "ONBUILD RUN <<EOF\nbar\nEOF\nUSER y\n"
    )

    assert spans(text) == [("FROM", 1, 1), ("RUN", 2, 5), ("ONBUILD", 6, 8), ("USER", 9, 9)]


def test_directives_are_read_only_on_the_leading_lines() -> None:
    text = "# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM a:1\nRUN a `\n b\n"

    dockerfile = parse_dockerfile(text)

    assert dockerfile.directives == (
        ("syntax", "docker/dockerfile:1"),
        ("check", "skip=all"),
        ("escape", "`"),
    )
    assert dockerfile.final_stage.instructions[0].arguments == "a  b"
    assert spans(text)[-1] == ("RUN", 5, 6)


@pytest.mark.parametrize(
    "text",
    [
        "\n# escape=`\nFROM a:1\n",  # a blank line ends the directives
        "# a note\n# escape=`\nFROM a:1\n",  # so does a comment
        "# esc_ape=`\nFROM a:1\n",  # not a directive name: a comment
    ],
)
def test_a_directive_after_other_lines_is_a_comment(text: str) -> None:
    assert parse_dockerfile(text).escape == "\\"


def test_continuations_follow_buildkit() -> None:
    # spaces after the escape still continue; an escaped escape does not; leading whitespace of
    # a continuation line is kept; comment and blank lines inside are skipped
    text = (
        "FROM a:1\nRUN echo one \\   \n   two\nRUN echo three \\\\\nUSER x\n"
        "RUN a \\\n  # note\n\n  b\n"
    )

    first, second, user, third = parse_dockerfile(text).final_stage.instructions

    assert first.arguments == "echo one    two"
    assert (second.arguments, user.keyword) == ("echo three \\\\", "USER")
    assert third.arguments == "a   b"
    assert (third.line, third.end_line) == (6, 9)


def test_a_trailing_continuation_at_the_end_of_the_file_is_accepted() -> None:
    assert spans("FROM a:1\nRUN x \\\n") == [("FROM", 1, 1), ("RUN", 2, 2)]


def test_json_arrays_are_read_like_gos_decoder() -> None:
    text = 'FROM a:1\nCMD ["node", "server.js"] trailing words\nENTRYPOINT ["a" "b"]\n'

    cmd, entrypoint = parse_dockerfile(text).final_stage.instructions

    assert cmd.exec_form == ("node", "server.js")
    assert entrypoint.exec_form is None  # not JSON: shell form


def test_flags_keep_quoted_values_and_repeat_where_docker_allows() -> None:
    text = (
        'FROM a:1\nCOPY --chown="app user" a b\n'
        "RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npm npm ci\n"
    )

    copy, run = parse_dockerfile(text).final_stage.instructions

    assert copy.flag("chown") == "app user"
    assert run.flag_values("mount") == ("type=cache,target=/root/.npm", "type=secret,id=npm")


def test_label_accepts_the_legacy_key_value_form() -> None:
    label = parse_dockerfile('FROM a:1\nLABEL maintainer "Ana <a@example.com>"\n').final_stage

    assert label.instructions[0].key_values == (("maintainer", "Ana <a@example.com>"),)


def test_stage_names_are_case_insensitive_in_from() -> None:
    dockerfile = parse_dockerfile("FROM node:20.11.1 AS Build\nFROM BUILD AS test\n")

    assert dockerfile.stages[1].parent_index == 0
    assert dockerfile.stages[1].image.name == "BUILD"


def test_from_resolves_chained_global_args_and_defaults() -> None:
    text = "ARG PY=3.12\nARG VARIANT=slim\nARG IMAGE=python:${PY}-${VARIANT}\nFROM ${IMAGE}\n"

    image = parse_dockerfile(text).final_stage.image

    assert (image.name, image.tag, image.is_unresolved) == ("python", "3.12-slim", False)


def test_a_stage_arg_does_not_reach_from() -> None:
    # Only ARGs declared before the first FROM are visible to FROM.
    text = "FROM alpine:3.19 AS a\nARG TAG=1.0\nFROM node:${TAG}\n"

    image = parse_dockerfile(text).final_stage.image

    assert image.is_unresolved
    assert image.unset_args == ("TAG",)


def test_an_exec_form_nested_past_the_recursion_limit_is_a_clear_error_not_a_crash() -> None:
    nested = "[" * 30_000 + "]" * 30_000

    with pytest.raises(DockerfileSyntaxError) as raised:
        parse_dockerfile(f"FROM alpine:3.19\nCMD {nested}\n")

    assert raised.value.line == 2
    assert "strings only" in raised.value.message
