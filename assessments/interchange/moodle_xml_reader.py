"""A small XML tree that remembers the line of every element, read through defusedxml.

defusedxml's SAX front end refuses document type declarations outright (so no entity
expansion and no external entities: billion laughs and XXE fail before anything expands),
and SAX's locator gives each element its line, which ElementTree would not.
"""

import xml.sax
from dataclasses import dataclass, field
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import Locator

import defusedxml.sax
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

# Moodle exports embed images as base64, so real files can be large; beyond this something
# is wrong and we refuse before building a tree.
MAX_XML_BYTES = 64 * 1024 * 1024
UNSAFE_XML_MESSAGE = (
    "the file declares a DTD or entities, which are refused: entity expansion and "
    "external entities are switched off"
)


class XmlReadError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class XmlNode:
    tag: str
    attributes: dict[str, str]
    line: int
    children: list["XmlNode"] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def child(self, tag: str) -> "XmlNode | None":
        return next((node for node in self.children if node.tag == tag), None)

    def children_named(self, tag: str) -> list["XmlNode"]:
        return [node for node in self.children if node.tag == tag]

    def child_value(self, tag: str, default: str = "") -> str:
        """Stripped text of ``<tag>value</tag>``."""
        node = self.child(tag)
        return default if node is None else node.text.strip()

    def text_value(self) -> str:
        """Stripped text of this element's ``<text>`` child (Moodle's text wrapper)."""
        return self.child_value("text")


class _TreeBuilder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self._locator: Locator | None = None
        self._stack: list[XmlNode] = []
        self.root: XmlNode | None = None

    @property
    def line(self) -> int:
        line = self._locator.getLineNumber() if self._locator is not None else None
        return line or 1

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 (SAX API name)
        self._locator = locator

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:  # noqa: N802
        node = XmlNode(name, dict(attrs.items()), self.line)
        if self._stack:
            self._stack[-1].children.append(node)
        else:
            self.root = node
        self._stack.append(node)

    def endElement(self, name: str) -> None:  # noqa: N802
        self._stack.pop()

    def characters(self, content: str) -> None:
        if self._stack:
            self._stack[-1].text_parts.append(content)


def read_xml(data: bytes) -> XmlNode:
    """Parse ``data`` into an XmlNode tree; raises XmlReadError with a line number."""
    if len(data) > MAX_XML_BYTES:
        raise XmlReadError(1, f"the file is larger than {MAX_XML_BYTES // (1024 * 1024)} MiB")
    builder = _TreeBuilder()
    try:
        defusedxml.sax.parseString(data, builder, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise XmlReadError(builder.line, UNSAFE_XML_MESSAGE) from None
    except xml.sax.SAXParseException as error:
        line = error.getLineNumber() or 1
        raise XmlReadError(line, f"malformed XML: {error.getMessage()}") from None
    if builder.root is None:
        raise XmlReadError(1, "the file holds no XML element")
    return builder.root
