"""read_report: a DEXA report (PDF, photo or scan) to the fields a scan form needs, each with where it was read."""

import base64
import io
import time
from collections.abc import Callable

from PIL import Image, ImageOps

from . import images, pdf
from .errors import ReportUnreadable
from .lines import Line
from .ocr import ocr_lines
from .parsing import Field, parse_lines

TOO_SLOW = "Reading the report took too long. Please try a clearer photo or the PDF."
PDF_OCR_DPI = 200
CROP_MAX_BYTES = 22_000  # about 30 KB once in base64
CROP_MAX_WIDTH = 1200
IMAGE_TYPES = ("image/jpeg", "image/png", "image/heic")
# Tesseract's own time limit per page when the caller sets no deadline.
UNBOUNDED_OCR_SECONDS = 120.0


class _Clock:
    def __init__(self, deadline: float | None, progress: Callable[[int, str], None] | None):
        self.deadline = deadline
        self.progress = progress

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ReportUnreadable(TOO_SLOW)

    def left(self) -> float:
        return UNBOUNDED_OCR_SECONDS if self.deadline is None else self.deadline - time.monotonic()

    def report(self, percent: int, stage: str) -> None:
        self.check()
        if self.progress:
            self.progress(percent, stage)


def _ocr_page(image: Image.Image, number: int, clock: _Clock) -> tuple[list[Line], Image.Image]:
    image = images.scale_for_ocr(image)
    image = images.clean_up(image)
    clock.check()
    image, _ = images.straighten(image)
    clock.check()
    if clock.left() <= 0:
        raise ReportUnreadable(TOO_SLOW)
    return ocr_lines(image, number, timeout=clock.left()), image


def _crop(page: Image.Image, line: Line) -> str:
    """The line's part of the page as a base64 PNG (at most CROP_MAX_BYTES)."""
    x0, y0, x1, y1 = line.box
    pad = max(6, (y1 - y0) * 0.4)
    box = (max(0, int(x0 - pad)), max(0, int(y0 - pad)), min(page.width, int(x1 + pad)), min(page.height, int(y1 + pad)))
    image = page.crop(box)
    if image.width > CROP_MAX_WIDTH:
        height = max(1, round(image.height * CROP_MAX_WIDTH / image.width))
        image = image.resize((CROP_MAX_WIDTH, height), Image.Resampling.LANCZOS)
    image = ImageOps.autocontrast(image)
    while True:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        if buffer.tell() <= CROP_MAX_BYTES or image.width < 200:
            return base64.b64encode(buffer.getvalue()).decode("ascii")
        image = image.resize((image.width * 3 // 4, max(1, image.height * 3 // 4)), Image.Resampling.LANCZOS)


def _result(method: str, pages: int, fields: dict[str, Field], page_images: dict[int, Image.Image]) -> dict:
    crops: dict[int, str] = {}
    out = {}
    for key, found in fields.items():
        line = found.line
        if id(line) not in crops:
            page = page_images.get(line.page)
            crops[id(line)] = _crop(page, line) if page is not None else None
        out[key] = {
            "value": found.value,
            "confidence": found.confidence,
            "low": found.low,
            "page": line.page,
            "line": line.text,
            "crop": crops[id(line)],
        }
    found_any = any("." in key for key in out)
    return {"method": method, "pages": pages, "found": found_any, "fields": out if found_any else {}}


def _read_pdf(data: bytes, clock: _Clock) -> dict:
    """Each page from its text layer, or by OCR when it has none (a scanned page, maybe behind a typed cover letter)."""
    document = pdf.open_pdf(data)
    try:
        pages = len(document)
        lines, page_images, scanned = [], {}, []
        for number in range(1, pages + 1):
            clock.report(5 + 80 * (number - 1) // pages, f"Reading page {number} of {pages}")
            page_lines = pdf.page_text_lines(document, number)
            if not page_lines:
                page = pdf.render_page(document, number, dpi=PDF_OCR_DPI)
                page_lines, page_images[number] = _ocr_page(page, number, clock)
                scanned.append(number)
            lines.extend(page_lines)
        clock.report(90, "Preparing the values to check")
        fields = parse_lines(lines)
        for number in sorted({found.line.page for found in fields.values()} - set(page_images)):
            page_images[number] = pdf.render_page(document, number, dpi=pdf.CROP_DPI)
        return _result("ocr" if scanned else "text", pages, fields, page_images)
    finally:
        document.close()


def _read_image(data: bytes, content_type: str, clock: _Clock) -> dict:
    clock.report(5, "Opening the photo")
    image = images.open_image(data, content_type)
    clock.report(15, "Straightening the photo and reading page 1 of 1")
    lines, page_image = _ocr_page(image, 1, clock)
    clock.report(90, "Reading the values")
    return _result("ocr", 1, parse_lines(lines), {1: page_image})


def read_report(data: bytes, content_type: str, *, progress=None, deadline: float | None = None) -> dict:
    """Read a DEXA report offline. See the package's docstring for the result; ReportUnreadable with a plain message
    when the file cannot be read (malformed, over 20 pages, too large an image, HEIC without a decoder, too slow)."""
    clock = _Clock(deadline, progress)
    clock.check()
    if content_type == "application/pdf":
        result = _read_pdf(data, clock)
    elif content_type in IMAGE_TYPES:
        result = _read_image(data, content_type, clock)
    else:
        raise ReportUnreadable("Please send the report as a PDF or a photo (JPEG, PNG or HEIC).")
    clock.report(100, "Done")
    return result
