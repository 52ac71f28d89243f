"""`build-output-runs`: the artefact the build stage made, after running the tests, is what runs.

A multi-stage build can look right from outside (small, no tools, no sources, answers /health)
and still ship no build at all. This check follows the artefact from the build to the process:

1. the final image holds the artefact (e.g. `/app/quotes_api.pyc`) and the manifest the task's
   build tool writes beside it (`BUILD.json`);
2. the manifest says the build compiled the task's own source (its SHA-256 is the one the
   grader computes from the starter file), after running at least `min_tests` tests, and the
   artefact in the image is byte for byte the one the build wrote (its SHA-256 is listed);
3. the running app, asked `GET <path>?nonce=N` with a nonce drawn for this job, answers the
   SHA-256 of N followed by the bytes of the code file it runs from, and that equals what the
   grader computes from the artefact read out of the image. A static server cannot know N; a
   process that runs anything but that artefact cannot produce it.

The manifest is the build tool's (`tools/bundle.py` in the multi-stage task): `tests_run`,
`sources` ({file: sha256}) and `artefacts` ({absolute path: sha256}). It sits in a learner-built
image, so every field is read defensively: anything malformed is a failed check, never a crash.

Params: `artefact` and `manifest` (absolute paths in the image), `source` (the starter file the
artefact is built from), `min_tests` (default 1), `port` (8000), `path` (/build) and
`ready_path` (/health, waited for before asking).
"""

import hashlib
import json
import posixpath
import secrets
from collections.abc import Mapping
from typing import Any

from graders.checks.base import Finding, Params
from graders.checks.context import GradingContext
from graders.checks.service import APP_NAME

DEFAULT_PORT = 8000
DEFAULT_PATH = "/build"
DEFAULT_READY_PATH = "/health"
DEFAULT_MIN_TESTS = 1
# The artefact is one compiled module and the manifest a few lines; anything bigger is not them.
MAX_ARTEFACT_BYTES = 4 * 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024
NONCE_BYTES = 16
# Manifest values quoted in messages come from the learner's image: keep them short.
MAX_SHOWN_CHARS = 40
_REQUIRED = ("artefact", "manifest", "source")


def validate_build_params(params: Params) -> None:
    missing = [key for key in _REQUIRED if not str(params.get(key) or "")]
    if missing:
        raise ValueError(f"build-output-runs needs params {', '.join(missing)}")
    for key in ("artefact", "manifest"):
        if not posixpath.isabs(str(params[key])):
            raise ValueError(f"build-output-runs: {key} must be an absolute path in the image")
    minimum = params.get("min_tests", DEFAULT_MIN_TESTS)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise ValueError("build-output-runs: min_tests must be a whole number, 0 or more")


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _manifest(raw: bytes | None) -> Mapping[str, Any] | None:
    try:
        manifest = json.loads(raw or b"")
    except ValueError:
        return None
    return manifest if isinstance(manifest, Mapping) else None


def _digest_listed(manifest: Mapping[str, Any], field: str, name: str) -> object:
    """manifest[field][name], or None if the manifest does not hold such a listing."""
    listing = manifest.get(field)
    return listing.get(name) if isinstance(listing, Mapping) else None


def _image_problem(
    context: GradingContext, params: Params, artefact: bytes | None
) -> tuple[str, dict[str, Any]]:
    """Why the image does not hold the tested build's artefact ("" if it does), and evidence."""
    artefact_path, manifest_path = str(params["artefact"]), str(params["manifest"])
    source = str(params["source"])
    if artefact is None:
        return (
            f"The final image has no `{artefact_path}`: the build stage's output never reached "
            "it. Copy the build's result into the final stage (`COPY --from=<build stage> ...`).",
            {},
        )
    manifest = _manifest(context.image_paths().read(manifest_path, max_bytes=MAX_MANIFEST_BYTES))
    if manifest is None:
        return (
            f"The final image has `{artefact_path}` but no readable `{manifest_path}`, the "
            "manifest the build tool writes beside it: ship the build's whole output.",
            {},
        )
    evidence = {
        "tests_run": manifest.get("tests_run"),
        "python": str(manifest.get("python"))[:MAX_SHOWN_CHARS],
        "artefact_sha256": _sha256(artefact),
    }
    expected_source = _sha256(context.task.provided_files.get(source, b""))
    if _digest_listed(manifest, "sources", source) != expected_source:
        return (
            f"`{manifest_path}` says the build did not compile the task's `{source}` (its "
            "SHA-256 differs): build from the starter files as they are.",
            evidence,
        )
    tests_run = manifest.get("tests_run")
    minimum = int(params.get("min_tests", DEFAULT_MIN_TESTS))
    if isinstance(tests_run, bool) or not isinstance(tests_run, int) or tests_run < minimum:
        return (
            f"`{manifest_path}` records {str(tests_run)[:MAX_SHOWN_CHARS]} tests run: the build "
            "stage did not run "
            "the tests. Run them in the build stage, before the artefact is made (the bundle "
            "tool does with `--tests tests`), so a failing test stops the build.",
            evidence,
        )
    if _digest_listed(manifest, "artefacts", artefact_path) != _sha256(artefact):
        return (
            f"`{artefact_path}` in the final image is not the file the build stage produced "
            f"(its SHA-256 is not the one `{manifest_path}` lists): copy it from the build "
            "stage unchanged.",
            evidence,
        )
    return "", evidence


def build_output_runs(context: GradingContext, params: Params) -> Finding:
    artefact_path = str(params["artefact"])
    artefact = context.image_paths().read(artefact_path, max_bytes=MAX_ARTEFACT_BYTES)
    problem, evidence = _image_problem(context, params, artefact)
    if problem:
        return Finding(passed=False, message=problem, evidence=evidence)
    assert artefact is not None
    port, path = int(params.get("port", DEFAULT_PORT)), str(params.get("path", DEFAULT_PATH))
    nonce = secrets.token_hex(NONCE_BYTES)
    url = f"http://{APP_NAME}:{port}{path}?nonce={nonce}"
    app = context.app()
    app.ready(port, str(params.get("ready_path", DEFAULT_READY_PATH)))
    probe = app.probe(port, f"{path}?nonce={nonce}", cached=False)
    try:
        answer = json.loads(probe.body) if probe.ok else None
    except ValueError:
        answer = None
    expected = _sha256(nonce.encode() + artefact)
    evidence |= {"url": url, "status_code": probe.status_code, "answer": probe.body[:300]}
    if not isinstance(answer, Mapping) or answer.get("proof") != expected:
        said = (
            f"answered HTTP {probe.status_code}: `{' '.join(probe.body.split())[:160]}`"
            if probe.status_code is not None
            else f"got no answer ({probe.detail or 'no response'})"
        )
        return Finding(
            passed=False,
            message=f"The image holds the tested build of `{artefact_path}`, but the process "
            f"that answers is not running it: GET {url} {said}, where the task's app answers "
            f"the SHA-256 of the nonce and of the code it runs (`proof`). Start the app from "
            f'the build\'s output, e.g. `CMD ["<bundled python>", "{artefact_path}"]`.',
            evidence=evidence,
        )
    return Finding(
        passed=True,
        message=f"The app runs the build stage's output: `{artefact_path}` (built with Python "
        f"{evidence['python']} after {evidence['tests_run']} passing tests) answered "
        "this job's nonce with the proof only that file can give.",
        evidence=evidence,
    )
