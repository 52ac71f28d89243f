"""Question interchange with Moodle: GIFT and Moodle XML, import and export.

Pure Python on plain frozen dataclasses (``model``); the question bank maps to and from them.
Importers never raise on bad input and never drop a question silently: everything they could
not take comes back in the ImportReport. Exporters raise ExportError instead of losing data.
"""

from assessments.interchange.gift import export_gift, find_gift_export_problems, parse_gift
from assessments.interchange.model import (
    Answer,
    EmbeddedFile,
    ExportError,
    ExportProblem,
    FileArea,
    ImportNotice,
    ImportReport,
    InterchangeCategory,
    InterchangeQuestion,
    MatchingPair,
    NumericUnit,
    ParseError,
    QuestionType,
    TextFormat,
    UnsupportedQuestion,
)
from assessments.interchange.moodle_xml import (
    export_moodle_xml,
    find_moodle_xml_export_problems,
    parse_moodle_xml,
)

__all__ = [
    "Answer",
    "EmbeddedFile",
    "ExportError",
    "ExportProblem",
    "FileArea",
    "ImportNotice",
    "ImportReport",
    "InterchangeCategory",
    "InterchangeQuestion",
    "MatchingPair",
    "NumericUnit",
    "ParseError",
    "QuestionType",
    "TextFormat",
    "UnsupportedQuestion",
    "export_gift",
    "export_moodle_xml",
    "find_gift_export_problems",
    "find_moodle_xml_export_problems",
    "parse_gift",
    "parse_moodle_xml",
]
