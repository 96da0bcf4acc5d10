"""Synthetic DEXA reports for tests and `make bench`: no real patient's report is ever needed.

    report = synthetic_report(seed=7, layout="lunar")
    pdf = report_pdf(report)            # the text PDF, drawn by WeasyPrint
    jpeg = photo_of(pdf, seed=7)        # a phone photo of the printed page: tilted, blurred, unevenly lit
    scanned = scanned_pdf(jpeg)         # the same photo as an image-only PDF
    both = joined_pdf(letter_pdf(), scanned)  # a typed cover letter, then the scanned report
    report.expected_fields()            # what read_report should find, as {key: value}

Everything is decided by the seed, so a failing case can be rerun exactly.
"""

import datetime as dt
import io
import random
import struct
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from PIL import Image, ImageChops, ImageFilter

from .. import rules
from . import layouts
from .plausibility import REFERENCE, t_score_for

LAYOUTS = ("hologic", "lunar", "summary")
LAYOUT_MAKES = {"hologic": ("hologic",), "lunar": ("ge_lunar",), "summary": ("hologic", "ge_lunar", "other")}
MODELS = {
    "hologic": ("Horizon A", "Horizon Wi", "Discovery Wi", "Discovery A"),
    "ge_lunar": ("Prodigy Advance", "iDXA", "Prodigy Primo"),
    "other": ("Norland XR-800", "Stratos dR"),
}
FACILITIES = (
    "Riverside Imaging Centre",
    "Northfield Bone Health Clinic",
    "Lakeview Radiology",
    "Harbour Street Diagnostics",
    "St Anne Hospital Imaging",
    "Westgate Medical Centre",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PHOTO_DPI = 200


@dataclass(frozen=True)
class SiteResult:
    bmd: Decimal
    t_score: Decimal
    z_score: Decimal
    side: str = ""


@dataclass
class SyntheticReport:
    seed: int
    layout: str
    make: str
    model: str
    facility: str
    scanned_on: dt.date
    born_on: dt.date
    european: bool
    sites: dict[str, SiteResult]  # the values a reader must find, by site
    other_hip: dict[str, SiteResult] = field(default_factory=dict)  # the other femur of a DualFemur report
    extra_rows: dict[str, SiteResult] = field(default_factory=dict)  # vertebrae, trochanter, Ward's, ultradistal …

    def number(self, value: Decimal, *, places: int) -> str:
        text = f"{value:.{places}f}"
        return text.replace(".", ",") if self.european else text

    def date_text(self, day: dt.date) -> str:
        if self.layout == "hologic":
            return f"{day:%d.%m.%Y}" if self.european else f"{day:%m/%d/%Y}"
        if self.layout == "lunar":
            return f"{day:%d.%m.%Y}" if self.european else f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        return day.isoformat() if not self.european else f"{day.day} {MONTHS[day.month - 1]} {day.year}"

    def expected_fields(self) -> dict[str, str]:
        """The fields read_report should return for this report, as {key: value}."""
        expected = {"scanned_on": self.scanned_on.isoformat(), "make": self.make, "facility": self.facility}
        if self.make != "other" or self.model:
            expected["model"] = self.model
        for site, result in self.sites.items():
            expected[f"{site}.bmd"] = f"{result.bmd:.3f}"
            expected[f"{site}.t_score"] = f"{result.t_score:.1f}"
            expected[f"{site}.z_score"] = f"{result.z_score:.1f}"
            if site != rules.LUMBAR_SPINE:
                expected[f"{site}.side"] = result.side
        return expected


def _site_result(rng: random.Random, make: str, site: str, *, side: str, age_gap: Decimal) -> SiteResult:
    mean, sd = REFERENCE[make][site]
    bmd = (mean + sd * Decimal(rng.uniform(-3.8, 0.6))).quantize(Decimal("0.001"))
    t_score = t_score_for(bmd, make, site)
    z_score = (t_score + age_gap + Decimal(rng.randint(-2, 2)) / 10).quantize(Decimal("0.1"))
    # abs() of a zero drops its sign: reports print 0.0, never -0.0.
    return SiteResult(bmd=bmd, t_score=t_score or abs(t_score), z_score=z_score or abs(z_score), side=side)


def synthetic_report(seed: int, layout: str) -> SyntheticReport:
    """A plausible patient's scan for `layout` ("hologic", "lunar" or "summary"), decided by `seed`."""
    rng = random.Random(f"{layout}-{seed}")
    make = rng.choice(LAYOUT_MAKES[layout])
    scanned_on = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 3600))
    born_on = dt.date(scanned_on.year - rng.randint(52, 88), rng.randint(1, 12), rng.randint(1, 28))
    age_gap = Decimal(rng.randint(5, 16)) / 10
    side = rng.choice(("left", "right"))
    sites, other_hip, extra = {}, {}, {}
    sites[rules.LUMBAR_SPINE] = _site_result(rng, make, rules.LUMBAR_SPINE, side="", age_gap=age_gap)
    for site in (rules.TOTAL_HIP, rules.FEMORAL_NECK):
        sites[site] = _site_result(rng, make, site, side=side, age_gap=age_gap)
    if layout == "hologic" and rng.random() < 0.5:
        other = "right" if side == "left" else "left"
        hip_sites = (rules.TOTAL_HIP, rules.FEMORAL_NECK)
        other_hip = {site: _site_result(rng, make, site, side=other, age_gap=age_gap) for site in hip_sites}
        # The reader reports the lower of the two femurs for each site, as the diagnosis uses the lowest T-score.
        for site, result in list(other_hip.items()):
            kept = sites[site]
            if result.t_score < kept.t_score or (result.t_score == kept.t_score and result.side == "left"):
                sites[site], other_hip[site] = result, sites[site]
    if rng.random() < 0.6:
        sites[rules.RADIUS_33] = _site_result(rng, make, rules.RADIUS_33, side=rng.choice(("left", "right")), age_gap=age_gap)
    if layout != "summary" and rng.random() < 0.15:
        del sites[rules.LUMBAR_SPINE]  # a spine that could not be evaluated (hardware, fractures)
    for name in ("L1", "L2", "L3", "L4", "Troch", "Inter", "Wards", "Upper Neck", "Shaft", "UD", "MID", "Radius Total"):
        base = rules.LUMBAR_SPINE if name.startswith("L") else rules.TOTAL_HIP
        extra[name] = _site_result(rng, make, base, side="", age_gap=age_gap)
    model = rng.choice(MODELS[make])
    return SyntheticReport(
        seed=seed,
        layout=layout,
        make=make,
        model=model,
        facility=rng.choice(FACILITIES),
        scanned_on=scanned_on,
        born_on=born_on,
        european=rng.random() < 0.35,
        sites=sites,
        other_hip=other_hip,
        extra_rows=extra,
    )


