"""Problems in a package, each as `file:line: message`, and how to find the line.

The loaders of each part (bank, catalogue, tasks, programs) report problems by file name and
item key, as they did before packages existed. The sync turns each into a `PackageProblem` by
finding the line where the key is written (`yaml_scalar_lines`), so an author is pointed at the
line whatever part the problem came from.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class PackageProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class PackageInvalid(ValueError):
    """The package was refused; nothing was written. `problems` lists every problem found."""

    def __init__(self, problems: list[PackageProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems
        # The CourseSync row that records the refusal, once recorded.
        self.course_sync_id: int | None = None


def yaml_scalar_lines(text: str) -> dict[str, int]:
    """Every scalar (keys and values) of a YAML document, with the 1-based line it first
    appears on. A document that does not parse has none."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    pending: list[yaml.Node] = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.ScalarNode):
            line = current.start_mark.line + 1
            if lines.get(current.value, line + 1) > line:
                lines[current.value] = line
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                pending.extend((key, value))
    return lines


def yaml_syntax_problem(*, root: Path, path: Path) -> PackageProblem | None:
    """The YAML syntax error of a file, at its line; None when the file parses."""
    relative = path.relative_to(root).as_posix()
    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return PackageProblem(relative, 1, "not UTF-8 text")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        return PackageProblem(relative, line, f"not valid YAML: {error.problem or error}")
    except yaml.YAMLError as error:
        return PackageProblem(relative, 1, f"not valid YAML: {error}")
    return None


_SLOT_SUFFIX = re.compile(r" slot \d+$")


def problem_locate(*, root: Path, relative: str, message: str, keys: list[str]) -> PackageProblem:
    """A problem in `relative`, at the line of the first of `keys` written there (else line 1)."""
    path = root / relative
    try:
        lines = yaml_scalar_lines(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError):
        lines = {}
    for key in keys:
        if key in lines:
            return PackageProblem(relative, lines[key], message)
    return PackageProblem(relative, 1, message)


def catalogue_problem_keys(message: str) -> list[str]:
    """The names a catalogue problem starts with ("quiz-<section> slot 2: ..."), most precise
    first: the section's blueprint or the assessment's slug."""
    head = message.split(":", 1)[0]
    head = _SLOT_SUFFIX.sub("", head)
    return [head.removeprefix("quiz-"), head]
