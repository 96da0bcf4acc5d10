"""Small report files made on the fly: a valid PDF, PNG and JPEG, the start of a HEIC photo, and files that are not reports."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from dexa.reports import store_report


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format=fmt)
    return out.getvalue()


def heic_bytes(major: bytes = b"heic", compatible: tuple[bytes, ...] = (b"mif1", b"heic")) -> bytes:
    """An ISO base media "ftyp" box naming HEIC brands, then filler: what the type check reads of a HEIC photo."""
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00" * 200


SAMPLES = {
    "application/pdf": pdf_bytes,
    "image/png": lambda: image_bytes("PNG"),
    "image/jpeg": lambda: image_bytes("JPEG"),
    "image/heic": heic_bytes,
}
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode."
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def upload(content: bytes, name: str = "report.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return upload(pdf_bytes(), name)


def stored_report(patient, *, by, scan=None, name: str = "report.pdf"):
    """A PDF report stored for `patient` (attached to `scan` if given), its file under REPORT_ROOT."""
    return store_report(patient=patient, uploaded_file=pdf_upload(name), by=by, scan=scan)
