"""dockerfile: the learner edits a Dockerfile (and optionally a .dockerignore); static rules from
`graders.dockerfile_rules` grade it. The fraction is the mean credit of the listed rules (1 for
a pass, 0 for a failure, `tag_credit` for a base image pinned by tag where a digest earns more).

`required_rules` are conditions the answer must keep, not the skills the item grades: where an
item asks for a runnable image, `start-command-declared` is required, so deleting the start
command cannot earn credit. A failing required rule makes the grade 0 whatever the other rules
say; passing ones add nothing to the mean (the starter already passes them).

Optional spec fields tell the rules about the build context the item imagines:
`secret_values` (the starter's literal secrets, which must appear in no instruction),
`secret_files` (context files holding secrets, e.g. `.env`, that must not reach the image) and
`tag_credit` (0..1) and `required_packages` (OS packages the answer must still install, for
`final-stage-installs-packages`). None of them is shown to the learner.
"""

from collections.abc import Mapping
from typing import Any, Final, NotRequired, TypedDict

from assessments.interchange.model import InterchangeQuestion
from assessments.question_types.base import QuestionType
from assessments.question_types.errors import ResponseError
from assessments.question_types.examples import ExamplesSpec
from assessments.question_types.form_fields import PostedForm
from assessments.question_types.grades import Grade, PartFeedback
from assessments.question_types.spec_checks import (
    OPTIONAL,
    duplicate_errors,
    number_errors,
    text_list,
)
from assessments.question_types.spec_validation import CommonSpec
from graders.dockerfile_parser import DockerfileSyntaxError
from graders.dockerfile_rules import RULE_IDS, run_all
from graders.dockerignore import DockerignorePatternError
from graders.dockerignore_rules import DOCKERIGNORE_RULE_IDS
from graders.rule_results import PACKAGES_INSTALLED, RuleOptions, RuleResult


class DockerfileSpec(CommonSpec):
    starter: str
    rules: list[str]
    dockerignore_starter: NotRequired[str]
    secret_values: NotRequired[list[str]]
    secret_files: NotRequired[list[str]]
    tag_credit: NotRequired[float]
    required_rules: NotRequired[list[str]]
    required_packages: NotRequired[list[str]]
    examples: NotRequired[ExamplesSpec]


class DockerfileResponse(TypedDict):
    """The normalised answer: `dockerignore` is there exactly when the spec has a starter."""

    dockerfile: str
    dockerignore: NotRequired[str]


DOCKERFILE_KEY: Final = "dockerfile"
DOCKERIGNORE_KEY: Final = "dockerignore"
DOCKERIGNORE_STARTER_FIELD: Final = "dockerignore_starter"
SECRET_VALUES_FIELD: Final = "secret_values"  # noqa: S105 - a field name, not a secret
SECRET_FILES_FIELD: Final = "secret_files"  # noqa: S105 - a field name, not a secret
TAG_CREDIT_FIELD: Final = "tag_credit"
REQUIRED_PACKAGES_FIELD: Final = "required_packages"
RULES_FIELD: Final = "rules"
REQUIRED_RULES_FIELD: Final = "required_rules"
# A Dockerfile for one question fits in a few kilobytes; this keeps parsing cheap.
MAX_FILE_CHARACTERS = 64 * 1024
# Shown when a listed .dockerignore rule produced no result (no .dockerignore was graded).
NO_DOCKERIGNORE_MESSAGE = "No .dockerignore was submitted, so this rule could not pass."


def _uses_dockerignore(spec: Mapping[str, Any]) -> bool:
    return DOCKERIGNORE_STARTER_FIELD in spec


def _starter_errors(spec: Mapping[str, Any], field: str, *, required: bool) -> list[str]:
    if field not in spec:
        return [f"{field}: is required"] if required else []
    if not isinstance(spec[field], str):
        return [f"{field}: must be a string (it may be empty)"]
    if len(spec[field]) > MAX_FILE_CHARACTERS:
        return [f"{field}: is longer than {MAX_FILE_CHARACTERS} characters"]
    return []


