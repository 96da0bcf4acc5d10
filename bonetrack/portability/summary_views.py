"""The visit summary as a printable page and as a PDF drawn on the server from the same template (WeasyPrint)."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from bonetrack.accounts.models import PatientProfile
from bonetrack.careteams.access import patient_view
from bonetrack.core.htmx import HtmxHttpRequest

from .summary import PAPER_SIZES, build_summary

TEMPLATE = "portability/summary.html"
# The PDF's relative links resolve against this address, which is never fetched: see static_files_only.
PDF_BASE_URL = "https://bonetrack.invalid/"
CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


def static_files_only():
    """A WeasyPrint URL fetcher serving the PDF's stylesheet and images from the static files on disk, and refusing
    anything else: the PDF never reaches the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            found = finders.find(path.removeprefix(static_prefix)) if path.startswith(static_prefix) else None
            if not url.startswith(PDF_BASE_URL) or not found:
                raise ValueError(f"The summary PDF only reads local static files, not {url}")
            with open(found, "rb") as file:
                body = file.read()
            content_type = CONTENT_TYPES.get(Path(found).suffix, "application/octet-stream")
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesOnly()


def _context(request: HtmxHttpRequest, patient: PatientProfile) -> dict:
    paper = request.GET.get("paper", "").strip().lower()
    paper = paper if paper in PAPER_SIZES else "a4"
    return {
        "patient": patient,
        "summary": build_summary(patient),
        "paper": paper,
        "page_size": PAPER_SIZES[paper],
        # The care team reads rule codes, sources and units in place; a patient's page folds them into details (the PDF,
        # made for the visit, keeps them in place).
        "precise": request.user.is_care_team,
    }


@require_GET
@patient_view
def visit_summary(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """One page to take to an appointment and to file: the record at a glance, with a print layout (A4 or Letter)."""
    return TemplateResponse(request, TEMPLATE, _context(request, patient))


def render_pdf(html: str) -> bytes:
    """The page as a PDF. NOTE: WeasyPrint is imported here, not at the top, because it loads Pango when imported:
    a machine without Pango still serves every page, and only this download fails."""
    from weasyprint import HTML

    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=static_files_only()).write_pdf()


@require_GET
@patient_view
def visit_summary_pdf(request: HtmxHttpRequest, patient: PatientProfile) -> HttpResponse:
    """The visit summary as a PDF file (a care team member's download is in the access log, as every view is)."""
    context = _context(request, patient) | {"pdf": True, "precise": True}
    pdf = render_pdf(render_to_string(TEMPLATE, context, request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"bonetrack-summary-{patient.pk}-{context['summary'].today:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
