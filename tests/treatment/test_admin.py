"""The drug catalogue is edited in the admin; courses and doses in the admin write the access log."""

import datetime as dt

import pytest
from django.urls import reverse

from bonetrack.audit.models import AccessEvent
from bonetrack.treatment.models import Course, Drug
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan
from tests.factories import AdminFactory, CourseFactory, DoseFactory, PatientFactory, catalogue_regimen

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    return client


def test_an_admin_edits_a_drug_and_its_regimens(admin_client):
    drug = catalogue_regimen("denosumab-60mg-6-monthly").drug
    assert admin_client.get(reverse("admin:treatment_drug_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:treatment_regimen_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:treatment_drug_change", args=[drug.pk]))
    assert page.status_code == 200 and b"60 mg every 6 months" in page.content
    data = {
        "slug": drug.slug,
        "name": "Denosumab (Prolia)",
        "drug_class": drug.drug_class,
        "family": drug.family,
        "lifetime_group": "",
        "position": drug.position,
        "regimens-TOTAL_FORMS": "0",
        "regimens-INITIAL_FORMS": "0",
    }
    assert admin_client.post(reverse("admin:treatment_drug_change", args=[drug.pk]), data).status_code == 302
    assert Drug.objects.get(pk=drug.pk).name == "Denosumab (Prolia)"


def test_course_and_dose_lists_log_a_view_of_each_patient_shown(admin_client):
    patients = [PatientFactory() for _ in range(2)]
    for patient in patients:
        DoseFactory(course=CourseFactory(patient=patient, started_on=dt.date(2024, 1, 1)))
    for name in ("course", "dose"):
        before = AccessEvent.objects.count()
        assert admin_client.get(reverse(f"admin:treatment_{name}_changelist")).status_code == 200
        logged = AccessEvent.objects.order_by("pk")[before:].values_list("patient_id", "action")
        assert sorted(logged) == [(p.pk, "view") for p in patients]


def test_a_course_saved_or_deleted_in_the_admin_moves_the_next_scan_date(admin_client):
    patient = PatientFactory()
    make_scan(patient, dt.date(2022, 3, 1), {"lumbar_spine": ("0.800", "-2.7")})
    make_scan(patient, dt.date(2024, 3, 1), {"lumbar_spine": ("0.810", "-2.6")})
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2026, 3, 1)
    data = {
        "patient": patient.pk,
        "regimen": catalogue_regimen("alendronate-70mg-weekly").pk,
        "started_on": "2024-09-02",
        "doses-TOTAL_FORMS": "0",
        "doses-INITIAL_FORMS": "0",
    }
    assert admin_client.post(reverse("admin:treatment_course_add"), data).status_code == 302
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2025, 3, 1)  # R5: a drug started since the previous scan
    course = Course.objects.get(patient=patient)
    assert admin_client.post(reverse("admin:treatment_course_delete", args=[course.pk]), {"post": "yes"}).status_code == 302
    patient.refresh_from_db()
    assert patient.next_scan_due_on == dt.date(2026, 3, 1)
