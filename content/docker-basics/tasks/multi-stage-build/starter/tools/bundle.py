"""Bundle a stdlib-only Python app into a minimal root filesystem: the build step of this task.

    python3 tools/bundle.py --out /bundle --tests tests quotes_api

It runs the tests, records every standard-library module and extension the app imports while
they run, then writes into --out:

- /usr/bin/python3 (the interpreter) and the shared libraries it and the extensions link to
  (found with `ldd`), at the paths the dynamic loader looks in;
- only the imported standard-library modules, compiled (.pyc, no sources);
- the app's own modules compiled to /app/<module>.pyc;
- /app/BUILD.json, the build's manifest: when and with which Python it was built, how many
  tests passed, the SHA-256 of each source it compiled and of each module it wrote.

The result runs on any base image (even `scratch`): `python3 /app/quotes_api.pyc`. It is the
Python counterpart of copying a static Go binary out of a builder stage.
"""

import argparse
import datetime
import hashlib
import json
import os
import py_compile
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

# Runs in a fresh interpreter so the bundler's own imports (argparse, subprocess...) are not
# counted: imports the app, runs its tests, prints the number of tests run and the files of
# every loaded module.
RECORD_IMPORTS = """
import importlib, json, sys, unittest
modules = sys.argv[2:]
for name in modules:
    importlib.import_module(name)
tests_run = 0
if sys.argv[1]:
    suite = unittest.defaultTestLoader.discover(sys.argv[1])
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(suite)
    if not result.wasSuccessful():
        sys.exit(1)
    tests_run = result.testsRun
import encodings.idna, encodings.latin_1, encodings.ascii
print(json.dumps({"tests_run": tests_run, "files": sorted({
    m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)})}))
"""
MANIFEST = "BUILD.json"
_LDD_PATH = re.compile(r"(/\S+) \(0x[0-9a-f]+\)")


def recorded_files(tests: str, modules: list[str]) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", RECORD_IMPORTS, tests, *modules],
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(completed.stderr)
    if completed.returncode != 0:
        raise SystemExit("the tests failed; nothing was bundled")
    return json.loads(completed.stdout.strip().splitlines()[-1])  # the app may log before it


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(out: Path, app_dir: Path, modules: list[str], tests_run: int) -> None:
    """/app/BUILD.json: what this build compiled, from which sources, after how many tests."""
    manifest = {
        "tool": "tools/bundle.py",
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "tests_run": tests_run,
        "sources": {f"{m}.py": sha256_of(app_dir / f"{m}.py") for m in modules},
        "artefacts": {f"/app/{m}.pyc": sha256_of(out / "app" / f"{m}.pyc") for m in modules},
    }
    (out / "app" / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def shared_libraries(binary: Path) -> set[Path]:
    output = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False)
    return {Path(path) for path in _LDD_PATH.findall(output.stdout)}


def copy_into(out: Path, source: Path) -> Path:
    """Copy `source` (following links) to the same absolute path under `out`."""
    target = out / source.relative_to("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source.resolve(), target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tests", default="", help="test folder to run while recording")
    parser.add_argument("modules", nargs="+", help="the app's modules, e.g. quotes_api")
    arguments = parser.parse_args()
    out: Path = arguments.out
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    app_dir = Path.cwd().resolve()
    binaries = [Path(sys.executable).resolve()]
    recorded = recorded_files(arguments.tests, arguments.modules)
    for name in recorded["files"]:
        path = Path(name)
        if path.is_relative_to(stdlib):
            if path.suffix == ".py":
                target = out / path.relative_to("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                py_compile.compile(str(path), cfile=str(target.with_suffix(".pyc")), doraise=True)
            else:
                binaries.append(copy_into(out, path))
    (out / stdlib.relative_to("/") / "lib-dynload").mkdir(parents=True, exist_ok=True)
    for module in arguments.modules:
        source = app_dir / f"{module}.py"
        py_compile.compile(str(source), cfile=str(out / "app" / f"{module}.pyc"), doraise=True)
    write_manifest(out, app_dir, arguments.modules, recorded["tests_run"])
    interpreter = out / "usr/bin/python3"
    interpreter.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binaries[0], interpreter)
    libraries: set[Path] = set()
    for binary in binaries:
        libraries |= shared_libraries(binary)
    for library in sorted(libraries):
        copy_into(out, library)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    sys.stdout.write(f"bundled {len(list(out.rglob('*.pyc')))} modules, {size / 1e6:.1f} MB\n")
    os.chmod(out / "app", 0o755)  # noqa: S103 (the app folder must be readable by any user)


if __name__ == "__main__":
    main()
