"""The printed certificate: one landscape A4 page drawn with ReportLab from plain values.

Knows nothing of models. The QR code is drawn as vector squares (not a bitmap), so it stays
sharp at any zoom or print size and scanners read it from a phone photo of the paper.
"""

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import segno
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
INK: Final = HexColor("#1b2a3a")
ACCENT: Final = HexColor("#1f5f8b")
GOLD: Final = HexColor("#b48a2c")
MUTED: Final = HexColor("#5b6b7b")
PAPER: Final = HexColor("#fdfcf8")
# Quiet zone of four modules, as ISO/IEC 18004 asks, or phone scanners miss the code.
QR_QUIET_ZONE_MODULES: Final = 4
QR_SIZE_POINTS: Final = 118
NAME_MAX_POINTS: Final = 40
NAME_MIN_POINTS: Final = 18
MARGIN: Final = 28

# Names are printed as the learner chose them, in any script; a Unicode TrueType font is used
# when the system has one, and the PDF core fonts (Latin-1 only) otherwise.
_FONT_CANDIDATES: Final = {
    "serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "Times-Roman"),
    "serif-bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", "Times-Bold"),
    "sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "Helvetica"),
    "sans-bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "Helvetica-Bold"),
}


@dataclass(frozen=True)
class CertificateFace:
    """What the page shows."""

    issuer_name: str
    recipient_name: str
    achievement_name: str
    achievement_description: str
    issued_on: str
    valid_until: str | None
    verification_code: str
    verification_url: str
    score_line: str


@cache
def _font(role: str) -> str:
    path, fallback = _FONT_CANDIDATES[role]
    if not Path(path).is_file():
        return fallback
    name = f"Quayside-{role}"
    pdfmetrics.registerFont(TTFont(name, path))
    return name


def render_certificate_pdf(face: CertificateFace) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True)
    canvas.setTitle(f"{face.achievement_name} - {face.recipient_name}")
    canvas.setAuthor(face.issuer_name)
    canvas.setSubject(f"Verification code {face.verification_code}")
    _draw_frame(canvas)
    _draw_heading(canvas, face)
    _draw_recipient(canvas, face)
    _draw_footer(canvas, face)
    _draw_qr(canvas, face.verification_url, x=PAGE_WIDTH - 80 - QR_SIZE_POINTS, y=78)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_frame(canvas: Canvas) -> None:
    canvas.setFillColor(PAPER)
    canvas.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(MARGIN, MARGIN, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - 2 * MARGIN)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    inner = MARGIN + 8
    canvas.rect(inner, inner, PAGE_WIDTH - 2 * inner, PAGE_HEIGHT - 2 * inner)
    canvas.setFillColor(ACCENT)
    canvas.rect(inner, PAGE_HEIGHT - inner - 10, PAGE_WIDTH - 2 * inner, 10, stroke=0, fill=1)


def _centred(canvas: Canvas, text: str, *, y: float, font: str, size: float, color: Color) -> None:
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, text)


def _draw_heading(canvas: Canvas, face: CertificateFace) -> None:
    _centred(
        canvas,
        " ".join(face.issuer_name.upper()),
        y=PAGE_HEIGHT - 100,
        font=_font("sans-bold"),
        size=12,
        color=ACCENT,
    )
    _centred(
        canvas,
        "Certificate of Achievement",
        y=PAGE_HEIGHT - 150,
        font=_font("serif-bold"),
        size=34,
        color=INK,
    )
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.line(PAGE_WIDTH / 2 - 90, PAGE_HEIGHT - 166, PAGE_WIDTH / 2 + 90, PAGE_HEIGHT - 166)


def _fitted_size(text: str, font: str, *, width: float, largest: float, smallest: float) -> float:
    size = largest
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _draw_recipient(canvas: Canvas, face: CertificateFace) -> None:
    sans = _font("sans")
    _centred(canvas, "This certifies that", y=PAGE_HEIGHT - 205, font=sans, size=13, color=MUTED)
    name_font = _font("serif-bold")
    usable = PAGE_WIDTH - 2 * (MARGIN + 60)
    size = _fitted_size(
        face.recipient_name,
        name_font,
        width=usable,
        largest=NAME_MAX_POINTS,
        smallest=NAME_MIN_POINTS,
    )
    _centred(canvas, face.recipient_name, y=PAGE_HEIGHT - 255, font=name_font, size=size, color=INK)
    _centred(
        canvas, "has earned the certification", y=PAGE_HEIGHT - 292, font=sans, size=13, color=MUTED
    )
    title_font = _font("serif-bold")
    title_size = _fitted_size(
        face.achievement_name, title_font, width=usable, largest=24, smallest=12
    )
    _centred(
        canvas,
        face.achievement_name,
        y=PAGE_HEIGHT - 326,
        font=title_font,
        size=title_size,
        color=ACCENT,
    )
    description = _truncated(face.achievement_description, sans, 11, usable)
    _centred(canvas, description, y=PAGE_HEIGHT - 350, font=sans, size=11, color=INK)
    if face.score_line:
        _centred(canvas, face.score_line, y=PAGE_HEIGHT - 370, font=sans, size=10, color=MUTED)


def _truncated(text: str, font: str, size: float, width: float) -> str:
    line = " ".join(text.split())
    if pdfmetrics.stringWidth(line, font, size) <= width:
        return line
    while line and pdfmetrics.stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _draw_footer(canvas: Canvas, face: CertificateFace) -> None:
    left = 80
    labels = [("Issued", face.issued_on), ("Valid until", face.valid_until or "Does not expire")]
    labels.append(("Verification code", face.verification_code))
    y = 170.0
    for label, value in labels:
        canvas.setFont(_font("sans"), 9)
        canvas.setFillColor(MUTED)
        canvas.drawString(left, y, label.upper())
        canvas.setFont(_font("sans-bold"), 13)
        canvas.setFillColor(INK)
        canvas.drawString(left, y - 16, value)
        y -= 42
    canvas.setFont(_font("sans"), 8)
    canvas.setFillColor(MUTED)
    canvas.drawString(left, 52, f"Verify at {face.verification_url}")
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    centre = PAGE_WIDTH / 2
    canvas.line(centre - 90, 110, centre + 90, 110)
    canvas.setFont(_font("sans"), 9)
    canvas.drawCentredString(centre, 96, f"{face.issuer_name} · digitally signed credential")


def _draw_qr(canvas: Canvas, url: str, *, x: float, y: float) -> None:
    code = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    modules = len(matrix) + 2 * QR_QUIET_ZONE_MODULES
    module = QR_SIZE_POINTS / modules
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect(x, y, QR_SIZE_POINTS, QR_SIZE_POINTS, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    for row_number, row in enumerate(matrix):
        top = y + QR_SIZE_POINTS - (row_number + QR_QUIET_ZONE_MODULES + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            run_start = column
            while column < len(row) and row[column]:
                column += 1
            canvas.rect(
                x + (run_start + QR_QUIET_ZONE_MODULES) * module,
                top,
                (column - run_start) * module,
                module,
                stroke=0,
                fill=1,
            )
    canvas.setFont(_font("sans"), 8)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(x + QR_SIZE_POINTS / 2, y - 12, "Scan to verify")
