import datetime as dt
import json

import pytest
from django.urls import reverse

from bonetrack.core.devdata.benchmarking import is_transaction_control
from exercise.models import ExerciseSession, SessionEntry
from tests.exercise.factories import ExerciseSessionFactory, SessionEntryFactory, library_exercise
from tests.factories import FractureFactory

TODAY = dt.date(2026, 11, 22)  # Sunday, in the patient's zone (UTC) at the frozen time


@pytest.fixture(autouse=True)
def _frozen(frozen_now, lowest_t):
    lowest_t(None)


def url(name, patient, **kwargs):
    return reverse(f"exercise:{name}", kwargs={"patient_id": patient.pk, **kwargs})


def quick(exercise_slug, **fields):
    data = {"date": TODAY.isoformat(), "exercise": library_exercise(exercise_slug).pk, "load_unit": "kg"}
    data.update({key: str(value) for key, value in fields.items()})
    return data


def real_queries(captured) -> list[str]:
    """The queries a production request makes: tests add SAVEPOINTs around ATOMIC_REQUESTS and the session save."""
    return [q["sql"] for q in captured.captured_queries if not is_transaction_control(q["sql"])]


# Every request: session read, user and the patient (access check); the idle-session refresh writes at most once a minute.
FIXED_QUERIES = 3
SAVEPOINT_QUERIES = 4


def goal_values(response) -> dict:
    return {goal.key: goal.value for goal in response.context["goals"]}


# Week view ------------------------------------------------------------------------------------------------------


def test_week_view_shows_goals_and_sessions(patient_client, patient):
    session = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=1))
    SessionEntryFactory(session=session, exercise=library_exercise("brisk-walking"), minutes=40)
    SessionEntryFactory(session=session, exercise=library_exercise("squat"), minutes=None, sets=3, reps=8, load=12)
    ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=7))  # the previous week
    response = patient_client.get(url("week", patient))
    assert response.status_code == 200
    assert response.context["week_first"] == dt.date(2026, 11, 16)
    assert goal_values(response) == {"resistance": 1, "balance": 0, "weight_bearing": 40, "posture": 0}
    html = response.content.decode()
    assert "Weeks run Monday to Sunday in your time zone (UTC)" in html
    assert "3 × 8 × 12 kg" in html
    assert [s.pk for s, _ in response.context["sessions"]] == [session.pk]


def test_week_view_past_week_and_future_is_clamped(patient_client, patient):
    response = patient_client.get(url("week", patient), {"week": "2026-11-04"})
    assert response.context["week_first"] == dt.date(2026, 11, 2)
    assert response.context["next_week"] == dt.date(2026, 11, 9)
    response = patient_client.get(url("week", patient), {"week": "2027-01-01"})
    assert response.context["week_first"] == dt.date(2026, 11, 16)
    assert response.context["next_week"] is None
    assert patient_client.get(url("week", patient), {"week": "nonsense"}).context["week_first"] == dt.date(2026, 11, 16)


