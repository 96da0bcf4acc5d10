import datetime as dt
import json
from collections import Counter
from decimal import Decimal

from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from bonetrack.accounts.models import PatientProfile
from bonetrack.audit.models import AccessEvent
from bonetrack.portability.fhir_export import bundle_json, patient_bundle
from dexa.models import SiteMeasurement
from tests.dexa.factories import MeasurementFactory
from tests.portability.records import add_scans

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def _export(patient) -> dict:
    return json.loads(bundle_json(patient_bundle(patient)))


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def _code(resource: dict) -> str:
    return resource["code"]["coding"][0]["code"]


def _references(value):
    """Every Reference.reference anywhere in `value`."""
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield value["reference"]
        for inner in value.values():
            yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def test_the_bundle_is_a_valid_fhir_r4_collection_whose_references_all_resolve(record):
    text = bundle_json(patient_bundle(record))
    parsed = Bundle.model_validate_json(text)  # the R4B models validate every resource again
    assert parsed.type == "collection"
    bundle = json.loads(text)
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls)) == 27  # 1 patient, 2 facilities, 17 observations, 2 reports, 2 labs, 3 courses
    assert all(url.startswith("urn:uuid:") for url in urls)
    references = list(_references(bundle["entry"]))
    # subject: 19 observations, 2 reports, 3 statements; performer: 17 DXA observations, 2 reports; result: 17
    assert len(references) == 24 + 19 + 17
    assert set(references) <= set(urls)


def test_the_counts_equal_the_database(record):
    bundle = _export(record)
    kinds = Counter(entry["resource"]["resourceType"] for entry in bundle["entry"])
    assert kinds == {
        "Patient": 1,
        "Organization": 2,
        "Observation": 19,
        "DiagnosticReport": 2,
        "MedicationStatement": 3,
    }
    measurements = SiteMeasurement.objects.filter(scan__patient=record)
    imaging = [o for o in _resources(bundle, "Observation") if o["category"][0]["coding"][0]["code"] == "imaging"]
    by_measure = Counter(o["valueQuantity"]["code"] for o in imaging)
    assert by_measure == {
        "g/cm2": measurements.count(),
        "{T-Score}": measurements.count(),
        "{Z-Score}": measurements.filter(z_score__isnull=False).count(),
    }
    assert by_measure == {"g/cm2": 6, "{T-Score}": 6, "{Z-Score}": 5}
    by_site = Counter(o["bodySite"]["text"] for o in imaging)
    assert by_site == {
        "Lumbar spine (L1–L4)": 6,
        "Left total hip": 3,
        "Right femoral neck": 2,
        "33% radius": 3,
        "Left femoral neck": 3,
    }
    assert len(_resources(bundle, "DiagnosticReport")) == record.dexa_scans.count() == 2
    labs = [o for o in _resources(bundle, "Observation") if o["category"][0]["coding"][0]["code"] == "laboratory"]
    assert len(labs) == record.lab_results.count() == 2
    assert len(_resources(bundle, "MedicationStatement")) == record.medication_courses.count() == 3


def test_patient_resource(record):
    user = record.user
    (patient,) = _resources(_export(record), "Patient")
    assert patient["birthDate"] == "1958-05-20"
    assert patient["gender"] == "female"
    assert patient["name"] == [
        {"text": f"{user.first_name} {user.last_name}", "family": user.last_name, "given": [user.first_name]}
    ]


