"""Reading a DEXA report offline: `read_report(data, content_type, *, progress=None, deadline=None) -> dict`.

PDFs with a text layer are read from it (pypdfium2); scanned PDFs and photos (JPEG, PNG, HEIC through pillow-heif)
are straightened and cleaned up with Pillow and read by Tesseract. The result:

    {"method": "text" | "ocr", "pages": int, "found": bool,
     "fields": {key: {"value": str, "confidence": float, "low": bool, "page": int, "line": str, "crop": str | None}}}

Keys: "scanned_on" (ISO date), "make" ("hologic" | "ge_lunar" | "other"), "model", "facility", and per site of
dexa.rules.SITES "<site>.bmd" ("0.812"), "<site>.t_score" ("-2.1"), "<site>.z_score" and "<site>.side" ("left" |
"right"; not for the spine). A missing value is absent; "low" marks one to check (low OCR confidence, out of range,
disagreeing with the rest of its row, or an ambiguous date). "crop" is a base64 PNG of the line it was read from.
"""

from .errors import ReportUnreadable
from .pipeline import read_report

__all__ = ["ReportUnreadable", "read_report"]
