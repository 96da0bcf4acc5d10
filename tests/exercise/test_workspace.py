"""Dashboard panel, clinician worklist and timeline, demo data and the bench module."""

import datetime as dt
import random

from django.db.models import Q
from django.test import RequestFactory
from django.urls import reverse

from bonetrack.accounts.models import PatientProfile
from bonetrack.core.devdata.benchmarking import BenchContext
from exercise import panels, timeline, worklist
from exercise.devdata import bench, demo
from exercise.models import ExerciseSession, SessionEntry
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.factories import ClinicianFactory, MembershipFactory, PatientFactory

TODAY = dt.date(2026, 11, 22)  # Sunday; the last 4 complete weeks are 19 Oct – 15 Nov


def _log(patient, day, slug, **fields):
    session = ExerciseSession.objects.filter(patient=patient, date=day).first()
    session = session or ExerciseSessionFactory(patient=patient, date=day)
    return SessionEntryFactory(session=session, exercise=library_exercise(slug), **({"minutes": 20} | fields))


def test_dashboard_panel_in_few_queries(db, django_assert_max_num_queries):
    patient = PatientFactory()
    _log(patient, TODAY, "brisk-walking", minutes=45)
    _log(patient, TODAY - dt.timedelta(days=1), "squat", minutes=None, sets=3, reps=8)
    _log(patient, TODAY - dt.timedelta(days=20), "sit-ups", flagged=True, flag_reasons=["x"])
    with django_assert_max_num_queries(3):
        panel = panels.dashboard_panel(RequestFactory().get("/"), patient, TODAY)
    assert {g.key: g.value for g in panel["goals"]} == {"resistance": 1, "balance": 0, "weight_bearing": 45, "posture": 0}
    assert panel["recent_flags"] == 1


def test_dashboard_renders_the_panel(client, db):
    patient = PatientFactory()
    _log(patient, dt.date.today(), "tai-chi")
    client.force_login(patient.user)
    html = client.get(reverse("dashboard:patient-dashboard", kwargs={"patient_id": patient.pk})).content.decode()
    assert "Exercise this week" in html and "Log exercise" in html


def test_worklist_adherence_and_flags(db, django_assert_max_num_queries):
    keen, idle = PatientFactory(), PatientFactory()
    weeks = [dt.date(2026, 10, 19) + dt.timedelta(weeks=n) for n in range(4)]
    for monday in weeks:
        # resistance twice and 150 bout minutes every week; balance twice only in the first week
        _log(keen, monday, "squat", minutes=None, sets=3, reps=8)
        _log(keen, monday + dt.timedelta(days=3), "resistance-bands", minutes=None, sets=3, reps=10)
        _log(keen, monday, "brisk-walking", minutes=100)
        _log(keen, monday + dt.timedelta(days=1), "brisk-walking", minutes=50)
        _log(keen, monday + dt.timedelta(days=2), "brisk-walking", minutes=9)  # a short bout does not count
    _log(keen, weeks[0], "tai-chi")
    _log(keen, weeks[0] + dt.timedelta(days=4), "single-leg-stand")
    for n in range(7):
        _log(keen, weeks[1] + dt.timedelta(days=n), "back-extensions", minutes=5)
    # Outside the window: this week, and the week before the window.
    _log(keen, TODAY, "tai-chi")
    _log(keen, TODAY - dt.timedelta(days=1), "tai-chi")
    _log(keen, weeks[0] - dt.timedelta(days=1), "sit-ups", flagged=True, flag_reasons=["x"])
    _log(keen, TODAY - dt.timedelta(days=91), "sit-ups", flagged=True, flag_reasons=["x"])
    _log(idle, weeks[2], "brisk-walking", minutes=9)
    with django_assert_max_num_queries(1):
        rows = {p.pk: p for p in worklist.annotate(PatientProfile.objects.all(), TODAY)}
    # 4 resistance + 4 weight-bearing + 1 balance + 1 posture = 10 of 16
    assert (rows[keen.pk].exercise_goals_met, rows[keen.pk].exercise_flags_90d) == (10, 1)
    assert (rows[idle.pk].exercise_goals_met, rows[idle.pk].exercise_flags_90d) == (0, 0)
    [flagged] = worklist.FILTERS
    assert list(PatientProfile.objects.filter(Q(flagged.condition(TODAY))).values_list("pk", flat=True)) == [keen.pk]


