"""PDFs through pypdfium2 (PDFium, the engine Chrome uses): the page count, the text layer with each character's
box, and pages drawn as images for OCR and for the crops shown beside each value."""

import pypdfium2
import pypdfium2.raw as pdfium_c
from PIL import Image

from .errors import ReportUnreadable
from .lines import Line, Word, group_lines

MAX_PAGES = 20
# Text coordinates are given in the pixels of the page drawn at this resolution, where the crops come from.
CROP_DPI = 150
# A page with fewer letters and digits than this has no usable text layer (a scan): it is read by OCR.
MIN_TEXT_CHARS = 40


def open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    """The document, or ReportUnreadable when it is not a PDF PDFium can open or has more than MAX_PAGES pages."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise ReportUnreadable("We couldn't open that file as a PDF. It may be damaged or protected by a password.") from error
    if len(document) > MAX_PAGES:
        document.close()
        raise ReportUnreadable(f"That PDF has more than {MAX_PAGES} pages — is it the right file?")
    if len(document) == 0:
        document.close()
        raise ReportUnreadable("That PDF has no pages.")
    return document


def page_words(page: pypdfium2.PdfPage, *, dpi: int = CROP_DPI) -> list[Word]:
    """The words of the page's text layer, with boxes in the pixels of the page drawn at `dpi`."""
    scale = dpi / 72
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        words: list[Word] = []
        current: list[tuple[str, tuple[float, float, float, float], float]] = []

        def flush():
            if current:
                text = "".join(c for c, _, _ in current)
                boxes = [b for _, b, _ in current]
                words.append(
                    Word(
                        text,
                        min(b[0] for b in boxes) * scale,
                        (height - max(b[3] for b in boxes)) * scale,
                        max(b[2] for b in boxes) * scale,
                        (height - min(b[1] for b in boxes)) * scale,
                    )
                )
                current.clear()

        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
            if not char.isprintable() or char.isspace():
                flush()
                continue
            box = textpage.get_charbox(index, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index) or (box[3] - box[1])
            if current:
                _, last, _ = current[-1]
                new_line = abs((box[1] + box[3]) - (last[1] + last[3])) / 2 > size * 0.5
                if new_line or box[0] - last[2] > size * 0.25 or box[0] < last[0]:
                    flush()
            current.append((char, box, size))
        flush()
        return words
    finally:
        textpage.close()


def page_text_lines(document: pypdfium2.PdfDocument, number: int) -> list[Line]:
    """Page `number`'s (1-based) text layer as lines; empty when the page has none worth reading (a scanned page)."""
    page = document[number - 1]
    try:
        lines = group_lines(page_words(page), number)
    finally:
        page.close()
    letters = sum(ch.isalnum() for line in lines for ch in line.text)
    return lines if letters >= MIN_TEXT_CHARS else []


def render_page(document: pypdfium2.PdfDocument, number: int, *, dpi: int) -> Image.Image:
    """Page `number` (1-based) drawn in grayscale at `dpi`."""
    page = document[number - 1]
    try:
        return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        page.close()
