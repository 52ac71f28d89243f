"""Structured content blocks found in a section body: code, tables, diagrams, commands, pairs.

Each fenced block becomes one kind of block, tried in this order:
1. bad/good pairs: comment lines marked ❌/✅ (or starting "Bad"/"Avoid"/"Never" and
   "Good"/"Better"/"Best") split the fence into examples; each bad example is paired with every
   good one that follows it before the next bad one. Needs at least one of each.
2. commands (bash/sh/shell/console fences): a comment group followed by command lines gives one
   command block per command, explained by the comment (an inline "# ..." comment is appended).
3. diagram: no language and box drawing or ASCII art (see courses.diagrams).
4. code: everything else, with its language.
Tables become table blocks with plain-text cells.

Keys are "<kind>-<first 12 hex of the SHA-256 of the content>", heading excluded, so a block keeps
its key when it moves or its heading is renamed; repeated identical content gets "-2", "-3".
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from courses.content_shape import BlockKind
from courses.diagrams import text_is_diagram
from courses.importer.data import ParsedBlock
from courses.importer.tokens import inline_plain_text

KEY_HASH_LENGTH = 12
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session"})
_MARKED_COMMENT = re.compile(r"^\s*#\s?(?P<text>.*)$")
_BAD_SYMBOLS = ("❌", "✗", "✘", "⛔")
_GOOD_SYMBOLS = ("✅", "✔", "✓")
_BAD_WORDS = re.compile(r"^(bad|avoid|wrong|incorrect|never|don'?t)\b", re.IGNORECASE)
_GOOD_WORDS = re.compile(r"^(good|better|best|correct|recommended)\b", re.IGNORECASE)
# A command starts with a program name (optionally after VAR=value assignments or a prompt).
_COMMAND_START = re.compile(r"^(\$\s+)?([A-Z_][A-Z0-9_]*=\S*\s+)*[A-Za-z_][\w.+-]*(\s|$)")
_LIST_NUMBER = re.compile(r"^\d+[.)]\s+")
_INLINE_COMMENT = re.compile(r"\s+#\s+(?P<comment>.*)$")


@dataclass(frozen=True)
class _Example:
    verdict: str  # "bad" or "good"
    comment: str
    code: str


@dataclass
class _BlockCollector:
    heading: str = ""
    blocks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(self, kind: BlockKind, payload: dict[str, Any]) -> None:
        self.blocks.append((kind.value, {**payload, "heading": self.heading}))


def _verdict(comment: str) -> tuple[str, str] | None:
    """("bad"|"good", comment without the marker) when a comment marks an example."""
    text = comment.strip()
    for symbols, verdict in ((_BAD_SYMBOLS, "bad"), (_GOOD_SYMBOLS, "good")):
        for symbol in symbols:
            if text.startswith(symbol):
                return verdict, text.removeprefix(symbol).strip()
    if _BAD_WORDS.match(text):
        return "bad", text
    if _GOOD_WORDS.match(text):
        return "good", text
    return None


def _examples(text: str) -> list[_Example]:
    examples: list[_Example] = []
    current: tuple[str, str] | None = None
    lines: list[str] = []

    def close() -> None:
        if current is not None:
            examples.append(_Example(current[0], current[1], "\n".join(lines).strip("\n")))

    for line in text.splitlines():
        match = _MARKED_COMMENT.match(line)
        verdict = _verdict(match.group("text")) if match else None
        if verdict is not None:
            close()
            current, lines = verdict, []
        else:
            lines.append(line)
    close()
    return examples


def bad_good_pairs(*, text: str) -> list[tuple[_Example, _Example]]:
    examples = _examples(text)
    pairs: list[tuple[_Example, _Example]] = []
    bad: _Example | None = None
    for example in examples:
        if example.verdict == "bad":
            bad = example
        elif bad is not None:
            pairs.append((bad, example))
    return pairs


def _split_inline_comment(line: str) -> tuple[str, str]:
    match = _INLINE_COMMENT.search(line)
    if (
        match is None
        or line[: match.start()].count('"') % 2
        or line[: match.start()].count("'") % 2
    ):
        return line, ""
    return line[: match.start()], match.group("comment").strip()


def shell_commands(*, text: str) -> list[dict[str, str]]:
    """Commands with the comment that explains them; unexplained commands are left out.

    The explanation is the comment group right above the command; a command with none takes the
    comment lines directly below it ("docker run --network host app" / "# App binds to ...").
    """
    commands: list[dict[str, str]] = []
    comment_group: list[str] = []
    awaiting: dict[str, str] | None = None  # an unexplained command, open to a comment below
    previous_was_command = False
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        index += 1
        if not line.strip():
            comment_group, awaiting, previous_was_command = [], None, False
            continue
        comment = _MARKED_COMMENT.match(line)
        if comment is not None:
            if previous_was_command:
                comment_group, previous_was_command = [], False
            comment_group.append(comment.group("text").strip())
            if awaiting is not None:
                awaiting["explanation"] = " ".join(comment_group)
            continue
        command_lines = [line]
        while command_lines[-1].endswith("\\") and index < len(lines):
            command_lines.append(lines[index].rstrip())
            index += 1
        previous_was_command, awaiting = True, None
        last, inline = _split_inline_comment(command_lines[-1])
        command = "\n".join([*command_lines[:-1], last.rstrip()]).strip()
        if not _COMMAND_START.match(command):
            continue
        explanation = " ".join(comment_group).rstrip(":")
        if inline:
            explanation = f"{explanation} ({inline})" if explanation else inline
        entry = {"command": command, "explanation": explanation}
        commands.append(entry)
        if not explanation:
            awaiting = entry
    return [entry for entry in commands if entry["explanation"]]


def _fence_blocks(token: Token, collector: _BlockCollector) -> None:
    language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    text = token.content.rstrip("\n")
    pairs = bad_good_pairs(text=text)
    if pairs:
        for bad, good in pairs:
            collector.add(
                BlockKind.BAD_GOOD_PAIR,
                {
                    "language": language,
                    "topic": collector.heading,
                    "bad": {"code": bad.code, "comment": bad.comment},
                    "good": {"code": good.code, "comment": good.comment},
                },
            )
        return
    commands = shell_commands(text=text) if language in SHELL_LANGUAGES else []
    if commands:
        for command in commands:
            collector.add(BlockKind.COMMAND, command)
    elif not language and text_is_diagram(text=text):
        collector.add(BlockKind.DIAGRAM, {"text": text})
    else:
        collector.add(BlockKind.CODE, {"language": language, "text": text})


def _table_block(tokens: list[Token], start: int) -> tuple[dict[str, Any], int]:
    header: list[str] = []
    rows: list[list[str]] = []
    in_head = False
    index = start
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type == "inline":
            (header if in_head else rows[-1]).append(inline_plain_text(token))
        index += 1
    return {"header": header, "rows": rows}, index


def _content_key(kind: str, payload: dict[str, Any]) -> str:
    content = {name: value for name, value in payload.items() if name not in {"heading", "topic"}}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return f"{kind}-{hashlib.sha256(canonical.encode()).hexdigest()[:KEY_HASH_LENGTH]}"


def blocks_extract(*, tokens: list[Token]) -> tuple[ParsedBlock, ...]:
    """Content blocks of one section body, in reading order, each with its nearest heading."""
    collector = _BlockCollector()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            collector.heading = _LIST_NUMBER.sub("", inline_plain_text(tokens[index + 1]))
        elif token.type == "fence":
            _fence_blocks(token, collector)
        elif token.type == "table_open":
            payload, index = _table_block(tokens, index)
            collector.add(BlockKind.TABLE, payload)
        index += 1
    parsed: list[ParsedBlock] = []
    seen: dict[str, int] = {}
    for position, (kind, payload) in enumerate(collector.blocks, start=1):
        key = _content_key(kind, payload)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        parsed.append(ParsedBlock(kind=kind, key=key, position=position, payload=payload))
    return tuple(parsed)