def test_timeline_monthly_summary_and_flags(db, django_assert_max_num_queries):
    patient = PatientFactory(user__time_zone="Europe/London")
    _log(patient, dt.date(2026, 10, 5), "brisk-walking", minutes=30)
    _log(patient, dt.date(2026, 10, 5), "squat", minutes=None, sets=3, reps=8)
    _log(patient, dt.date(2026, 10, 20), "brisk-walking", minutes=5)
    _log(patient, dt.date(2026, 11, 3), "crunches", flagged=True, flag_reasons=["Loaded forward bending: flagged."])
    with django_assert_max_num_queries(2):
        events = timeline.timeline_events(patient, before=None, limit=10, kinds=set(timeline.KINDS))
    assert [(e.kind, e.title) for e in events] == [
        ("exercise", "Exercise in November 2026"),
        ("exercise_flag", "Flagged exercise logged: Crunches"),
        ("exercise", "Exercise in October 2026"),
    ]
    october = events[2]
    assert october.body.startswith("2 sessions on 2 days; resistance on 1 days; 30 weight-bearing minutes")
    assert october.when.date() == dt.date(2026, 10, 20)
    older = timeline.timeline_events(patient, before=events[1].when, limit=10, kinds={"exercise", "exercise_flag"})
    assert [e.title for e in older] == ["Exercise in October 2026"]
    [flag] = timeline.timeline_events(patient, before=None, limit=1, kinds={"exercise_flag"})
    assert flag.badges == (("Safety flag", "danger"),)


def test_demo_seed_is_idempotent_and_has_one_flagged_session(db):
    from bonetrack.accounts.devdata.demo_accounts import seed_demo_accounts

    context = seed_demo_accounts()
    demo.seed(context)
    counts = (ExerciseSession.objects.count(), SessionEntry.objects.count())
    demo.seed(context)
    assert (ExerciseSession.objects.count(), SessionEntry.objects.count()) == counts
    main = SessionEntry.objects.for_patient(context.patient)
    dates = main.values_list("session__date", flat=True)
    assert (max(dates) - min(dates)).days >= 360
    assert main.flagged().count() == 1
    assert main.flagged().get().exercise.slug == "sit-ups"


def test_bench_seed_and_pages(db, client):
    patients = [PatientFactory() for _ in range(3)]
    clinician = ClinicianFactory()
    MembershipFactory(patient=patients[0], clinician=clinician)
    ctx = BenchContext(today=dt.date.today(), rng=random.Random(1), clinician=clinician, patient=patients[0], patients=patients)
    bench.seed(ctx)
    assert ExerciseSession.objects.filter(patient=patients[0]).count() > 4 * 365 * 0.7
    assert ExerciseSession.objects.filter(patient=patients[1]).exists()
    for page in bench.pages(ctx):
        client.force_login(page.user)
        response = client.get(page.url)
        assert response.status_code == 200, page.name


def test_week_start_in_sql_is_the_monday_of_every_day_of_the_week(patient):
    from django.db.models import Value
    from django.db.models.fields import DateField as DateValue

    from bonetrack.accounts.models import PatientProfile
    from exercise.goals import week_start
    from exercise.worklist import WeekStart

    for offset in range(15):
        day = dt.date(2025, 12, 27) + dt.timedelta(days=offset)  # across a year's end, every weekday twice
        row = PatientProfile.objects.filter(pk=patient.pk).annotate(week=WeekStart(Value(day, output_field=DateValue()))).get()
        assert str(row.week)[:10] == week_start(day).isoformat(), day
