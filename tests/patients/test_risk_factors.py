"""The risk factors page (R15): the answers R5 reads, the falls log, and the advice beside them."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from bonetrack.accounts.models import Fall, PatientProfile
from bonetrack.patients.lifestyle import advice, falls_in_past_year
from bonetrack.patients.services import fall_delete, fall_record, risk_factors_update
from dexa.services import refresh_next_scan_due
from tests.dexa.factories import make_scan
from tests.factories import FallFactory, PatientFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)
NOON = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
SMOKING_ADVICE = "Stopping smoking helps your bones."
ALCOHOL_ADVICE = "Keep alcohol low: 3 or more units a day on average makes a broken bone more likely."
FALL_ADVICE = "balance training and a check of your home for hazards"


def page_url(patient) -> str:
    return reverse("patients:risk-factors", kwargs={"patient_id": patient.pk})


def fall_url(patient) -> str:
    return reverse("patients:fall-add", kwargs={"patient_id": patient.pk})


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def answers(**changes) -> dict:
    return {"smoking": "never", "alcohol_units_per_week": "4", "glucocorticoids": "never"} | changes


@pytest.fixture
def osteopenic(patient):
    """One osteopenia scan above −2.0 (T −1.5 on 1 Apr 2021): next scan in 5 years, or 2 with a risk factor (R5)."""
    make_scan(patient, dt.date(2021, 4, 1), {"lumbar_spine": ("0.900", "-1.5")})
    refresh_next_scan_due(patient)
    assert patient.next_scan_due_on == dt.date(2026, 4, 1)
    return patient


def test_the_empty_page_says_nothing_is_recorded(patient_client, patient):
    response = patient_client.get(page_url(patient))
    assert response.status_code == 200
    body = text(response)
    assert "No falls recorded. If you fall, add it here, even if you were not hurt." in body
    assert 'These count as risk factors for your scan interval</h3> <p class="empty">None recorded.</p>' in body
    assert "Nothing to change in your answers or falls log." in body
    assert body.count('name="form_token"') == 1  # the fall form creates rows; the answers form only sets values
    # The Profile tab stays current, as on the fractures page.
    assert f'<a href="/patients/{patient.pk}/profile/" aria-current="page">Profile</a>' in body


def test_the_profile_page_links_here_and_no_longer_asks_the_risk_factors(patient_client, patient):
    body = text(patient_client.get(reverse("patients:profile", kwargs={"patient_id": patient.pk})))
    assert f'href="{page_url(patient)}"' in body
    for name in ("smoking", "alcohol_units_per_week", "glucocorticoids", "rheumatoid_arthritis", "parental_hip_fracture"):
        assert f'name="profile-{name}"' not in body


def test_a_current_smoker_moves_an_osteopenia_patients_next_scan_from_5_to_2_years(patient_client, osteopenic):
    response = patient_client.post(page_url(osteopenic), answers(smoking="current"))
    assert response.status_code == 302 and response["Location"] == page_url(osteopenic)
    osteopenic.refresh_from_db()
    assert osteopenic.smoking == "current" and osteopenic.alcohol_units_per_week == 4
    assert osteopenic.next_scan_due_on == dt.date(2023, 4, 1)
    assert osteopenic.next_scan_due_rule == "2 years: a clinical risk factor is recorded (default rule)."
    body = text(patient_client.get(page_url(osteopenic)))
    assert SMOKING_ADVICE in body and "<li>Smokes now</li>" in body


@pytest.mark.parametrize(("units", "due_on"), [("20", dt.date(2026, 4, 1)), ("21", dt.date(2023, 4, 1))])
def test_alcohol_counts_from_21_units_a_week(patient_client, osteopenic, units, due_on):
    patient_client.post(page_url(osteopenic), answers(alcohol_units_per_week=units))
    osteopenic.refresh_from_db()
    assert osteopenic.alcohol_units_per_week == int(units)
    assert osteopenic.next_scan_due_on == due_on
    assert (ALCOHOL_ADVICE in text(patient_client.get(page_url(osteopenic)))) is (units == "21")


@pytest.mark.parametrize(
    ("answer", "due_on"),
    [("never", dt.date(2026, 4, 1)), ("", dt.date(2026, 4, 1)), ("past", dt.date(2023, 4, 1)), ("current", dt.date(2023, 4, 1))],
)
def test_steroid_tablets_now_or_in_the_past_count_never_does_not(patient_client, osteopenic, answer, due_on):
    patient_client.post(page_url(osteopenic), answers(glucocorticoids=answer))
    osteopenic.refresh_from_db()
    assert (osteopenic.glucocorticoids, osteopenic.next_scan_due_on) == (answer, due_on)


@pytest.mark.parametrize("field", ["rheumatoid_arthritis", "parental_hip_fracture"])
def test_rheumatoid_arthritis_and_a_parents_hip_fracture_count(patient_client, osteopenic, field):
    patient_client.post(page_url(osteopenic), answers(**{field: "on"}))
    osteopenic.refresh_from_db()
    assert getattr(osteopenic, field) is True
    assert osteopenic.next_scan_due_on == dt.date(2023, 4, 1)


def test_an_invalid_answer_is_shown_next_to_its_field_and_nothing_typed_is_lost(patient_client, osteopenic):
    response = patient_client.post(page_url(osteopenic), answers(smoking="current", alcohol_units_per_week="301", notes="x"))
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors == {"alcohol_units_per_week": ["Ensure this value is less than or equal to 300."]}
    body = text(response)
    assert re.search(r'<div class="field field-invalid">.*?Ensure this value is less than or equal to 300\.', body)
    assert 'value="301"' in body and '<option value="current" selected>' in body
    # Nothing saved, and the advice describes what is saved (not the rejected "smokes now").
    osteopenic.refresh_from_db()
    assert osteopenic.smoking == "" and osteopenic.next_scan_due_on == dt.date(2026, 4, 1)
    assert SMOKING_ADVICE not in body and "None recorded." in body


def test_an_unknown_choice_is_refused(patient_client, patient):
    response = patient_client.post(page_url(patient), answers(glucocorticoids="sometimes"))
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "glucocorticoids": ["Select a valid choice. sometimes is not one of the available choices."]
    }


def test_the_service_saves_only_the_risk_factor_fields(osteopenic):
    PatientProfile.objects.filter(pk=osteopenic.pk).update(weight_kg=70)
    osteopenic.smoking, osteopenic.weight_kg = "current", 99  # a stale value outside the answers is not written
    risk_factors_update(patient=osteopenic)
    osteopenic.refresh_from_db()
    assert (osteopenic.smoking, osteopenic.weight_kg, osteopenic.next_scan_due_on) == ("current", 70, dt.date(2023, 4, 1))


@time_machine.travel(NOON, tick=False)
def test_a_fall_is_recorded_and_listed_newest_first(patient_client, patient):
    FallFactory(patient=patient, occurred_on=dt.date(2020, 5, 1), notes="Tripped on a kerb")
    data = {"fall-occurred_on": "2026-11-02", "fall-injury": "on", "fall-notes": "Slipped in the bath"}
    response = patient_client.post(fall_url(patient), data)
    assert response.status_code == 302 and response["Location"] == page_url(patient)
    fall = Fall.objects.get(occurred_on=dt.date(2026, 11, 2))
    assert (fall.patient, fall.recorded_by, fall.injury, fall.fracture, fall.notes) == (
        patient,
        patient.user,
        True,
        False,
        "Slipped in the bath",
    )
    body = text(patient_client.get(page_url(patient)))
    assert body.index("2 Nov 2026") < body.index("1 May 2020")
    assert "Hurt, no broken bone" in body and "Not hurt" in body and "Tripped on a kerb" in body
    assert "Falls in the past 12 months: 1" in body and FALL_ADVICE in body


@time_machine.travel(NOON, tick=False)
def test_a_fall_that_broke_a_bone_is_an_injury(patient_client, patient):
    patient_client.post(fall_url(patient), {"fall-occurred_on": "2026-10-01", "fall-fracture": "on"})
    fall = Fall.objects.get()
    assert (fall.injury, fall.fracture) == (True, True)
    assert "Broke a bone" in text(patient_client.get(page_url(patient)))


def test_the_database_refuses_a_broken_bone_without_an_injury(patient):
    with pytest.raises(IntegrityError):
        Fall.objects.create(patient=patient, occurred_on=dt.date(2024, 1, 1), fracture=True, injury=False)


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-12-08", "The date can't be in the future."), ("1958-05-19", "The date can't be before the date of birth.")],
)
def test_an_invalid_fall_date_is_shown_next_to_the_field_and_the_notes_are_kept(patient_client, patient, day, message):
    response = patient_client.post(
        fall_url(patient), {"fall-occurred_on": day, "fall-injury": "on", "fall-notes": "On the stairs"}
    )
    assert response.status_code == 422
    assert response.context["fall_form"].errors == {"occurred_on": [message]}
    body = text(response)
    assert re.search(r'<div class="field field-invalid">.*?' + re.escape(message.replace("'", "&#x27;")), body)
    assert f'value="{day}"' in body and 'value="On the stairs"' in body
    assert 'name="fall-injury" id="id_fall-injury" checked' in body
    assert not Fall.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_the_day_of_birth_and_today_are_allowed(patient_client, patient):
    for day in ("1958-05-20", "2026-12-07"):
        assert patient_client.post(fall_url(patient), {"fall-occurred_on": day}).status_code == 302
    assert sorted(Fall.objects.values_list("occurred_on", flat=True)) == [dt.date(1958, 5, 20), TODAY]


@time_machine.travel(NOON, tick=False)
def test_a_fall_form_sent_twice_records_once(patient_client, patient):
    token = re.search(r'name="form_token" value="([^"]+)"', text(patient_client.get(page_url(patient)))).group(1)
    data = {"fall-occurred_on": "2026-11-02", "form_token": token}
    assert patient_client.post(fall_url(patient), data).status_code == 302
    assert patient_client.post(fall_url(patient), data).status_code == 302
    assert Fall.objects.count() == 1


def test_deleting_a_fall(patient_client, patient):
    fall = FallFactory(patient=patient)
    url = reverse("patients:fall-delete", kwargs={"patient_id": patient.pk, "fall_id": fall.pk})
    assert 'data-confirm="Delete the fall of 10 Jan 2024?"' in text(patient_client.get(page_url(patient)))
    response = patient_client.post(url)
    assert response.status_code == 302 and response["Location"] == page_url(patient)
    assert not Fall.objects.exists()


def test_the_care_team_records_falls_too(clinician_client, clinician, patient):
    response = clinician_client.post(fall_url(patient), {"fall-occurred_on": "2020-02-02"})
    assert response.status_code == 302
    assert Fall.objects.get().recorded_by == clinician


def test_fall_services_leave_the_next_scan_date(osteopenic, clinician):
    fall = fall_record(patient=osteopenic, fall=Fall(occurred_on=dt.date(2026, 1, 5), injury=True), by=clinician)
    osteopenic.refresh_from_db()
    assert osteopenic.next_scan_due_on == dt.date(2026, 4, 1)  # falls are R14's, not R5's
    fall_delete(fall=fall)
    assert not Fall.objects.exists()


def test_advice_follows_r15():
    patient = PatientFactory.build(smoking="current", alcohol_units_per_week=21)
    assert advice(patient, [], TODAY) == [SMOKING_ADVICE, ALCOHOL_ADVICE]
    patient = PatientFactory.build(smoking="former", alcohol_units_per_week=20)
    assert advice(patient, [], TODAY) == []


def test_a_fall_counts_for_12_months():
    patient = PatientFactory.build()
    exactly_a_year = Fall(occurred_on=dt.date(2025, 12, 7))
    a_day_later = Fall(occurred_on=dt.date(2025, 12, 8))
    assert falls_in_past_year([a_day_later, exactly_a_year], TODAY) == [a_day_later]
    assert advice(patient, [exactly_a_year], TODAY) == []
    [line] = advice(patient, [a_day_later], TODAY)
    assert line.startswith("You have had a fall in the past 12 months: balance training")


def test_the_page_query_count_does_not_grow_with_falls(patient_client, patient, django_assert_max_num_queries):
    FallFactory(patient=patient)
    # session, user, patient, the falls, and the savepoints of the request.
    with django_assert_max_num_queries(6) as one:
        patient_client.get(page_url(patient))
    FallFactory.create_batch(10, patient=patient)
    with django_assert_max_num_queries(len(one)):
        response = patient_client.get(page_url(patient))
    assert len(response.context["falls"]) == 11


def test_a_fracture_records_whether_steroid_tablets_were_taken_at_the_time(patient_client, patient):
    url = reverse("patients:fracture-list", kwargs={"patient_id": patient.pk})
    data = {"site": "humerus", "occurred_on": "2022-06-01", "fragility": "on", "on_glucocorticoids": "on"}
    assert patient_client.post(url, data).status_code == 302
    fracture = patient.fractures.get()
    assert (fracture.site, fracture.on_glucocorticoids) == ("humerus", True)
    body = text(patient_client.get(url))
    assert "Upper arm near the shoulder (proximal humerus)" in body and "While taking steroid tablets" in body
