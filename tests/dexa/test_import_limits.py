"""CSV import: a field longer than the csv module's limit is reported, never a server error."""

import csv
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dexa.importing import parse_csv
from dexa.models import DexaScan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 1)
HEADER = "scan_date,facility,make,model,site,side,bmd,t_score,z_score\n"
GOOD = "2024-01-01,Riverside,hologic,,lumbar_spine,,0.800,-1.0,\n"
HUGE = "x" * (csv.field_size_limit() + 1)
TOO_LONG = "has a value longer than 128 kB; the file cannot be imported."


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HUGE, 1),
        (HEADER + GOOD + f"2024-02-01,{HUGE},hologic,,lumbar_spine,,0.800,-1.0,\n", 3),
        (HEADER + f'2024-02-01,"{HUGE}",hologic,,lumbar_spine,,0.800,-1.0,\n', 2),
    ],
    ids=["header", "unquoted field", "quoted field"],
)
def test_a_field_over_the_csv_limit_is_a_file_error_naming_its_line(patient, text, line):
    preview = parse_csv(text, patient=patient, today=TODAY)
    assert preview.errors == [f"Line {line} {TOO_LONG} Is it the right file?"]
    assert preview.has_errors


def test_an_oversized_field_is_refused_over_http_on_preview_and_commit(clinician_client, patient):
    text = HEADER + GOOD + f"2024-02-01,{HUGE},hologic,,lumbar_spine,,0.800,-1.0,\n"
    upload = SimpleUploadedFile("scans.csv", text.encode(), content_type="text/csv")
    preview = clinician_client.post(reverse("dexa:scan-import-preview", kwargs={"patient_id": patient.pk}), {"file": upload})
    assert preview.status_code == 200
    assert TOO_LONG in preview.content.decode()
    commit = clinician_client.post(reverse("dexa:scan-import", kwargs={"patient_id": patient.pk}), {"csv_text": text})
    assert commit.status_code == 200
    assert TOO_LONG in commit.content.decode()
    assert not DexaScan.objects.exists()
