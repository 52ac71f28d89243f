"""Every environment variable the settings read is documented in the README's configuration table
(a variable an operator cannot find is one they cannot set)."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_MODULES = sorted((ROOT / "quayside").glob("settings*.py"))
README = ROOT / "README.md"
# The strict readers of quayside/environment.py; their first argument is the variable's name.
READER = re.compile(r"env_[a-z_]+")
VARIABLE = re.compile(r"[A-Z][A-Z0-9_]*")
TABLE_HEADER = "| variable | default | meaning |"
# Django starts in a few seconds; a machine busy with other test workers may take much longer.
SUBPROCESS_TIMEOUT_SECONDS = 300


def _called_name(call: ast.Call) -> str:
    function = call.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")


def _forwarders(tree: ast.Module) -> dict[str, int]:
    """Helpers of the settings module that hand one of their parameters to a reader, e.g.
    `_throttle_rate(name, default)`: {function name: position of that parameter}."""
    found: dict[str, int] = {}
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef):
            continue
        parameters = [argument.arg for argument in function.args.args]
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and READER.fullmatch(_called_name(node))
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in parameters
            ):
                found[function.name] = parameters.index(node.args[0].id)
    return found


def variables_read(source: str) -> set[str]:
    """The names of the environment variables a settings module reads through the readers,
    directly or through one of its own helpers."""
    tree = ast.parse(source)
    positions = _forwarders(tree)
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _called_name(node)
        position = 0 if READER.fullmatch(called) else positions.get(called)
        if position is None or len(node.args) <= position:
            continue
        argument = node.args[position]
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            names.add(argument.value)
    return names


def variables_documented(readme: str) -> set[str]:
    """The names in the first column of the README's configuration table."""
    table = readme[readme.index(TABLE_HEADER) :].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    return {
        name
        for row in rows
        for name in re.findall(r"`([^`]+)`", row.split("|")[1])
        if VARIABLE.fullmatch(name)
    }


def test_the_scan_sees_direct_reads_and_reads_through_a_helper() -> None:
    source = (
        "def _rate(name, default):\n"
        "    return env_str(name, default)\n"
        "A = env_int('LIMIT_A', 1, minimum=0)\n"
        "B = _rate('RATE_B', '1/min')\n"
        "C = Path(env_str('DIR_C', '/x')).resolve()\n"
    )

    assert variables_read(source) == {"LIMIT_A", "RATE_B", "DIR_C"}


def test_every_variable_the_settings_read_is_in_the_readme_table() -> None:
    read = set().union(*(variables_read(path.read_text()) for path in SETTINGS_MODULES))

    assert len(read) > 40  # the scan found the settings' reads, not nothing
    assert sorted(read - variables_documented(README.read_text())) == []


def test_the_readme_documents_no_variable_the_settings_do_not_read() -> None:
    read = set().union(*(variables_read(path.read_text()) for path in SETTINGS_MODULES))

    assert sorted(variables_documented(README.read_text()) - read) == []


def test_one_variable_places_the_graders_image_cache_for_django_and_for_graders(
    tmp_path: Path,
) -> None:
    # given the variable set for a process (graders/ reads it without Django)
    folder = tmp_path / "images"
    script = (
        "import django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from graders.sandbox.images import DEFAULT_CACHE_DIR\n"
        "print(settings.GRADER_IMAGE_CACHE_DIR)\n"
        "print(DEFAULT_CACHE_DIR.resolve())\n"
    )

    # when both are asked where it is
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=os.environ
        | {
            "GRADER_IMAGE_CACHE_DIR": str(folder),
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "quayside.settings",
        },
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_SECONDS,
        check=True,
    )

    # then both name the same folder
    assert done.stdout.splitlines()[-2:] == [str(folder), str(folder)]