def test_dxa_observations_carry_the_loinc_code_of_their_region_and_side_and_ucum_units(record):
    observations = {
        (o["bodySite"]["text"], o["effectiveDateTime"], o["valueQuantity"]["code"]): o
        for o in _resources(_export(record), "Observation")
        if "bodySite" in o
    }
    expected = {
        ("Lumbar spine (L1–L4)", "2021-03-10", "g/cm2"): ("24966-4", 0.812),
        ("Lumbar spine (L1–L4)", "2021-03-10", "{T-Score}"): ("38267-1", -2.3),
        ("Lumbar spine (L1–L4)", "2021-03-10", "{Z-Score}"): ("85394-5", -0.9),
        ("Left total hip", "2021-03-10", "g/cm2"): ("46278-8", 0.78),
        ("Left total hip", "2021-03-10", "{T-Score}"): ("80946-7", -1.6),
        ("Left total hip", "2021-03-10", "{Z-Score}"): ("80938-4", -0.4),
        ("Right femoral neck", "2021-03-10", "g/cm2"): ("80953-3", 0.64),
        ("Right femoral neck", "2021-03-10", "{T-Score}"): ("80947-5", -2.0),
        ("33% radius", "2021-03-10", "g/cm2"): ("24890-6", 0.65),
        ("33% radius", "2021-03-10", "{T-Score}"): ("38265-5", -1.2),
        ("33% radius", "2021-03-10", "{Z-Score}"): ("80932-7", 0.1),
        ("Lumbar spine (L1–L4)", "2023-04-05", "g/cm2"): ("24966-4", 0.8),
        ("Lumbar spine (L1–L4)", "2023-04-05", "{T-Score}"): ("38267-1", -2.4),
        ("Lumbar spine (L1–L4)", "2023-04-05", "{Z-Score}"): ("85394-5", -1.0),
        ("Left femoral neck", "2023-04-05", "g/cm2"): ("80954-1", 0.65),
        ("Left femoral neck", "2023-04-05", "{T-Score}"): ("80948-3", -1.9),
        ("Left femoral neck", "2023-04-05", "{Z-Score}"): ("80940-0", -0.5),
    }
    assert {key: (_code(o), o["valueQuantity"]["value"]) for key, o in observations.items()} == expected
    for (site, _, unit), o in observations.items():
        assert o["status"] == "final"
        assert o["category"][0]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "imaging",
            "display": "Imaging",
        }
        assert o["code"]["coding"][0]["system"] == LOINC
        assert o["code"]["text"].startswith(site)
        assert o["valueQuantity"]["system"] == UCUM
        assert o["valueQuantity"]["unit"] == {"g/cm2": "g/cm2", "{T-Score}": "T-score", "{Z-Score}": "Z-score"}[unit]
    first = observations["Right femoral neck", "2021-03-10", "g/cm2"]
    assert first["method"] == {"text": "Hologic Horizon A"}
    assert first["performer"][0]["display"] == "City Imaging"
    assert observations["Left femoral neck", "2023-04-05", "g/cm2"]["method"] == {"text": "GE Lunar Prodigy"}


def test_a_site_without_a_side_takes_the_region_code(patient):
    add_scans(patient, [(dt.date(2022, 1, 5), "X-Ray House", "other", "", [("total_hip", "", "0.900", "-0.8", None)])])
    codes = sorted(_code(o) for o in _resources(_export(patient), "Observation"))
    assert codes == ["38261-4", "38264-8"]  # Hip BMD, Hip T-score
    (observation, _) = _resources(_export(patient), "Observation")
    assert observation["method"] == {"text": "Other"}


def test_one_diagnostic_report_per_scan_lists_its_observations(record):
    bundle = _export(record)
    url_of = {id(entry["resource"]): entry["fullUrl"] for entry in bundle["entry"]}
    observations = _resources(bundle, "Observation")
    for report in _resources(bundle, "DiagnosticReport"):
        assert report["code"]["coding"][0] == {"system": LOINC, "code": "83311-1", "display": "DXA Bone density panel"}
        assert report["status"] == "final"
        day = report["effectiveDateTime"]
        listed = {ref["reference"] for ref in report["result"]}
        assert listed == {url_of[id(o)] for o in observations if o.get("effectiveDateTime") == day and "bodySite" in o}
    assert sorted(len(r["result"]) for r in _resources(bundle, "DiagnosticReport")) == [6, 11]