def _rule_errors(spec: Mapping[str, Any], field: str, *, minimum: int) -> list[str]:
    rules, errors = text_list(spec, field, minimum=minimum)
    known = set(RULE_IDS)
    for index, rule_id in enumerate(rules):
        if rule_id not in known:
            errors.append(f"{field}[{index}]: unknown rule id {rule_id!r}")
        elif rule_id in DOCKERIGNORE_RULE_IDS and not _uses_dockerignore(spec):
            errors.append(
                f"{field}[{index}]: {rule_id} checks a .dockerignore, "
                f"so the spec needs {DOCKERIGNORE_STARTER_FIELD}"
            )
    return errors + duplicate_errors(rules, where=field)


def _required_rule_errors(spec: Mapping[str, Any]) -> list[str]:
    if REQUIRED_RULES_FIELD not in spec:
        return []
    errors = _rule_errors(spec, REQUIRED_RULES_FIELD, minimum=1)
    graded = _listed(spec, RULES_FIELD)
    required = _listed(spec, REQUIRED_RULES_FIELD)
    return errors + [
        f"{REQUIRED_RULES_FIELD}: {rule_id} is also in {RULES_FIELD}; list it once"
        for rule_id in required
        if rule_id in graded
    ]


def _required_rules(spec: Mapping[str, Any]) -> list[str]:
    return _listed(spec, REQUIRED_RULES_FIELD)