def _heavy_history(patient, weeks=60):
    library = [library_exercise(s) for s in ("brisk-walking", "squat", "tai-chi", "back-extensions")]
    sessions = ExerciseSession.objects.bulk_create(
        [ExerciseSession(patient=patient, date=TODAY - dt.timedelta(days=n)) for n in range(weeks * 7)]
    )
    SessionEntry.objects.bulk_create(
        [SessionEntry(session=s, exercise=e, minutes=20, sets=3, reps=8, load=10) for s in sessions for e in library]
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_week_view_query_count_is_fixed(patient_client, patient, django_assert_max_num_queries, htmx):
    _heavy_history(patient)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    # Fixed queries plus: the week's aggregation, the week's entries and the library for the quick-add form.
    with django_assert_max_num_queries(FIXED_QUERIES + 3 + SAVEPOINT_QUERIES) as captured:
        response = patient_client.get(url("week", patient), **headers)
    assert response.status_code == 200
    assert len(real_queries(captured)) == FIXED_QUERIES + 3


def test_history_query_count_is_fixed(patient_client, patient, django_assert_max_num_queries):
    _heavy_history(patient)
    # Fixed queries plus one aggregation over the 12 weeks.
    with django_assert_max_num_queries(FIXED_QUERIES + 1 + SAVEPOINT_QUERIES) as captured:
        response = patient_client.get(url("history", patient))
    assert response.status_code == 200
    assert len(real_queries(captured)) == FIXED_QUERIES + 1
    weeks = response.context["weeks"]
    assert len(weeks) == 12
    assert weeks[0]["start"] == dt.date(2026, 11, 16)
    assert [g.value for g in weeks[1]["goals"]] == [7, 7, 140, 7]
    assert "minutes-figure" in response.content.decode()


def test_clinician_week_view_query_count(clinician_client, patient, django_assert_max_num_queries):
    _heavy_history(patient, weeks=10)
    with django_assert_max_num_queries(FIXED_QUERIES + 4 + SAVEPOINT_QUERIES) as captured:
        assert clinician_client.get(url("week", patient)).status_code == 200
    assert len(real_queries(captured)) == FIXED_QUERIES + 3 + 1  # + the access-log INSERT: 7, within the budget of 8


# Quick add ------------------------------------------------------------------------------------------------------


def test_quick_add_logs_walk_and_band_workout_into_todays_session(patient_client, patient):
    response = patient_client.post(url("entry-add", patient), quick("brisk-walking", minutes=30))
    assert response.status_code == 302
    patient_client.post(url("entry-add", patient), quick("resistance-bands", sets=3, reps=12))
    [session] = ExerciseSession.objects.filter(patient=patient)
    assert session.date == TODAY
    assert [(e.exercise.slug, e.minutes, e.sets, e.reps, e.position) for e in session.entries.all()] == [
        ("brisk-walking", 30, None, None, 0),
        ("resistance-bands", None, 3, 12, 1),
    ]
    response = patient_client.get(url("week", patient))
    assert goal_values(response) == {"resistance": 1, "balance": 0, "weight_bearing": 30, "posture": 0}


def test_quick_add_with_htmx_returns_the_week_body_with_moved_goals(patient_client, patient):
    response = patient_client.post(
        url("entry-add", patient), quick("squat", sets=3, reps=8, load=20, effort=6), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="week-body"')
    assert "<html" not in html
    assert goal_values(response)["resistance"] == 1
    assert json.loads(response["HX-Trigger"])["showMessage"]["value"].startswith("Logged squat (free weights): 3 × 8 × 20 kg")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"exercise": "brisk-walking", "minutes": 0}, "minutes", "Minutes must be between 1 and 600."),
        ({"exercise": "brisk-walking", "minutes": 601}, "minutes", "Minutes must be between 1 and 600."),
        ({"exercise": "brisk-walking"}, "minutes", "Enter the minutes."),
        ({"exercise": "squat", "sets": 21, "reps": 8}, "sets", "Sets must be between 1 and 20."),
        ({"exercise": "squat", "sets": 3, "reps": 101}, "reps", "Reps must be between 1 and 100."),
        ({"exercise": "squat", "sets": 3, "reps": 8, "load": "500.5"}, "load", "Load must be between 0 and 500 kg (1102 lb)."),
        ({"exercise": "squat", "sets": 3, "reps": 8, "load": "1103", "load_unit": "lb"}, "load", "between 0 and 500 kg"),
        ({"exercise": "squat", "sets": 3, "reps": 8, "load": "-1"}, "load", "Load must be between 0 and 500 kg (1102 lb)."),
        ({"exercise": "squat", "sets": 3}, "reps", "Enter the reps as well as the sets."),
        ({"exercise": "squat"}, "sets", "Enter sets and reps (or the minutes) for resistance work."),
        ({"exercise": "squat", "sets": 3, "reps": 8, "effort": 11}, "effort", "Effort is from 1 to 10."),
        ({"exercise": "brisk-walking", "minutes": 20, "date": "2026-11-23"}, "date", "The date can't be in the future."),
    ],
)
def test_quick_add_validation_keeps_input_and_shows_the_message_by_the_field(patient_client, patient, fields, field, message):
    slug = fields.pop("exercise")
    data = quick(slug, **fields)
    response = patient_client.post(url("entry-add", patient), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert not SessionEntry.objects.exists()
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html  # rendered with the field (as_field_group)
    for name, value in data.items():
        if name not in ("exercise", "load_unit"):
            assert f'name="{name}" value="{value}"' in html


def test_load_in_pounds_within_500_kg_is_accepted(patient_client, patient):
    patient_client.post(url("entry-add", patient), quick("squat", sets=3, reps=5, load="1100", load_unit="lb"))
    entry = SessionEntry.objects.get()
    assert entry.load_unit == "lb" and round(entry.load_kg) == 499


# Safety (R10) ---------------------------------------------------------------------------------------------------


def test_sit_ups_at_t_minus_2_5_ask_for_confirmation_with_the_safer_alternative(patient_client, patient, lowest_t):
    lowest_t("-2.5")
    data = quick("sit-ups", sets=2, reps=10)
    response = patient_client.post(url("entry-add", patient), data)
    assert response.status_code == 200
    assert not SessionEntry.objects.exists()
    html = response.content.decode()
    assert "Check before you log this" in html
    assert "T-score is −2.5 (osteoporosis range)" in html
    assert "Prone back raise, or lying leg raises with the back kept flat." in html
    assert 'name="confirm_flags" value="1"' in html
    assert f'name="exercise" value="{data["exercise"]}"' in html  # the submitted data rides along

    response = patient_client.post(url("entry-add", patient), {**data, "confirm_flags": "1"})
    assert response.status_code == 302
    entry = SessionEntry.objects.get()
    assert entry.flagged
    assert entry.flag_confirmed_by == patient.user
    assert entry.flag_confirmed_at is not None
    assert entry.flag_reasons == [
        "Loaded forward bending or twisting of the spine: flagged because "
        "your latest lowest T-score is −2.5 (osteoporosis range)."
    ]


def test_sit_ups_at_t_minus_2_4_are_logged_without_a_flag(patient_client, patient, lowest_t):
    lowest_t("-2.4")
    response = patient_client.post(url("entry-add", patient), quick("sit-ups", sets=2, reps=10))
    assert response.status_code == 302
    assert SessionEntry.objects.get().flagged is False


def test_going_back_from_the_confirmation_keeps_the_input(patient_client, patient, lowest_t):
    lowest_t("-2.8")
    data = quick("running", minutes=25, notes="park run")
    response = patient_client.post(url("entry-add", patient), {**data, "revise": "1"})
    assert response.status_code == 200
    assert response.context["pending"] is None
    html = response.content.decode()
    assert 'value="park run"' in html and 'value="25"' in html
    assert not SessionEntry.objects.exists()


def test_htmx_confirmation_is_a_partial(patient_client, patient, lowest_t):
    lowest_t("-3.0")
    response = patient_client.post(url("entry-add", patient), quick("jumping", minutes=10), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Check before you log this" in html
    assert 'hx-post="' in html and "Heel raises, or brisk walking." in html


def test_vertebral_fracture_caps_impact_at_brisk_walking(patient_client, patient):
    FractureFactory(patient=patient, site="vertebral", fragility=True)
    response = patient_client.post(url("entry-add", patient), quick("jogging", minutes=20))
    assert response.status_code == 200
    assert "Impact above brisk walking" in response.content.decode()
    response = patient_client.post(url("entry-add", patient), quick("brisk-walking", minutes=20))
    assert response.status_code == 302
    assert SessionEntry.objects.get().flagged is False


def test_clinician_sees_the_flag(client, clinician, patient, lowest_t):
    entry = SessionEntryFactory(
        session=ExerciseSessionFactory(patient=patient, date=TODAY),
        exercise=library_exercise("crunches"),
        minutes=None,
        sets=2,
        reps=10,
        flagged=True,
        flag_reasons=["Loaded forward bending or twisting of the spine: flagged because ..."],
        flag_confirmed_by=patient.user,
    )
    client.force_login(clinician)
    week = client.get(url("week", patient)).content.decode()
    assert "Flagged" in week and "Loaded forward bending or twisting" in week
    flags = client.get(url("flag-list", patient))
    assert list(flags.context["entries"]) == [entry]
    assert patient.user.display_name in flags.content.decode()


def test_library_marks_exercises_flagged_for_this_patient(patient_client, patient, lowest_t):
    lowest_t("-2.6")
    response = patient_client.get(url("library", patient))
    flagged = {row["exercise"].slug for g in response.context["groups"] for row in g["rows"] if row["reasons"]}
    assert flagged == {"running", "jumping", "skipping-rope", "jump-landings", "golf-swing", "sit-ups", "crunches",
                       "loaded-forward-bends", "toe-touches"}  # fmt: skip
    assert "5 exercise" not in response.content.decode()
    assert "9 exercises flagged for you" in response.content.decode()
    lowest_t("-2.4")
    response = patient_client.get(url("library", patient))
    assert "No exercise is flagged" in response.content.decode()


# Full session form, edit, delete, repeat ------------------------------------------------------------------------


def _formset(prefix_rows, initial=0, **session):
    data = {"date": TODAY.isoformat(), "notes": "", **session}
    data.update({"entries-TOTAL_FORMS": str(len(prefix_rows)), "entries-INITIAL_FORMS": str(initial)})
    data.update({"entries-MIN_NUM_FORMS": "1", "entries-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(prefix_rows):
        data.update({f"entries-{i}-{key}": str(value) for key, value in row.items()})
    return data


def test_session_add_with_several_exercises(patient_client, patient):
    rows = [
        {"exercise": library_exercise("brisk-walking").pk, "minutes": 30, "load_unit": "kg"},
        {"exercise": library_exercise("row").pk, "sets": 3, "reps": 10, "load": 6, "load_unit": "kg", "effort": 6},
        {"exercise": "", "load_unit": "kg"},
    ]
    response = patient_client.post(url("session-add", patient), _formset(rows, notes="Gym"))
    assert response.status_code == 302
    session = ExerciseSession.objects.get()
    assert session.notes == "Gym" and session.created_by == patient.user
    assert [e.exercise.slug for e in session.entries.all()] == ["brisk-walking", "row"]


def test_session_add_needs_one_exercise_and_keeps_input(patient_client, patient):
    response = patient_client.post(url("session-add", patient), _formset([{"exercise": "", "load_unit": "kg"}], notes="kept"))
    assert response.status_code == 422
    assert "Please submit at least 1 form." in response.content.decode()
    assert 'value="kept"' in response.content.decode()
    assert not ExerciseSession.objects.exists()


def test_session_add_with_a_flagged_exercise_confirms_first(patient_client, patient, lowest_t):
    lowest_t("-2.5")
    rows = [{"exercise": library_exercise("toe-touches").pk, "minutes": 5, "load_unit": "kg"}]
    response = patient_client.post(url("session-add", patient), _formset(rows))
    assert response.status_code == 200 and "Check before you log this session" in response.content.decode()
    assert not ExerciseSession.objects.exists()
    response = patient_client.post(url("session-add", patient), {**_formset(rows), "confirm_flags": "1"})
    assert response.status_code == 302
    assert SessionEntry.objects.get().flagged


def test_session_edit_keeps_earlier_confirmed_flag_and_checks_new_exercises(patient_client, patient, lowest_t):
    lowest_t("-2.5")
    session = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=2))
    flagged = SessionEntryFactory(
        session=session, exercise=library_exercise("sit-ups"), minutes=None, sets=2, reps=10, flagged=True, flag_reasons=["x"]
    )
    rows = [{"id": flagged.pk, "exercise": flagged.exercise_id, "sets": 3, "reps": 10, "load_unit": "kg"}]
    edit = url("session-edit", patient, session_id=session.pk)
    response = patient_client.post(edit, _formset(rows, initial=1, date=session.date))
    assert response.status_code == 302  # no new confirmation for an entry already confirmed
    flagged.refresh_from_db()
    assert flagged.sets == 3 and flagged.flagged and flagged.flag_reasons == ["x"]
    rows.append({"exercise": library_exercise("crunches").pk, "sets": 2, "reps": 12, "load_unit": "kg"})
    response = patient_client.post(edit, _formset(rows, initial=1, date=session.date))
    assert response.status_code == 200 and "Crunches" in response.content.decode()
    assert session.entries.count() == 1


def test_session_edit_can_remove_an_entry(patient_client, patient):
    session = ExerciseSessionFactory(patient=patient, date=TODAY)
    keep = SessionEntryFactory(session=session, minutes=20)
    drop = SessionEntryFactory(session=session, exercise=library_exercise("tai-chi"), minutes=15)
    rows = [
        {"id": keep.pk, "exercise": keep.exercise_id, "minutes": 25, "load_unit": "kg"},
        {"id": drop.pk, "exercise": drop.exercise_id, "minutes": 15, "load_unit": "kg", "DELETE": "on"},
    ]
    response = patient_client.post(url("session-edit", patient, session_id=session.pk), _formset(rows, initial=2))
    assert response.status_code == 302
    assert [(e.pk, e.minutes) for e in session.entries.all()] == [(keep.pk, 25)]


def test_session_delete(patient_client, patient):
    session = SessionEntryFactory(session=ExerciseSessionFactory(patient=patient, date=TODAY)).session
    response = patient_client.post(url("session-delete", patient, session_id=session.pk))
    assert response.status_code == 302
    assert not ExerciseSession.objects.exists() and not SessionEntry.objects.exists()


def test_repeat_last_session_copies_it_to_today(patient_client, patient):
    last = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=3))
    SessionEntryFactory(session=last, minutes=35)
    SessionEntryFactory(session=last, exercise=library_exercise("squat"), minutes=None, sets=3, reps=8, load=15, effort=6)
    ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=9))
    response = patient_client.post(url("session-repeat", patient))
    assert response.status_code == 302
    today = ExerciseSession.objects.get(patient=patient, date=TODAY)
    assert [(e.exercise.slug, e.minutes, e.sets, e.reps, e.load) for e in today.entries.all()] == [
        ("brisk-walking", 35, None, None, None),
        ("squat", None, 3, 8, 15),
    ]