def _write_pdf(html: str) -> bytes:
    # NOTE: imported here: WeasyPrint loads Pango when imported, and only the corpus needs it.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def report_pdf(report: SyntheticReport) -> bytes:
    """The report as a text PDF in its layout."""
    return _write_pdf(layouts.render(report))


def letter_pdf() -> bytes:
    """A PDF that is not a DEXA report: an appointment letter, with dates and numbers but no results."""
    return _write_pdf(layouts.LETTER)


def page_image(pdf: bytes, *, dpi: int = PHOTO_DPI) -> Image.Image:
    """The first page of `pdf` drawn as an RGB image (pypdfium2)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def photo_of(pdf: bytes, *, seed: int, image_format: str = "JPEG") -> bytes:
    """A phone photo of the printed first page: tilted 2–5°, slightly blurred, lit unevenly, JPEG-compressed (or
    saved as `image_format`: "PNG", "HEIF")."""
    rng = random.Random(f"photo-{seed}")
    page = page_image(pdf)
    angle = rng.choice((-1, 1)) * rng.uniform(2.0, 5.0)
    desk = (rng.randint(150, 190), rng.randint(140, 175), rng.randint(120, 160))
    canvas = Image.new("RGB", (page.width + 160, page.height + 160), desk)
    canvas.paste(page, (80, 80))
    photo = canvas.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=desk)
    # Light falling off from one corner: a gradient from full light to 60–75 % multiplied in.
    dim = rng.randint(160, 190)
    gradient = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(photo.size)
    light = gradient.point(lambda v: 255 - (255 - dim) * v // 255).convert("RGB")
    photo = ImageChops.multiply(photo, light)
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.2)))
    buffer = io.BytesIO()
    if image_format == "JPEG":
        photo.save(buffer, "JPEG", quality=rng.randint(72, 88))
    else:
        if image_format == "HEIF":  # as an iPhone saves it
            from pillow_heif import register_heif_opener

            register_heif_opener()
        photo.save(buffer, image_format)
    return buffer.getvalue()


def scanned_pdf(image: bytes) -> bytes:
    """An image-only PDF (no text layer) made from a photo, as a scanner or a phone's "scan document" makes them."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(image)).convert("RGB").save(buffer, "PDF", resolution=PHOTO_DPI)
    return buffer.getvalue()


def decompression_bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A small PNG file (about 200 KB) that claims 1.6 billion pixels: a one-bit image of zeros, compressed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def many_pages_pdf(pages: int = 1000) -> bytes:
    """A PDF of `pages` blank pages (pypdf), cheap to make."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def joined_pdf(*pdfs: bytes) -> bytes:
    """The PDFs one after another in one file (pypdf): a cover letter before the report, say."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in pdfs:
        writer.append(io.BytesIO(data))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
