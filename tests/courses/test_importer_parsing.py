"""The parser on the real course file and on inputs it must refuse. No database."""

import json

import pytest

from courses.importer import CourseImportError, ParsedModule, module_parse

SECTION_TITLES = [
    "Understanding Containers vs Virtual Machines",
    "Docker Architecture",
    "Writing Production-Ready Dockerfiles",
    "Multi-Stage Builds for Optimization",
    "Docker Networking Basics",
    "Container Security Best Practices",
    "Essential Docker Commands",
]
MOJIBAKE_MARKERS = ("â", "ðŸ", "ğŸ", "Ã", "Â", "\ufffd")


@pytest.fixture(scope="module")
def parsed(module_source: bytes) -> ParsedModule:
    return module_parse(raw=module_source)


def _blocks(parsed: ParsedModule, position: int, kind: str) -> list[dict]:
    section = parsed.sections[position - 1]
    return [block.payload for block in section.blocks if block.kind == kind]


def test_the_course_file_has_its_module_heading_seven_sections_and_the_lists(
    parsed: ParsedModule,
) -> None:
    assert (parsed.number, parsed.title) == ("1.1", "Docker & Containerization Basics")
    assert [section.title for section in parsed.sections] == SECTION_TITLES
    assert [section.position for section in parsed.sections] == [1, 2, 3, 4, 5, 6, 7]
    assert len(parsed.objectives) == 5
    assert parsed.objectives[0].text == (
        "Understand the fundamental differences between containers and VMs"
    )
    assert len(parsed.takeaways) == 5
    assert parsed.takeaways[0].startswith("**Containers vs VMs**: Containers are lightweight")
    assert parsed.summary_markdown.startswith("## Next Steps")


def test_no_mojibake_survives_anywhere(parsed: ParsedModule) -> None:
    everything = json.dumps(
        [
            parsed.title,
            parsed.summary_markdown,
            [objective.text for objective in parsed.objectives],
            list(parsed.takeaways),
            [(s.title, s.body_markdown, [b.payload for b in s.blocks]) for s in parsed.sections],
        ],
        ensure_ascii=False,
    )

    assert [marker for marker in MOJIBAKE_MARKERS if marker in everything] == []
    assert parsed.repair.dropped_fragments == 0


def test_bodies_keep_meaningful_symbols_and_headings_lose_decoration(
    parsed: ParsedModule,
) -> None:
    dockerfiles = parsed.sections[2].body_markdown

    assert "# ❌ Bad - Uses latest, unpredictable" in dockerfiles
    assert "# ✅ Good - Specific version" in dockerfiles
    assert "┐" in parsed.sections[0].body_markdown
    assert "📖" not in "".join(section.title for section in parsed.sections)


def test_the_key_differences_table_is_a_table_block(parsed: ParsedModule) -> None:
    [table] = _blocks(parsed, 1, "table")

    assert table["heading"] == "Key Differences"
    assert table["header"] == ["Feature", "Virtual Machines", "Containers"]
    assert table["rows"][0] == [
        "Isolation",
        "Hardware-level (hypervisor)",
        "Process-level (kernel features)",
    ]
    assert len(table["rows"]) == 7


def test_ascii_diagrams_become_diagram_blocks_not_code(parsed: ParsedModule) -> None:
    diagrams = [_blocks(parsed, position, "diagram") for position in range(1, 8)]

    assert [len(found) for found in diagrams] == [2, 1, 0, 0, 1, 0, 0]
    assert diagrams[1][0]["text"].startswith("┌────")
    assert all(block["language"] for block in _blocks(parsed, 3, "code")[:1])


def test_bad_and_good_examples_are_paired_in_sections_three_and_six(parsed: ParsedModule) -> None:
    section_three = _blocks(parsed, 3, "bad_good_pair")
    section_six = _blocks(parsed, 6, "bad_good_pair")

    assert len(section_three) == 3
    assert len(section_six) == 5
    assert section_three[0] == {
        "language": "dockerfile",
        "topic": "Use Specific Base Image Tags",
        "heading": "Use Specific Base Image Tags",
        "bad": {"code": "FROM node:latest", "comment": "Bad - Uses latest, unpredictable"},
        "good": {"code": "FROM node:18.17.1-alpine3.18", "comment": "Good - Specific version"},
    }
    assert section_six[0]["bad"]["comment"] == "Avoid - Large, many vulnerabilities"
    assert section_six[1]["good"]["code"] == "FROM gcr.io/distroless/nodejs18-debian11"


def test_shell_commands_are_stored_with_the_comment_that_explains_them(
    parsed: ParsedModule,
) -> None:
    commands = {block["command"]: block["explanation"] for block in _blocks(parsed, 7, "command")}

    assert commands["docker ps"] == "List running containers"
    assert commands["docker ps -a"] == "List all containers (including stopped)"
    assert commands["docker rm -f myapp"] == "Remove container (Force remove running container)"
    assert commands["docker system prune -a --volumes"] == (
        "Remove everything unused (Nuclear option)"
    )
    assert len(commands) == 45
    assert _blocks(parsed, 7, "code") == []


def test_block_keys_are_unique_and_derived_from_content(parsed: ParsedModule) -> None:
    for section in parsed.sections:
        keys = [block.key for block in section.blocks]
        assert len(keys) == len(set(keys))
        assert all(
            key.startswith(f"{block.kind}-")
            for key, block in zip(keys, section.blocks, strict=True)
        )


def test_objectives_map_to_the_sections_that_teach_them(parsed: ParsedModule) -> None:
    slugs = {section.slug: section.position for section in parsed.sections}

    taught = [[slugs[slug] for slug in objective.section_slugs] for objective in parsed.objectives]

    assert taught == [[1], [3], [4], [5], [6]]


def _module(body: str) -> bytes:
    return f"# Module 9.9: Tiny\n\n{body}".encode()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"  \n\n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"# Module 1.1: Caf\xe9\n\n## Section 1: Cr\xe8me\n", "not valid UTF-8"),
        ("# Module 1.1: X\n".encode("utf-16"), "UTF-16"),
        (b'{"title": "Module 1.1", "sections": []}', "JSON"),
        (b"<!DOCTYPE html><html><body><h1>Module</h1></body></html>", "HTML"),
        (b"<div>\n<p>Module</p>\n</div>\n", "HTML"),
        (b"Just a paragraph of prose.\n", "No module title"),
        (_module("Only an introduction, no sections.\n"), "No sections"),
        (_module("## Learning Objectives\n\n- Learn\n"), "No sections"),
    ],
)
def test_it_refuses_input_that_is_not_a_course_module(raw: bytes, message: str) -> None:
    with pytest.raises(CourseImportError, match=message):
        module_parse(raw=raw)


def test_without_numbered_sections_every_other_level_two_heading_is_a_section() -> None:
    parsed = module_parse(raw=_module("## Basics ✅\n\nText.\n\n## Going further\n\nMore.\n"))

    assert [section.title for section in parsed.sections] == ["Basics", "Going further"]
    assert parsed.number == "9.9"
