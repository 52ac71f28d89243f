"""The Git Basics package (content/git-basics/) as the tests load and answer it.

`git_basics_load` puts the package into the database through the engine's own loaders, the ones
the Docker course uses (course import, question bank, assessment catalogue, certification
program), each pointed at the package's files: no engine code knows this course.
`full_credit_response` builds the full-credit answer to a drawn question from its key, as a learner
who knows the material would send it.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assessments.question_types import instantiate, option_id
from assessments.services.bank import question_bank_load
from assessments.services.catalogue import assessments_load
from certificates.services.programs import certification_program_load
from courses.services import module_import_file

PACKAGE = Path(__file__).resolve().parents[2] / "content" / "git-basics"
COURSE = yaml.safe_load((PACKAGE / "course.yaml").read_text(encoding="utf-8"))
MODULE_FILE = PACKAGE / "modules" / "module-1-1-git-basics.md"
BANK = PACKAGE / "bank"
ASSESSMENTS = PACKAGE / "assessments.yaml"
CERTIFICATION = PACKAGE / "certification.yaml"
CATALOGUE = yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))
PROGRAM = yaml.safe_load(CERTIFICATION.read_text(encoding="utf-8"))
SECTION_SLUGS = tuple(CATALOGUE["section_quiz"]["blueprints"])
QUIZ_SLUGS = tuple(f"quiz-{slug}" for slug in SECTION_SLUGS)
EXAM_SLUG: str = CATALOGUE["final_exam"]["slug"]
PRACTICE_SLUG: str = CATALOGUE["practice"]["slug"]


@dataclass(frozen=True)
class PackageLoad:
    module_id: int
    changed: bool  # whether any loader wrote a row


def git_basics_load() -> PackageLoad:
    """Load the whole package; a second load of the same files reports no change."""
    imported = module_import_file(
        path=MODULE_FILE, course_slug=COURSE["slug"], course_title=COURSE["title"]
    )
    assert imported.module_id is not None
    bank = question_bank_load(module_id=imported.module_id, directory=BANK)
    catalogue = assessments_load(module_id=imported.module_id, path=ASSESSMENTS)
    program = certification_program_load(path=CERTIFICATION)
    changed = (
        imported.changed
        or bool(bank.created or bank.revised)
        or bool(catalogue.created or catalogue.updated)
        or program.changed
    )
    return PackageLoad(module_id=imported.module_id, changed=changed)


def full_credit_response(question_type: str, spec: dict[str, Any], seed: int) -> Any:
    """The response a learner who knows the answer sends for this type and variant."""
    variant, _ = instantiate(spec, seed)
    if question_type == "single_choice":
        (key,) = [option["text"] for option in variant["options"] if option["correct"]]
        return option_id(key)
    if question_type == "multiple_response":
        return [option_id(option["text"]) for option in variant["options"] if option["correct"]]
    if question_type == "true_false":
        return variant["answer"]
    if question_type == "short_text":
        return variant["examples"]["accept"][0]
    if question_type == "numeric":
        return next(
            answer["value"] for answer in variant["answers"] if answer.get("fraction", 1) == 1
        )
    if question_type == "ordering":
        return [option_id(item) for item in variant["items"]]
    if question_type == "matching":
        return {option_id(pair["left"]): option_id(pair["right"]) for pair in variant["pairs"]}
    raise AssertionError(f"the Git Basics course has no {question_type} questions")
