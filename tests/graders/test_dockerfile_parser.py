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
        ("FROM alpine:3.19\nRUN <<EOF\necho hi\nEOF\n", 2, "heredocs"),
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
