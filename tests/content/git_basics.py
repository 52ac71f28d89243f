"""The Git Basics package (content/git-basics/) as the tests sync and answer it.

`git_basics_sync` puts the package into the database through the one course sync
(`coursepackages`, what `manage.py sync_course content/git-basics` runs), exactly as it syncs the
Docker course: no engine code knows this course. `full_credit_response` builds the full-credit
answer to a drawn question from its key, as a learner who knows the material would send it.
"""

from pathlib import Path
from typing import Any

import yaml

from assessments.question_types import instantiate, option_id
from coursepackages.api import course_package_sync_folder
from coursepackages.services import SyncOutcome
from courses import api as courses_api

PACKAGE = Path(__file__).resolve().parents[2] / "content" / "git-basics"
COURSE = yaml.safe_load((PACKAGE / "course.yaml").read_text(encoding="utf-8"))
MODULE_FILE = PACKAGE / "modules" / "module-1-1-git-basics.md"
MODULE_SLUG: str = COURSE["module"]
BANK = PACKAGE / "bank"
ASSESSMENTS = PACKAGE / "assessments.yaml"
CERTIFICATION = PACKAGE / "certification.yaml"
CATALOGUE = yaml.safe_load(ASSESSMENTS.read_text(encoding="utf-8"))
PROGRAM = yaml.safe_load(CERTIFICATION.read_text(encoding="utf-8"))
SECTION_SLUGS = tuple(CATALOGUE["section_quiz"]["blueprints"])
QUIZ_SLUGS = tuple(f"quiz-{slug}" for slug in SECTION_SLUGS)
EXAM_SLUG: str = CATALOGUE["final_exam"]["slug"]
PRACTICE_SLUG: str = CATALOGUE["practice"]["slug"]


def git_basics_sync(*, dry_run: bool = False) -> SyncOutcome:
    """Sync the package folder; a second sync of the same files reports an empty diff."""
    return course_package_sync_folder(path=PACKAGE, dry_run=dry_run)


def git_basics_module_id() -> int:
    module_id = courses_api.module_id_for(course_slug=COURSE["slug"], module_slug=MODULE_SLUG)
    assert module_id is not None
    return module_id


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
