"""The test suite keeps itself honest: no test can pass without checking something.

A test that returns early (`if item["type"] != "numeric": return`) passes for every case it does
not apply to; a skip or xfail written in a test hides a failure. Both are refused here, by reading
the test modules' source. Tests that need a real service say so with a marker, and
tests/service_guard.py alone decides to skip (on a laptop) or fail (in CI). A parametrised test
over a filtered list that comes out empty fails at collection (`empty_parameter_set_mark`).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
# The one module allowed to skip a test: the service guard (and its own test).
SKIPPING_ALLOWED = {TESTS / "service_guard.py", TESTS / "quayside" / "test_service_guard.py"}
# Names that hide a test's result instead of checking it.
HIDING_CALLS = {"skip", "skipif", "xfail", "importorskip"}


def _test_modules() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, without those of functions or classes defined in it."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        yield node
        pending.extend(ast.iter_child_nodes(node))


def _test_functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            yield node


def early_returns(source: str) -> list[str]:
    """`name:line` of every `return` inside a test function of `source`."""
    return [
        f"{function.name}:{node.lineno}"
        for function in _test_functions(ast.parse(source))
        for node in _own_nodes(function)
        if isinstance(node, ast.Return)
    ]


def hiding_calls(source: str) -> list[str]:
    """`name:line` of every `pytest.skip`, `mark.skipif`, `xfail`... written in `source`."""
    return [
        f"{node.attr}:{node.lineno}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in HIDING_CALLS
    ]


def test_the_scan_finds_an_early_return_and_a_skip() -> None:
    source = (
        "import pytest\n"
        "def test_numeric(item):\n"
        "    def helper():\n"
        "        return 1\n"
        "    if item['type'] != 'numeric':\n"
        "        return\n"
        "    assert helper()\n"
        "@pytest.mark.skipif(True, reason='')\n"
        "def test_other():\n"
        "    pytest.skip('later')\n"
    )

    assert early_returns(source) == ["test_numeric:6"]
    assert hiding_calls(source) == ["skipif:8", "skip:10"]


@pytest.mark.parametrize("path", _test_modules(), ids=lambda path: str(path.relative_to(TESTS)))
def test_no_test_returns_before_it_checks_anything(path: Path) -> None:
    assert early_returns(path.read_text(encoding="utf-8")) == []


def test_only_the_service_guard_skips_and_nothing_is_expected_to_fail() -> None:
    found = {
        str(path.relative_to(TESTS)): calls
        for path in sorted(TESTS.rglob("*.py"))
        if path not in SKIPPING_ALLOWED and path != Path(__file__).resolve()
        if (calls := hiding_calls(path.read_text(encoding="utf-8")))
    }

    assert found == {}
