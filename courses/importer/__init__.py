"""Parsing course Markdown into plain values; `courses.services.module_import` writes them."""

from courses.importer.data import ParsedBlock, ParsedModule, ParsedObjective, ParsedSection
from courses.importer.errors import CourseImportError
from courses.importer.parsing import module_parse

__all__ = [
    "CourseImportError",
    "ParsedBlock",
    "ParsedModule",
    "ParsedObjective",
    "ParsedSection",
    "module_parse",
]
