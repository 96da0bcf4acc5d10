"""Every create form submits once: the same form posted twice (double click, reload, browser retry) writes once and
the repeat is answered like the first, with or without htmx; a new form (a new token) writes again."""

import datetime as dt
import json
import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import dexa
from bonetrack.accounts.models import Fracture
from bonetrack.clinic.models import ClinicalNote
from bonetrack.core.models import FormSubmission
from bonetrack.core.submissions import FIELD, KEEP
from bonetrack.core.timezones import local_today
from bonetrack.labs.models import LabResult
from bonetrack.treatment.models import Course, Dose
from dexa.models import DexaScan
from exercise.models import SessionEntry
from nutrition.models import Favourite, Food, LogItem, Supplement
from tests.dexa.factories import FacilityFactory
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.factories import CourseFactory, catalogue_regimen
from tests.nutrition.factories import FoodFactory, LogItemFactory, SupplementFactory

IMPORT_CSV = (Path(dexa.__file__).parent / "examples" / "dexa_import_example.csv").read_text()


def _food() -> Food:
    return FoodFactory(ndb_no="99001", description="Test milk", calcium_mg=100)  # one shared food (get or create)


def _yesterday_lunch(patient):
    LogItemFactory(patient=patient, day=local_today(patient.user) - dt.timedelta(days=1), meal="lunch", food=_food())


def _last_session(patient):
    SessionEntryFactory(session=ExerciseSessionFactory(patient=patient, date=local_today(patient.user) - dt.timedelta(days=2)))


def _supplement(patient) -> Supplement:
    return SupplementFactory(patient=patient, kind="vitamin_d3", amount_per_unit=1000)


@dataclass
class Form:
    """One create form: who posts it, where, what, and how to count what it creates."""

    name: str
    url: callable
    data: callable
    count: callable
    by_clinician: bool = False
    htmx: bool = False
    setup: callable = None


def _course(p) -> Course:
    """A daily course going on: every day is a dose day."""
    course = Course.objects.for_patient(p).first()
    return course or CourseFactory(patient=p, regimen_slug="raloxifene-60mg-daily", started_on=dt.date(2024, 1, 1))


def _today(p) -> str:
    return local_today(p.user).isoformat()


