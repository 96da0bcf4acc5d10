"""A stored report and a finished reading of it, with the values a report of a Hologic scan would give."""

import base64
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dexa import reports
from dexa.models import ReadingStatus, ReportReading

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(width: int = 120, height: int = 16) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def field(value: str, *, low: bool = False, line: str = "", page: int = 1, crop: bool = True) -> dict:
    return {
        "value": value,
        "confidence": 0.5 if low else 0.98,
        "low": low,
        "page": page,
        "line": line,
        "crop": base64.b64encode(png_bytes()).decode() if crop else None,
    }


def hologic_result() -> dict:
    return {
        "method": "text",
        "pages": 2,
        "found": True,
        "fields": {
            "scanned_on": field("2024-03-05", line="Scan Date: 05 March 2024"),
            "make": field("hologic", line="Hologic Horizon A"),
            "model": field("Horizon A", line="Hologic Horizon A"),
            "facility": field("Riverside Imaging", line="Riverside Imaging Centre"),
            "lumbar_spine.bmd": field("0.812", line="L1-L4 0.812 -2.1 -1.0"),
            "lumbar_spine.t_score": field("-2.1", line="L1-L4 0.812 -2.1 -1.0"),
            "lumbar_spine.z_score": field("-1.0", line="L1-L4 0.812 -2.1 -1.0"),
            "femoral_neck.side": field("left", line="Left Femur", page=2),
            "femoral_neck.bmd": field("0.640", line="Neck 0.640 -2.4 -1.1", page=2),
            "femoral_neck.t_score": field("-2.9", low=True, line="Neck 0.640 -2.4 -1.1", page=2),
            "femoral_neck.z_score": field("-1.1", line="Neck 0.640 -2.4 -1.1", page=2, crop=False),
        },
    }


def stored_report(patient, *, by=None, name="report.pdf", data=PDF_BYTES):
    return reports.store_report(
        patient=patient, uploaded_file=SimpleUploadedFile(name, data, content_type="application/pdf"), by=by or patient.user
    )


def finished_reading(patient, *, result=None, status=ReadingStatus.DONE) -> ReportReading:
    return ReportReading.objects.create(
        report=stored_report(patient), status=status, progress=100, result=hologic_result() if result is None else result
    )
