"""The record's events on the timeline (`RecordEvent`): what changed, who did it and when.

Every kind in `events.EVENT_KINDS` is shown with its label. The kinds are grouped into three timeline filters; edits
of clinical notes are the care team's (the clinic's view leaves `note_edit` out for patients, as it does notes).
"""

import datetime as dt

from bonetrack.core.worklist import TimelineEvent

from .events import EVENT_KINDS
from .models import RecordEvent

KINDS = {"record": "Changes to the record", "care_team": "Care team", "note_edit": "Note edits"}


def timeline_kind(kind: str) -> str:
    """The timeline filter a record event kind belongs to."""
    if kind == "note_edited":
        return "note_edit"
    if kind.startswith("care_team_"):
        return "care_team"
    return "record"


def actor_label(event: RecordEvent, patient) -> str:
    """Who made the change, as anyone but that person reads it (the page says "you" to the person themselves)."""
    actor = event.actor
    if actor is None:
        return "someone whose account was closed"
    if actor.pk == patient.user_id:
        return "the patient"
    if actor.is_admin:
        return "an administrator"
    return actor.display_name


def _text(value) -> str:
    return "" if value is None else f"{value}"


def change_rows(details: dict) -> list[dict[str, str]]:
    """`details` as rows of field, before and after.

    Accepted shapes: {"changes": [{"field", "before", "after"}, …]}; {"before": …, "after": …} (with an optional
    "field"), where before and after may be dicts of fields; {field: {"before": …, "after": …}, …}; and
    {field: value, …}, shown as the value after.
    """
    if not isinstance(details, dict) or not details:
        return []
    if isinstance(details.get("changes"), list):
        return [
            {"field": _text(row.get("field")), "before": _text(row.get("before")), "after": _text(row.get("after"))}
            for row in details["changes"]
            if isinstance(row, dict)
        ]
    if "before" in details or "after" in details:
        before, after = details.get("before"), details.get("after")
        if isinstance(before, dict) or isinstance(after, dict):
            before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
            fields = list(before) + [key for key in after if key not in before]
            return [{"field": key, "before": _text(before.get(key)), "after": _text(after.get(key))} for key in fields]
        return [{"field": _text(details.get("field")), "before": _text(before), "after": _text(after)}]
    rows = []
    for key, value in details.items():
        field = _field_name(key)
        if isinstance(value, dict) and ("before" in value or "after" in value):
            rows.append({"field": field, "before": _text(value.get("before")), "after": _text(value.get("after"))})
        else:
            rows.append({"field": field, "before": "", "after": _text(value)})
    return rows


def _field_name(key: str) -> str:
    """A key as a label: "note_id" becomes "Note id"; labels already written for people are kept."""
    return key[:1].upper() + key[1:].replace("_", " ") if key.islower() else key


def timeline_events(patient, *, before: dt.datetime | None, limit: int, kinds: set[str]) -> list[TimelineEvent]:
    """The patient's record events of the chosen groups strictly older than `before`, newest first: one query."""
    wanted = [kind for kind in EVENT_KINDS if timeline_kind(kind) in kinds]
    if not wanted or limit <= 0:
        return []
    rows = RecordEvent.objects.for_patient(patient).filter(kind__in=wanted).older_than(before).select_related("actor")[:limit]
    return [
        TimelineEvent(
            when=row.occurred_at,
            kind=timeline_kind(row.kind),
            title=EVENT_KINDS[row.kind],
            body=row.summary,
            extra={
                "record_event_id": row.pk,
                "actor_id": row.actor_id,
                "actor": actor_label(row, patient),
                "changes": change_rows(row.details),
            },
        )
        for row in rows
    ]
