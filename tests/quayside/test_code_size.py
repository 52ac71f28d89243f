"""No god modules, no long functions (STYLE.md "Names, size, comments"), checked rather than hoped.

Every Python module of the repository, tests included, stays within MAX_MODULE_LINES lines and
every function or method within MAX_FUNCTION_LINES lines. bench/ scripts are exempt (they are
one-off measurement programs, not the product), and so are generated migrations and the
checkout's virtualenv and var/ folder. A function is measured from its `def` line to its last
line; decorators are not counted.
"""

import ast
import os
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# STYLE.md: "modules under ~500 lines"; a services module that grows past it becomes a package.
MAX_MODULE_LINES = 500
# STYLE.md: "short functions"; 60 lines is about one screen, the most one reads at a glance.
MAX_FUNCTION_LINES = 60
# Folders of the checkout that hold no code of ours to size (or code exempt by choice: bench/).
EXEMPT_TOP_FOLDERS = {".venv", "var", "bench"}
EXEMPT_FOLDERS = {"migrations", "__pycache__", "node_modules"}


def python_modules(root: Path = ROOT) -> Iterator[Path]:
    """Every .py file under `root` outside the exempt folders and hidden (tool cache) folders."""
    for folder, subfolders, files in os.walk(root):
        at_top = Path(folder) == root
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and name not in EXEMPT_FOLDERS
            and not (at_top and name in EXEMPT_TOP_FOLDERS)
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder) / name


def oversized(source: str, name: str) -> list[str]:
    """`name: ...` for the module if it is too long and for each function or method that is."""
    found = []
    module_lines = len(source.splitlines())
    if module_lines > MAX_MODULE_LINES:
        found.append(f"{name}: module has {module_lines} lines > {MAX_MODULE_LINES}")
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                found.append(
                    f"{name}:{node.lineno}: {node.name} has {lines} lines > {MAX_FUNCTION_LINES}"
                )
    return found


def _function(name: str, body_lines: int, indent: str = "") -> str:
    body = "".join(f"{indent}    x = {i}\n" for i in range(body_lines))
    return f"{indent}@decorator\n{indent}def {name}():\n{body}"


def test_the_scan_finds_an_oversized_function_method_and_module() -> None:
    # given: functions at the limit and one past it, a method past it, decorators not counted
    source = (
        _function("at_the_limit", MAX_FUNCTION_LINES - 1)
        + _function("one_too_long", MAX_FUNCTION_LINES)
        + "class Page:\n"
        + _function("long_method", MAX_FUNCTION_LINES + 5, indent="    ")
    )
    padding = "\n" * (MAX_MODULE_LINES + 1 - len(source.splitlines()))

    # when
    short_module = oversized(source, "synthetic.py")
    long_module = oversized(source + padding, "synthetic.py")

    # then
    assert short_module == [
        f"synthetic.py:{MAX_FUNCTION_LINES + 3}: one_too_long has {MAX_FUNCTION_LINES + 1} lines"
        f" > {MAX_FUNCTION_LINES}",
        f"synthetic.py:{2 * MAX_FUNCTION_LINES + 6}: long_method has {MAX_FUNCTION_LINES + 6} lines"
        f" > {MAX_FUNCTION_LINES}",
    ]
    assert (
        long_module[0]
        == f"synthetic.py: module has {MAX_MODULE_LINES + 1} lines > {MAX_MODULE_LINES}"
    )
    assert long_module[1:] == short_module


def test_the_walk_covers_the_apps_and_tests_and_skips_the_exempt_folders() -> None:
    modules = {path.relative_to(ROOT).as_posix() for path in python_modules()}

    assert {"manage.py", "assessments/services/bank.py", "tests/quayside/test_code_size.py"} <= (
        modules
    )
    assert not any(
        path.startswith(("bench/", "var/", ".venv/")) or "/migrations/" in path for path in modules
    )


def test_no_module_or_function_is_oversized() -> None:
    found = [
        problem
        for path in python_modules()
        for problem in oversized(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        )
    ]

    assert found == [], "\n".join(found)
