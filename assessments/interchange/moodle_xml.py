"""Moodle XML import (``parse_moodle_xml``) and export (``export_moodle_xml``).

Parsing goes through defusedxml with document type declarations refused, so entity
expansion (billion laughs) and external entities (XXE) fail with a clear error; imported
HTML is sanitised with nh3; embedded base64 files are kept on the question.
"""

from assessments.interchange.moodle_xml_export import (
    export_moodle_xml,
    find_moodle_xml_export_problems,
)
from assessments.interchange.moodle_xml_import import parse_moodle_xml

__all__ = ["export_moodle_xml", "find_moodle_xml_export_problems", "parse_moodle_xml"]