FORMS = [
    Form(
        "exercise quick add",
        lambda p: reverse("exercise:entry-add", kwargs={"patient_id": p.pk}),
        lambda p: {"date": _today(p), "exercise": library_exercise("brisk-walking").pk, "minutes": 30, "load_unit": "kg"},
        lambda p: SessionEntry.objects.filter(session__patient=p).count(),
    ),
    Form(
        "exercise quick add (htmx)",
        lambda p: reverse("exercise:entry-add", kwargs={"patient_id": p.pk}),
        lambda p: {"date": _today(p), "exercise": library_exercise("brisk-walking").pk, "minutes": 30, "load_unit": "kg"},
        lambda p: SessionEntry.objects.filter(session__patient=p).count(),
        htmx=True,
    ),
    Form(
        "exercise full session",
        lambda p: reverse("exercise:session-add", kwargs={"patient_id": p.pk}),
        lambda p: {
            "date": _today(p),
            "notes": "",
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "0",
            "entries-MIN_NUM_FORMS": "1",
            "entries-MAX_NUM_FORMS": "1000",
            "entries-0-exercise": library_exercise("brisk-walking").pk,
            "entries-0-minutes": "30",
            "entries-0-load_unit": "kg",
        },
        lambda p: SessionEntry.objects.filter(session__patient=p).count(),
    ),
    Form(
        "exercise repeat last session",
        lambda p: reverse("exercise:session-repeat", kwargs={"patient_id": p.pk}),
        lambda p: {},
        lambda p: SessionEntry.objects.filter(session__patient=p, session__date=local_today(p.user)).count(),
        setup=_last_session,
    ),
    Form(
        "nutrition add food (htmx)",
        lambda p: reverse("nutrition:item-add", kwargs={"patient_id": p.pk}),
        lambda p: {"date": _today(p), "food": _food().pk, "meal": "lunch", "portion": "g", "quantity": "100"},
        lambda p: LogItem.objects.filter(patient=p).count(),
        htmx=True,
    ),
    Form(
        "nutrition copy a day (htmx)",
        lambda p: reverse("nutrition:day-copy", kwargs={"patient_id": p.pk}),
        lambda p: {
            "date": _today(p),
            "source_date": (local_today(p.user) - dt.timedelta(days=1)).isoformat(),
            "source_meal": "",
            "target_meal": "",
            "meal": "lunch",
        },
        lambda p: LogItem.objects.filter(patient=p, date=local_today(p.user)).count(),
        htmx=True,
        setup=_yesterday_lunch,
    ),
    Form(
        "nutrition tick a supplement (htmx)",
        lambda p: reverse("nutrition:supplement-tick", kwargs={"patient_id": p.pk, "supplement_id": _supplement(p).pk}),
        lambda p: {"date": _today(p), "meal": "lunch"},
        lambda p: LogItem.objects.filter(patient=p, supplement__isnull=False).count(),
        htmx=True,
    ),
    Form(
        "nutrition favourite",
        lambda p: reverse("nutrition:favourite-toggle", kwargs={"patient_id": p.pk, "food_id": _food().pk}),
        lambda p: {"date": _today(p), "meal": "lunch"},
        lambda p: Favourite.objects.filter(patient=p).count(),
    ),
    Form(
        "nutrition my food",
        lambda p: reverse("nutrition:custom-food-list", kwargs={"patient_id": p.pk}),
        lambda p: {"description": "Oat drink", "basis": "100g", "calcium_mg": "120"},
        lambda p: Food.objects.filter(owner=p).count(),
    ),
    Form(
        "nutrition supplement plan",
        lambda p: reverse("nutrition:supplement-list", kwargs={"patient_id": p.pk}),
        lambda p: {"kind": "vitamin_d3", "amount_per_unit": "1000", "units_per_dose": "1", "doses_per_day": "1"},
        lambda p: Supplement.objects.filter(patient=p).count(),
    ),
    Form(
        "lab result",
        lambda p: reverse("labs:lab-list", kwargs={"patient_id": p.pk}),
        lambda p: {"test": "vitamin_d_25oh", "taken_on": "2024-05-01", "entered_value": "75", "entered_unit": "nmol/L"},
        lambda p: LabResult.objects.filter(patient=p).count(),
    ),
    Form(
        "fracture",
        lambda p: reverse("patients:fracture-list", kwargs={"patient_id": p.pk}),
        lambda p: {"site": "wrist", "occurred_on": "2024-05-01", "fragility": "on", "notes": ""},
        lambda p: Fracture.objects.filter(patient=p).count(),
    ),
    Form(
        "scan",
        lambda p: reverse("dexa:scan-add", kwargs={"patient_id": p.pk}),
        lambda p: {
            "scanned_on": "2024-05-02",
            "facility": str(FacilityFactory().pk),
            "new_facility": "",
            "make": "hologic",
            "model": "Horizon A",
            "lumbar_spine-bmd": "0.812",
            "lumbar_spine-t_score": "-2.3",
            "lumbar_spine-z_score": "",
        },
        lambda p: DexaScan.objects.filter(patient=p).count(),
    ),
    Form(
        "medication course",
        lambda p: reverse("medications:course-list", kwargs={"patient_id": p.pk}),
        lambda p: {"regimen": catalogue_regimen("alendronate-70mg-weekly").pk, "started_on": "2024-05-01"},
        lambda p: Course.objects.for_patient(p).count(),
    ),
    Form(
        "medication dose",
        lambda p: reverse("medications:course-detail", kwargs={"patient_id": p.pk, "course_id": _course(p).pk}),
        lambda p: {"on": "2024-05-01", "status": "taken"},
        lambda p: Dose.objects.for_patient(p).count(),
        setup=_course,
    ),
    Form(
        "medication dose tick (htmx)",
        lambda p: reverse("medications:dose-tick", kwargs={"patient_id": p.pk, "course_id": _course(p).pk}),
        lambda p: {},
        lambda p: Dose.objects.for_patient(p).count(),
        htmx=True,
        setup=_course,
    ),
    Form(
        "clinical note",
        lambda p: reverse("clinic:note-add", kwargs={"patient_id": p.pk}),
        lambda p: {"body": "Seen today."},
        lambda p: ClinicalNote.objects.filter(patient=p).count(),
        by_clinician=True,
    ),
    Form(
        "scan import",
        lambda p: reverse("dexa:scan-import", kwargs={"patient_id": p.pk}),
        lambda p: {"csv_text": IMPORT_CSV},
        lambda p: DexaScan.objects.filter(patient=p).count(),
        by_clinician=True,
    ),
]


def _client(form: Form, patient, clinician) -> Client:
    client = Client()
    client.force_login(clinician if form.by_clinician else patient.user)
    return client