def _option_errors(spec: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    for field in (SECRET_VALUES_FIELD, SECRET_FILES_FIELD, REQUIRED_PACKAGES_FIELD):
        if field in spec:
            _, field_errors = text_list(spec, field, minimum=1)
            errors.extend(field_errors)
    checks_packages = PACKAGES_INSTALLED in [*_listed(spec, RULES_FIELD), *_required_rules(spec)]
    if checks_packages != (REQUIRED_PACKAGES_FIELD in spec):
        errors.append(
            f"{REQUIRED_PACKAGES_FIELD}: list the packages exactly when {PACKAGES_INSTALLED} "
            "is one of the rules"
        )
    return errors + number_errors(spec, TAG_CREDIT_FIELD, required=OPTIONAL, minimum=0, maximum=1)


def _listed(spec: Mapping[str, Any], field: str) -> list[str]:
    value = spec.get(field)
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def rule_options(spec: DockerfileSpec) -> RuleOptions:
    """The build context the item declares, as the rules take it."""
    return RuleOptions(
        secret_values=tuple(spec.get(SECRET_VALUES_FIELD, ())),
        secret_files=tuple(spec.get(SECRET_FILES_FIELD, ())),
        tag_credit=float(spec.get(TAG_CREDIT_FIELD, 1.0)),
        required_packages=tuple(spec.get(REQUIRED_PACKAGES_FIELD, ())),
    )


def _file_text(raw: object, name: str) -> str:
    if not isinstance(raw, str):
        raise ResponseError(f"The {name} must be text.")
    if len(raw) > MAX_FILE_CHARACTERS:
        raise ResponseError(f"The {name} is longer than {MAX_FILE_CHARACTERS} characters.")
    return raw


class Dockerfile(QuestionType[DockerfileSpec, DockerfileResponse]):
    """The mean credit of the listed rules; 0 with the parser's message if it does not parse."""

    name = "dockerfile"
    spec_type = DockerfileSpec
    takes_examples = True

    def field_errors(self, spec: Mapping[str, Any]) -> list[str]:
        return (
            _starter_errors(spec, "starter", required=True)
            + _starter_errors(spec, DOCKERIGNORE_STARTER_FIELD, required=False)
            + _rule_errors(spec, RULES_FIELD, minimum=1)
            + _required_rule_errors(spec)
            + _option_errors(spec)
        )

    def view_fields(self, spec: DockerfileSpec, order: list[int]) -> dict[str, Any]:
        view = {"starter": spec["starter"]}
        if _uses_dockerignore(spec):
            view[DOCKERIGNORE_STARTER_FIELD] = spec[DOCKERIGNORE_STARTER_FIELD]
        return view

    def normalise_response(self, spec: DockerfileSpec, raw: object) -> DockerfileResponse:
        """{"dockerfile": text} plus "dockerignore" when the question has one; a bare string is
        the Dockerfile."""
        files = {DOCKERFILE_KEY: raw} if isinstance(raw, str) else raw
        if not isinstance(files, Mapping):
            raise ResponseError("The answer must be the Dockerfile's text.")
        allowed = (
            {DOCKERFILE_KEY, DOCKERIGNORE_KEY} if _uses_dockerignore(spec) else {DOCKERFILE_KEY}
        )
        unexpected = sorted(str(name) for name in files if name not in allowed)
        if unexpected:
            raise ResponseError(f"Unexpected file(s) in the answer: {', '.join(unexpected)}.")
        dockerfile = _file_text(files.get(DOCKERFILE_KEY), "Dockerfile")
        if not dockerfile.strip():
            raise ResponseError("The Dockerfile is empty.")
        normalised: DockerfileResponse = {DOCKERFILE_KEY: dockerfile}
        if _uses_dockerignore(spec):
            normalised[DOCKERIGNORE_KEY] = _file_text(
                files.get(DOCKERIGNORE_KEY, ""), ".dockerignore"
            )
        return normalised

    def grade_normalised(self, spec: DockerfileSpec, response: DockerfileResponse) -> Grade:
        rules: list[str] = list(spec[RULES_FIELD])
        required = _required_rules(spec)
        try:
            results = run_all(
                response[DOCKERFILE_KEY],
                response.get(DOCKERIGNORE_KEY),
                rule_ids=[*rules, *required],
                options=rule_options(spec),
            )
        except DockerfileSyntaxError as error:
            message = f"The Dockerfile does not parse (line {error.line}): {error.message}"
            return Grade.of(
                0, parts=[PartFeedback(DOCKERFILE_KEY, False, message)], explanation=message
            )
        except DockerignorePatternError as error:
            message = f"Docker refuses the .dockerignore: {error}"
            return Grade.of(
                0, parts=[PartFeedback(DOCKERIGNORE_KEY, False, message)], explanation=message
            )
        by_rule = {result.rule_id: result for result in results}
        parts = [_part(by_rule, rule_id) for rule_id in [*rules, *required]]
        missing = [part for part in parts[len(rules) :] if not part.correct]
        if missing:
            explanation = "A required check fails, so nothing else counts: " + " ".join(
                part.feedback for part in missing
            )
            return Grade.of(0, parts=parts, explanation=explanation)
        passed = sum(1 for part in parts[: len(rules)] if part.correct)
        credit = sum(by_rule[rule_id].credit for rule_id in rules if rule_id in by_rule)
        explanation = f"{passed} of {len(rules)} checks pass."
        return Grade.of(credit / len(rules), parts=parts, explanation=explanation)

    template = "assessments/question_types/dockerfile.html"

    def response_from_form(self, form: PostedForm, field_name: str) -> object:
        files = {DOCKERFILE_KEY: form.get(field_name, "")}
        if f"{field_name}__{DOCKERIGNORE_KEY}" in form:
            files[DOCKERIGNORE_KEY] = form.get(f"{field_name}__{DOCKERIGNORE_KEY}", "")
        return files

    def spec_from_interchange(self, question: InterchangeQuestion) -> dict[str, Any]:
        raise ValueError("Dockerfile questions travel only in Quayside's own format")

    def interchange_fields(self, spec: DockerfileSpec) -> dict[str, Any]:
        # Nothing Moodle can grade: the exporters report the type as one they cannot hold.
        return {}


def _part(by_rule: Mapping[str, RuleResult], rule_id: str) -> PartFeedback:
    if rule_id not in by_rule:
        return PartFeedback(rule_id, False, NO_DOCKERIGNORE_MESSAGE)
    return PartFeedback(rule_id, by_rule[rule_id].passed, by_rule[rule_id].message)