def test_repeat_with_a_flagged_exercise_confirms_first(patient_client, patient, lowest_t):
    lowest_t("-2.9")
    last = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=1))
    SessionEntryFactory(session=last, exercise=library_exercise("skipping-rope"), minutes=10)
    response = patient_client.post(url("session-repeat", patient))
    assert response.status_code == 200 and "Skipping rope" in response.content.decode()
    assert ExerciseSession.objects.count() == 1
    patient_client.post(url("session-repeat", patient), {"confirm_flags": "1"})
    assert SessionEntry.objects.get(session__date=TODAY).flagged


def test_repeat_with_nothing_to_repeat(patient_client, patient):
    response = patient_client.post(url("session-repeat", patient), follow=True)
    assert "no earlier session to repeat" in response.content.decode()


# Progression ----------------------------------------------------------------------------------------------------


def test_load_progression_per_exercise_in_kg(patient_client, patient, django_assert_max_num_queries):
    squat, row = library_exercise("squat"), library_exercise("row")
    for days, load, unit in ((20, 10, "kg"), (10, 30, "lb"), (3, 15, "kg")):
        session = ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=days))
        SessionEntryFactory(session=session, exercise=squat, minutes=None, sets=3, reps=8, load=load, load_unit=unit)
        SessionEntryFactory(session=session, exercise=squat, minutes=None, sets=1, reps=5, load=5, load_unit="kg")
    SessionEntryFactory(
        session=ExerciseSessionFactory(patient=patient, date=TODAY - dt.timedelta(days=30)),
        exercise=row,
        minutes=None,
        sets=3,
        reps=10,
        load=4,
    )
    with django_assert_max_num_queries(FIXED_QUERIES + 2 + SAVEPOINT_QUERIES):
        response = patient_client.get(url("progression", patient), {"exercise": squat.pk})
    assert [o["exercise__name"] for o in response.context["options"]] == ["Squat (free weights)", "Row (free weights)"]
    rows = response.context["rows"]
    assert [(r["date"], round(float(r["max_load_kg"]), 1)) for r in rows] == [
        (TODAY - dt.timedelta(days=3), 15.0),
        (TODAY - dt.timedelta(days=10), 13.6),
        (TODAY - dt.timedelta(days=20), 10.0),
    ]
    assert round(float(rows[-1]["volume_kg"])) == 3 * 8 * 10 + 5 * 5
    response = patient_client.get(url("progression", patient), {"exercise": row.pk})
    assert [r["date"] for r in response.context["rows"]] == [TODAY - dt.timedelta(days=30)]


def test_load_progression_empty(patient_client, patient):
    response = patient_client.get(url("progression", patient))
    assert "No resistance exercise with a load has been logged yet" in response.content.decode()


def test_week_navigation_with_htmx_returns_the_week_body(patient_client, patient):
    response = patient_client.get(url("week", patient), {"week": "2026-11-10"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="week-body"') and "<html" not in html
    assert "Mon 9 Nov – Sun 15 Nov 2026" in html
