"""Reads of the assessments app, one module per area (mirrors services/)."""
