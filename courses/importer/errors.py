class CourseImportError(Exception):
    """The source cannot be imported; the message says why in words an author can act on."""