def _post(client, form: Form, patient, data):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/somewhere/"} if form.htmx else {}
    return client.post(form.url(patient), data, **headers)


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_the_same_form_posted_twice_saves_once_and_answers_like_the_first(form, patient, clinician):
    if form.setup:
        form.setup(patient)
    client = _client(form, patient, clinician)
    data = {**form.data(patient), FIELD: str(uuid.uuid4())}
    before = form.count(patient)
    first = _post(client, form, patient, data)
    assert first.status_code in (200, 302), getattr(first, "context", None) and first.context.get("form")
    created = form.count(patient) - before
    assert created >= 1
    second = _post(client, form, patient, data)
    assert form.count(patient) - before == created  # nothing written the second time
    if form.htmx:
        assert second.status_code == 204  # htmx leaves the page as the first answer made it
        assert "already saved" in json.loads(second["HX-Trigger"])["showMessage"]["value"]
    else:
        assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_new_form_saves_again(patient_client, patient):
    url = reverse("labs:lab-list", kwargs={"patient_id": patient.pk})
    data = {"test": "vitamin_d_25oh", "taken_on": "2024-05-01", "entered_value": "75", "entered_unit": "nmol/L"}
    patient_client.post(url, {**data, FIELD: str(uuid.uuid4())})
    patient_client.post(url, {**data, FIELD: str(uuid.uuid4())})
    patient_client.post(url, data)  # no token (an API client, a page from before): handled as always
    assert LabResult.objects.filter(patient=patient).count() == 3


def test_a_refused_form_keeps_its_token_for_the_corrected_one(patient_client, patient):
    url = reverse("labs:lab-list", kwargs={"patient_id": patient.pk})
    token = str(uuid.uuid4())
    data = {"test": "vitamin_d_25oh", "taken_on": "2099-05-01", "entered_value": "75", "entered_unit": "nmol/L", FIELD: token}
    assert patient_client.post(url, data).status_code in (200, 422)
    assert not FormSubmission.objects.exists()
    assert patient_client.post(url, {**data, "taken_on": "2024-05-01"}).status_code == 302
    assert LabResult.objects.filter(patient=patient).count() == 1


def test_a_token_is_per_user(client, patient, clinician):
    token = str(uuid.uuid4())
    data = {"test": "vitamin_d_25oh", "taken_on": "2024-05-01", "entered_value": "75", "entered_unit": "nmol/L", FIELD: token}
    url = reverse("labs:lab-list", kwargs={"patient_id": patient.pk})
    for user in (patient.user, clinician):
        client.force_login(user)
        client.post(url, data)
    assert LabResult.objects.filter(patient=patient).count() == 2


def test_old_tokens_are_forgotten(patient_client, patient):
    old = FormSubmission.objects.create(user=patient.user, token=uuid.uuid4(), created_at=timezone.now() - KEEP - dt.timedelta(1))
    url = reverse("labs:lab-list", kwargs={"patient_id": patient.pk})
    data = {"test": "vitamin_d_25oh", "taken_on": "2024-05-01", "entered_value": "75", "entered_unit": "nmol/L"}
    patient_client.post(url, {**data, FIELD: str(uuid.uuid4())})
    assert not FormSubmission.objects.filter(pk=old.pk).exists()
    assert FormSubmission.objects.count() == 1


PAGES = [
    ("exercise:week", {}, 2),  # quick add, repeat
    ("exercise:session-add", {}, 1),
    ("nutrition:supplement-list", {}, 1),
    ("nutrition:custom-food-list", {}, 1),
    ("labs:lab-list", {}, 1),
    ("patients:fracture-list", {}, 1),
    ("dexa:scan-add", {}, 1),
    ("medications:course-list", {}, 1),
]


@pytest.mark.parametrize(("name", "params", "forms"), PAGES, ids=[p[0] for p in PAGES])
def test_create_forms_carry_a_fresh_token(patient_client, patient, name, params, forms):
    html = patient_client.get(reverse(name, kwargs={"patient_id": patient.pk}), params).content.decode()
    tokens = re.findall(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"', html)
    assert len(tokens) >= forms and len(set(tokens)) == len(tokens)
    again = patient_client.get(reverse(name, kwargs={"patient_id": patient.pk}), params).content.decode()
    assert not set(tokens) & set(re.findall(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"', again))


def test_the_day_page_gives_each_create_form_its_own_token(patient_client, patient):
    _yesterday_lunch(patient)  # a recent food: a one-tap chip
    _supplement(patient)
    html = patient_client.get(reverse("nutrition:day", kwargs={"patient_id": patient.pk})).content.decode()
    tokens = re.findall(rf'name="{FIELD}" value="([0-9a-f-]{{36}})"', html)
    assert len(tokens) == 3 and len(set(tokens)) == 3  # the chip, the copy form, the supplement tick
    assert html.count('hx-disabled-elt="find button"') >= 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two requests at once need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_the_same_moment_save_once(patient):
    url = reverse("exercise:entry-add", kwargs={"patient_id": patient.pk})
    data = {
        "date": _today(patient),
        "exercise": library_exercise("brisk-walking").pk,
        "minutes": 30,
        "load_unit": "kg",
        FIELD: str(uuid.uuid4()),
    }
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        client = Client()
        client.force_login(patient.user)
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 302]
    assert SessionEntry.objects.filter(session__patient=patient).count() == 1
