"""Fixtures for the course package tests: small packages written by `new_course`'s writer."""

from pathlib import Path

import pytest

from coursepackages.skeleton import course_skeleton_write

SKELETON_SLUG = "pkg-test"


@pytest.fixture
def skeleton(tmp_path: Path) -> Path:
    """A fresh skeleton package (2 sections, 4 questions, 4 assessments, 1 task, 1 program)."""
    return course_skeleton_write(root=tmp_path / SKELETON_SLUG, slug=SKELETON_SLUG).root


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
