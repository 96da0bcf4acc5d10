"""Doses and open safety prompts on the patient timeline (contract: bonetrack/core/worklist.py).

Each course's start and stop are the clinic timeline's "medication" events; this module adds the doses given at the
clinic or missed (self-taken tablets would bury everything else under a daily event), and the R11 prompts open
today, dated today.
"""

import datetime as dt

from django.urls import reverse

from bonetrack.core.dates import local_midnight
from bonetrack.core.timezones import local_today, zone_of
from bonetrack.core.worklist import TimelineEvent

from .models import Dose, DoseStatus
from .prompting import LEVEL_BADGES, PROMPT_TITLES, treatment_of

KINDS = {"dose": "Doses given or missed", "treatment_prompt": "Medication prompts"}

def _first_day_not_before(before: dt.datetime, zone) -> dt.date:
    """The first day whose local midnight is not strictly older than `before`."""
    local = before.astimezone(zone)
    return local.date() if local.timetz().replace(tzinfo=None) == dt.time.min else local.date() + dt.timedelta(days=1)


def dose_events(patient, *, before: dt.datetime | None, limit: int, zone) -> list[TimelineEvent]:
    """Doses given at the clinic or missed, strictly older than `before`, newest first, in one query."""
    doses = Dose.objects.for_patient(patient).filter(status__in=(DoseStatus.GIVEN, DoseStatus.MISSED))
    if before is not None:
        doses = doses.filter(on__lt=_first_day_not_before(before, zone))
    events = []
    for dose in doses.select_related("course__regimen__drug").order_by("-on", "-pk")[:limit]:
        course = dose.course
        url = reverse("medications:course-detail", kwargs={"patient_id": patient.pk, "course_id": course.pk})
        if dose.status == DoseStatus.MISSED:
            title, badge = f"{course.drug.name} dose missed", ("Missed", "warning")
        else:
            title, badge = f"{course.drug.name} given at the clinic", ("Given", "ok")
        details = [part for part in (f"site {dose.site}" if dose.site else "", f"lot {dose.lot}" if dose.lot else "") if part]
        events.append(
            TimelineEvent(
                when=local_midnight(dose.on, zone),
                kind="dose",
                title=title,
                body=f"{course.regimen.dose_label}; {', '.join(details)}." if details else course.regimen.dose_label,
                badges=(badge,),
                url=url,
            )
        )
    return events


def prompt_events(patient, *, before: dt.datetime | None, limit: int, zone) -> list[TimelineEvent]:
    """The prompts open today, dated today (one query, none for a page that ends before today)."""
    today = local_today(patient.user)
    when = local_midnight(today, zone)
    if before is not None and when >= before:
        return []
    url = reverse("medications:course-list", kwargs={"patient_id": patient.pk})
    return [
        TimelineEvent(
            when=when,
            kind="treatment_prompt",
            title=PROMPT_TITLES[prompt.code],
            body=prompt.clinician_text,
            badges=(LEVEL_BADGES[prompt.level],),
            url=url,
            extra={"code": prompt.code, "level": prompt.level},
        )
        for prompt in treatment_of(patient, today).prompts
    ][:limit]


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """Doses and prompts strictly older than `before`, newest first, at most `limit`: a query per kind asked for."""
    if limit <= 0:
        return []
    zone = zone_of(patient.user)
    events = []
    if "treatment_prompt" in kinds:
        events += prompt_events(patient, before=before, limit=limit, zone=zone)
    if "dose" in kinds:
        events += dose_events(patient, before=before, limit=limit, zone=zone)
    return sorted(events, key=lambda event: event.when, reverse=True)[:limit]
