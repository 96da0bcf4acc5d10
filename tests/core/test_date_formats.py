"""Dates in each person's chosen style (dmy / mdy / iso): Python, templates, requests, emails; stored values unchanged."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpResponse
from django.template import TemplateSyntaxError, engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from bonetrack.core.date_display import DEFAULT_STYLE, chart_day_format, current_style, day_format, format_day
from bonetrack.core.middleware import DateFormatMiddleware
from bonetrack.reminders.delivery import send_digest_emails, send_reminder_emails
from bonetrack.reminders.models import ClinicianDigest, Notification, Reminder
from bonetrack.reminders.sweep import build_digests, sweep
from tests.factories import ClinicianFactory, FallFactory, MembershipFactory, PatientFactory, UserFactory

DAY = dt.date(2026, 11, 29)  # a Sunday
MOMENT = dt.datetime(2026, 11, 29, 14, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("style", "options", "expected"),
    [
        ("dmy", {}, "29 Nov 2026"),
        ("mdy", {}, "Nov 29, 2026"),
        ("iso", {}, "2026-11-29"),
        ("dmy", {"long": True}, "29 November 2026"),
        ("mdy", {"long": True}, "November 29, 2026"),
        ("iso", {"long": True}, "2026-11-29"),
        ("dmy", {"weekday": True}, "Sun 29 Nov 2026"),
        ("mdy", {"weekday": True}, "Sun, Nov 29, 2026"),
        ("iso", {"weekday": True}, "Sun 2026-11-29"),
        ("dmy", {"weekday": "long"}, "Sunday 29 Nov 2026"),
        ("dmy", {"weekday": "long", "long": True}, "Sunday 29 November 2026"),
        ("mdy", {"weekday": "long", "long": True}, "Sunday, November 29, 2026"),
        ("iso", {"weekday": "long", "long": True}, "Sunday 2026-11-29"),
        ("dmy", {"year": False}, "29 Nov"),
        ("mdy", {"year": False}, "Nov 29"),
        ("iso", {"year": False}, "2026-11-29"),  # an ISO date without its year would not be one
        ("dmy", {"weekday": True, "year": False}, "Sun 29 Nov"),
        ("mdy", {"weekday": True, "year": False}, "Sun, Nov 29"),
    ],
)
def test_format_day_in_each_style(style, options, expected):
    assert format_day(DAY, style, **options) == expected
    with day_format(style):
        assert format_day(DAY, **options) == expected


@pytest.mark.parametrize(
    ("style", "expected"), [("dmy", "29 Nov 2026, 14:05"), ("mdy", "Nov 29, 2026, 14:05"), ("iso", "2026-11-29 14:05")]
)
def test_a_moment_is_shown_in_the_active_time_zone(style, expected):
    assert format_day(MOMENT, style, time=True) == expected
    with timezone.override(ZoneInfo("Pacific/Auckland")):  # UTC+13 in November: the next day there
        assert format_day(MOMENT, style) == format_day(dt.date(2026, 11, 30), style)
    assert format_day(None, style) == ""


def test_day_format_restores_the_previous_style_and_ignores_unknown_ones():
    assert current_style() == DEFAULT_STYLE
    with day_format("mdy"):
        with day_format("iso"):
            assert format_day(DAY) == "2026-11-29"
        assert format_day(DAY) == "Nov 29, 2026"
        with day_format("nonsense"):
            assert format_day(DAY) == "29 Nov 2026"
    assert current_style() == DEFAULT_STYLE


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("dmy", "29 Nov 2026|29 November 2026|Sun 29 Nov 2026|Sunday 29 Nov|29 Nov 2026, 14:05|2026-11-29"),
        ("mdy", "Nov 29, 2026|November 29, 2026|Sun, Nov 29, 2026|Sunday, Nov 29|Nov 29, 2026, 14:05|2026-11-29"),
        ("iso", "2026-11-29|2026-11-29|Sun 2026-11-29|Sunday 2026-11-29|2026-11-29 14:05|2026-11-29"),
    ],
)
def test_template_filters_need_no_load_and_follow_the_style(style, expected):
    template = engines["django"].from_string(
        '{{ d|day }}|{{ d|day:"long" }}|{{ d|day:"weekday" }}|{{ d|day:"long_weekday no_year" }}|{{ m|day_time }}'
        "|{{ d|date:'Y-m-d' }}"
    )
    with day_format(style), timezone.override(dt.UTC):
        assert template.render({"d": DAY, "m": MOMENT}) == expected


def test_template_filters_show_nothing_for_missing_values_and_refuse_unknown_options():
    template = engines["django"].from_string('[{{ none|day }}][{{ text|day_time }}][{{ none|day|default:"—" }}]')
    assert template.render({"none": None, "text": "soon"}) == "[][][—]"
    with pytest.raises(TemplateSyntaxError, match="Unknown"):
        engines["django"].from_string('{{ d|day:"shouting" }}').render({"d": DAY})


def test_chart_hover_dates_follow_the_style():
    assert (chart_day_format(), chart_day_format(year=False)) == ("%-d %b %Y", "%-d %b")
    with day_format("mdy"):
        assert chart_day_format() == "%b %-d, %Y"
    with day_format("iso"):
        assert chart_day_format(year=False) == "%Y-%m-%d"


# Requests ---------------------------------------------------------------------------------------------------------


def test_the_middleware_sets_the_style_for_one_request_and_resets_it(db):
    seen = []
    middleware = DateFormatMiddleware(lambda request: HttpResponse(seen.append(format_day(DAY)) or ""))
    for user, expected in ((UserFactory(date_format="mdy"), "Nov 29, 2026"), (UserFactory(date_format="iso"), "2026-11-29")):
        request = RequestFactory().get("/")
        request.user = user
        middleware(request)
        assert seen[-1] == expected
        assert current_style() == DEFAULT_STYLE  # nothing leaks into the next request on this thread
    with pytest.raises(ZeroDivisionError):
        DateFormatMiddleware(lambda request: 1 / 0)(request)
    assert current_style() == DEFAULT_STYLE  # reset even when the view fails


def test_two_people_with_different_styles_each_see_their_own(db, client):
    for style, expected in (("mdy", "Mar 1, 2024"), ("iso", "2024-03-01"), ("dmy", "1 Mar 2024")):
        fall = FallFactory(patient=PatientFactory(user__date_format=style), occurred_on=dt.date(2024, 3, 1))
        client.force_login(fall.patient.user)
        url = reverse("patients:fall-delete", kwargs={"patient_id": fall.patient.pk, "fall_id": fall.pk})
        response = client.post(url, follow=True)
        assert f"Deleted: fall on {expected}." in response.content.decode()
        assert current_style() == DEFAULT_STYLE


def test_date_inputs_stay_iso_and_saving_leaves_stored_dates_alone(db, client):
    patient = PatientFactory(user__date_format="mdy", date_of_birth=dt.date(1950, 3, 4))
    client.force_login(patient.user)
    url = reverse("patients:profile", kwargs={"patient_id": patient.pk})
    page = client.get(url).content.decode()
    assert re.search(r'<input type="date" name="profile-date_of_birth" value="1950-03-04"', page)
    data = {
        "user-first_name": "Ada",
        "user-last_name": "Byron",
        "user-time_zone": "UTC",
        "user-date_format": "iso",
        "profile-date_of_birth": "1950-03-04",
        "profile-sex": patient.sex,
        "profile-menopausal_status": patient.menopausal_status,
        "profile-body_units": "metric",
        "profile-shown_units": "metric",
        "profile-height_cm": "165",
        "profile-weight_kg": "62",
    }
    assert client.post(url, data).status_code == 302
    patient.refresh_from_db()
    patient.user.refresh_from_db()
    assert (patient.date_of_birth, patient.user.date_format) == (dt.date(1950, 3, 4), "iso")


def test_staff_choose_their_date_style_in_the_admin(admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[admin_user.pk])).content.decode()
    assert 'name="date_format"' in page


# Emails and stored texts ------------------------------------------------------------------------------------------


def test_a_reminder_email_and_its_notification_use_the_patients_style(db):
    now = dt.datetime(2026, 11, 9, 12, 0, tzinfo=dt.UTC)  # 20 days before DAY: a reminder stage
    patient = PatientFactory(next_scan_due_on=DAY, user__date_format="mdy")
    other = PatientFactory(next_scan_due_on=DAY, user__date_format="iso")
    sweep(now, enqueue=False)
    reminder = Reminder.objects.get(patient=patient)
    assert send_reminder_emails([reminder.pk], now) == {reminder.pk: "sent"}
    (message,) = mail.outbox
    assert "Sunday, November 29, 2026" in message.body and "Sunday, November 29, 2026" in message.alternatives[0][0]
    assert "Sunday, November 29, 2026" in Notification.objects.get(recipient=patient.user).body
    assert "Sunday 2026-11-29" in Notification.objects.get(recipient=other.user).body
    assert current_style() == DEFAULT_STYLE
    patient.refresh_from_db()
    assert patient.next_scan_due_on == DAY  # the stored date is untouched


def test_a_clinician_digest_email_uses_the_clinicians_style(db):
    now = dt.datetime(2027, 1, 8, 12, 0, tzinfo=dt.UTC)  # 40 days after DAY
    clinician = ClinicianFactory(date_format="mdy")
    MembershipFactory(
        patient=PatientFactory(next_scan_due_on=DAY, user__first_name="Helen", user__last_name="Park"), clinician=clinician
    )
    build_digests(now, enqueue=False)
    digest = ClinicianDigest.objects.get()
    assert send_digest_emails([digest.pk], now) == {digest.pk: "sent"}
    (message,) = mail.outbox
    assert "Helen Park: due Nov 29, 2026, 40 days overdue" in message.body
    assert "Nov 29, 2026" in message.alternatives[0][0]
    assert digest.patients[0]["due_on"] == "2026-11-29"  # stored as ISO, whatever the style


# Templates must not fix a day's format --------------------------------------------------------------------------------

DATE_FILTER = re.compile(r"""\|date(?::(?P<q>["'])(?P<fmt>.*?)(?P=q))?(?![\w:])""")
MACHINE_ATTRIBUTE = re.compile(
    r"""\b(?:value|datetime)=(?:"(?:\{\{.*?\}\}|\{%.*?%\}|[^"])*"|'(?:\{\{.*?\}\}|\{%.*?%\}|[^'])*')"""
)
# Formats for machines (URLs, hidden inputs, data attributes): ISO, whoever looks.
MACHINE_FORMATS = {"Y-m-d", "c", "U", "r", "Y-m-d\\TH:i", "Y-m-d H:i"}


def shows_a_day(fmt: str | None) -> bool:
    """Whether a `date` format shows a calendar day to a person (a day of the month with its month or weekday)."""
    if fmt is None:
        return True  # DATE_FORMAT: a day
    if fmt in MACHINE_FORMATS:
        return False
    letters = re.sub(r"\\.", "", fmt)  # escaped characters are literal text
    return bool(re.search("[jd]", letters) and re.search("[MFNbmnDlE]", letters))


def fixed_day_formats(text: str) -> list[str]:
    protected = [m.span() for m in MACHINE_ATTRIBUTE.finditer(text)]
    return [
        m.group(0)
        for m in DATE_FILTER.finditer(text)
        if shows_a_day(m["fmt"]) and not any(start <= m.start() < end for start, end in protected)
    ]


def template_files() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [p for app in ("bonetrack", "dexa", "nutrition", "exercise") for p in (settings.BASE_DIR / app).rglob("templates")]
    return [path for root in roots for path in sorted(root.rglob("*")) if path.suffix in {".html", ".txt"}]


@pytest.mark.parametrize(
    ("snippet", "flagged"),
    [
        ('{{ scan.scanned_on|date:"j M Y" }}', True),
        ("{{ d|date:'l j F' }}", True),
        ("{{ d|date:'M j, Y' }}", True),
        ("{{ d|date }}", True),
        ("<a data-confirm=\"Delete the fall of {{ f.on|date:'j M Y' }}?\">", True),
        ('{{ at|date:"j M Y, H:i" }}', True),
        ("{{ scan.scanned_on|day }}", False),
        ('{{ at|date:"H:i" }} {{ d|date:"M Y" }} {{ d|date:"D" }} {{ d|date:"j" }}', False),
        ("<a href=\"?week={{ d|date:'Y-m-d' }}\">", False),
        ('<input type="date" value="{{ d|date:\'j M Y\' }}">', False),
        ("<time datetime=\"{{ at|date:'c' }}\">", False),
        ('{{ d|date:"\\d\\a\\y" }}', False),
    ],
)
def test_the_template_check_tells_a_fixed_day_from_machine_values(snippet, flagged):
    assert bool(fixed_day_formats(snippet)) is flagged


def test_no_template_shows_a_day_in_a_fixed_format():
    """Days go through `|day` / `|day_time`; `|date` is for machine values and formats without a day ("H:i", "M Y")."""
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {hit}"
        for path in template_files()
        for hit in fixed_day_formats(path.read_text())
    ]
    assert template_files()
    assert not offenders, "Use |day or |day_time:\n" + "\n".join(offenders)
