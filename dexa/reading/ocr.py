"""Tesseract (Debian's `tesseract-ocr` with `tesseract-ocr-eng`) through pytesseract: words, boxes and confidences."""

import os
import shutil

import pytesseract
from PIL import Image

from .errors import ReportUnreadable
from .lines import Line, Word, group_lines

NO_OCR = "This server can't read photos or scans. Please send the PDF from the clinic, or type the values in."
# --psm 6: the page as one block of text, so a table row stays one line; our own grouping (lines.py) does the rest.
CONFIG = "--oem 1 --psm 6"


def ocr_lines(image: Image.Image, page: int, *, timeout: float) -> list[Line]:
    """The page's words as lines, each word with Tesseract's confidence (0–1)."""
    # NOTE: Tesseract's OpenMP threads fight each other and the other worker processes for the cores (4× slower on a
    # busy two-core machine); one thread per page is faster, and a worker reads one report at a time per process.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if not shutil.which(pytesseract.pytesseract.tesseract_cmd):
        raise ReportUnreadable(NO_OCR)
    try:
        data = pytesseract.image_to_data(
            image, lang="eng", config=CONFIG, output_type=pytesseract.Output.DICT, timeout=max(timeout, 1)
        )
    except RuntimeError as error:  # pytesseract's timeout
        raise ReportUnreadable("Reading the report took too long. Please try a clearer photo or the PDF.") from error
    words = []
    for text, left, top, width, height, confidence in zip(
        data["text"], data["left"], data["top"], data["width"], data["height"], data["conf"], strict=True
    ):
        text = text.strip().strip("|")
        if float(confidence) >= 0 and not is_noise(text, float(confidence) / 100):
            words.append(Word(text, left, top, left + width, top + height, float(confidence) / 100))
    return group_lines(words, page)


def is_noise(text: str, confidence: float) -> bool:
    """Specks and the paper's edge read as characters: no letter or digit (other than a dash), or one unsure letter."""
    if not text:
        return True
    if not any(ch.isalnum() for ch in text):
        return text not in ("-", "–", "—", "%")
    return len(text) == 1 and not text.isdigit() and confidence < 0.5