def test_lab_observations_use_loinc_and_ucum(record):
    labs = {_code(o): o for o in _resources(_export(record), "Observation") if "bodySite" not in o}
    vitamin_d, calcium = labs["62292-8"], labs["17861-6"]
    assert vitamin_d["valueQuantity"] == {"value": 32.0, "unit": "ng/mL", "system": UCUM, "code": "ng/mL"}
    assert calcium["valueQuantity"] == {"value": 9.4, "unit": "mg/dL", "system": UCUM, "code": "mg/dL"}
    assert calcium["referenceRange"][0]["low"]["value"] == 8.6 and calcium["referenceRange"][0]["high"]["value"] == 10.3
    assert "referenceRange" not in vitamin_d
    for lab in labs.values():
        assert lab["category"][0]["coding"][0]["code"] == "laboratory"
        assert lab["status"] == "final" and lab["effectiveDateTime"] == "2024-03-01"


def test_medication_statements_follow_the_courses(record):
    statements = {s["medicationCodeableConcept"]["text"]: s for s in _resources(_export(record), "MedicationStatement")}
    assert {name: (s["status"], s["effectivePeriod"]) for name, s in statements.items()} == {
        "Alendronate": ("completed", {"start": "2020-01-06", "end": "2023-01-02"}),
        "Denosumab": ("active", {"start": "2023-02-01"}),
        "Raloxifene": ("stopped", {"start": "2019-01-01", "end": "2019-06-01"}),
    }
    assert statements["Raloxifene"]["statusReason"] == [{"text": "Side effects"}]
    assert statements["Alendronate"]["dosage"] == [{"text": "70 mg weekly (oral)"}]


def test_the_same_record_gives_the_same_ids_in_every_export(record):
    first, second = _export(record), _export(record)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_the_export_runs_a_fixed_number_of_queries(record, django_assert_num_queries):
    patient = PatientProfile.objects.select_related("user").get(pk=record.pk)
    with django_assert_num_queries(4):  # scans with facilities, their measurements, lab results, courses with drugs
        patient_bundle(patient)
    add_scans(
        patient,
        [(dt.date(2024, day, 1), f"Site {day}", "hologic", "", [("lumbar_spine", "", "0.8", "-2", "-1")]) for day in (1, 2)],
    )
    MeasurementFactory(scan=patient.dexa_scans.get(scanned_on=dt.date(2024, 2, 1)), site="radius_33", bmd=Decimal("0.7"))
    with django_assert_num_queries(4):
        bundle = patient_bundle(patient)
    assert len(bundle.entry) == 27 + 2 + 2 + 3 + 3 + 3  # two more facilities and reports, three more sites of three measures


def test_the_download_is_an_attachment_in_fhir_json(record, client):
    client.force_login(record.user)
    response = client.get(reverse("portability:fhir-bundle", kwargs={"patient_id": record.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"].startswith('attachment; filename="bonetrack-patient-')
    assert response["Content-Disposition"].endswith('.fhir.json"')
    assert len(Bundle.model_validate_json(response.content).entry) == 27
    assert not AccessEvent.objects.filter(patient=record).exists()  # a patient's own download is not logged


def test_a_clinicians_download_is_in_the_access_log(record, clinician_client):
    response = clinician_client.get(reverse("portability:fhir-bundle", kwargs={"patient_id": record.pk}))
    assert response.status_code == 200
    event = AccessEvent.objects.get(patient=record)
    assert (event.action, event.path, event.summary) == ("view", f"/patients/{record.pk}/fhir/bundle.json", "Fhir bundle")


def test_the_page_offers_the_download_and_the_import_and_the_scan_list_links_to_it(record, client):
    client.force_login(record.user)
    page = client.get(reverse("portability:fhir", kwargs={"patient_id": record.pk})).content.decode()
    assert "Download FHIR bundle (JSON)" in page
    assert reverse("portability:fhir-bundle", kwargs={"patient_id": record.pk}) in page
    assert reverse("portability:fhir-import-preview", kwargs={"patient_id": record.pk}) in page
    scans = client.get(reverse("dexa:scan-list", kwargs={"patient_id": record.pk})).content.decode()
    assert reverse("portability:fhir", kwargs={"patient_id": record.pk}) in scans
