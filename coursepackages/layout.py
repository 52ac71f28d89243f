"""Where a course package keeps each part, and where the demo course's package lives.

A package is one folder (or a zip or git repository of that folder); `docs/course-format.md`
describes every file. This module is the one home of those names: the sync, `new_course`, the
tests, the benchmarks and the scripts all derive their paths from it.
"""

from pathlib import Path

COURSE_FILE = "course.yaml"
MODULES_DIR = "modules"
BANK_DIR = "bank"
OBJECTIVES_FILE = "objectives.yaml"
ASSESSMENTS_FILE = "assessments.yaml"
TASKS_DIR = "tasks"
CERTIFICATION_FILE = "certification.yaml"

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = REPOSITORY_ROOT / "content"
# The Docker course that `scripts/start`, the tests and the benchmarks sync.
DEMO_PACKAGE_DIR = CONTENT_DIR / "docker-basics"
DEMO_COURSE_SLUG = "docker-basics"
DEMO_MODULE_FILE = DEMO_PACKAGE_DIR / MODULES_DIR / "module-1-1-docker-basics.md"
DEMO_BANK_DIR = DEMO_PACKAGE_DIR / BANK_DIR
DEMO_ASSESSMENTS_FILE = DEMO_PACKAGE_DIR / ASSESSMENTS_FILE
DEMO_TASKS_DIR = DEMO_PACKAGE_DIR / TASKS_DIR
DEMO_CERTIFICATION_FILE = DEMO_PACKAGE_DIR / CERTIFICATION_FILE
