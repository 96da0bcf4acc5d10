"""Writing the access log: one INSERT per recorded request (one bulk INSERT for a list of several patients)."""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest

from .models import AccessAction, AccessEvent

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Statements that change rows, and the table they change.
WRITE_STATEMENT = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)', re.IGNORECASE)
# Writes that are bookkeeping, not a change to anyone's record.
BOOKKEEPING_TABLES = frozenset({"django_session", AccessEvent._meta.db_table})


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the right entry of X-Forwarded-For behind `AXES_PROXY_COUNT` proxies."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def action_for(request: HttpRequest) -> str:
    """View for safe methods; for writes, infer create/delete from the URL name, else change."""
    if request.method in SAFE_METHODS:
        return AccessAction.VIEW
    if request.method == "DELETE":
        return AccessAction.DELETE
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    if name.endswith(("-delete", "-remove")):
        return AccessAction.DELETE
    if name.endswith(("-add", "-create", "-new", "-upload", "-import", "-log")):
        return AccessAction.CREATE
    return AccessAction.CHANGE


def page_label(match) -> str:
    """A readable name for the page, e.g. "dexa:scan-list" gives "Scan list"."""
    if match is None or not match.url_name:
        return ""
    return match.url_name.replace("-", " ").replace("_", " ").capitalize()


def _event(request: HttpRequest, patient_id: int, action: str, summary: str) -> AccessEvent:
    return AccessEvent(
        actor=request.user,
        patient_id=patient_id,
        action=action,
        path=request.get_full_path()[:500],
        method=request.method[:8],
        ip=client_ip(request),
        # NUL cannot be stored in a PostgreSQL text column; a header is the one input no form or middleware checks.
        user_agent=request.META.get("HTTP_USER_AGENT", "").replace("\x00", "")[:300],
        summary=summary[:300],
    )


def record_access(request: HttpRequest, patient, *, action: str | None = None, summary: str = "") -> AccessEvent:
    """Append one row to the access log for this request."""
    match = getattr(request, "resolver_match", None)
    event = _event(request, patient.pk, action or action_for(request), summary or page_label(match))
    event.save()
    return event


def record_access_many(request: HttpRequest, patient_ids: Iterable[int], *, action: str, summary: str) -> list[AccessEvent]:
    """One row per patient for a page that shows (or changes) several records at once, in one INSERT."""
    ids = sorted({pk for pk in patient_ids if pk is not None})
    return AccessEvent.objects.bulk_create([_event(request, pk, action, summary) for pk in ids])


def should_record(request: HttpRequest, patient, action: str) -> bool:
    """Every change is recorded; a view is recorded unless the patient is looking at their own record."""
    return action != AccessAction.VIEW or request.user.pk != patient.user_id


class ChangeWatcher:
    """Notes whether any statement run while it is installed changed a row of the database.

    Installed with `connection.execute_wrapper` (Django's hook for instrumenting database access), so it sees every
    INSERT, UPDATE and DELETE, whether from `save()`, a bulk QuerySet method or raw SQL, and no view has to remember
    to say that it changed something. A statement that matched no row (an UPDATE of nothing, an INSERT that hit
    ON CONFLICT DO NOTHING) is not a change; neither is bookkeeping such as the session table. A write later rolled
    back to a savepoint still counts: the log errs on the side of recording.
    """

    def __init__(self) -> None:
        self.changed = False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not self.changed:
            write = WRITE_STATEMENT.match(sql)
            if write and write.group(1).lower() not in BOOKKEEPING_TABLES:
                # sqlite3 counts the rows of an INSERT … RETURNING only once they are fetched, and rowcount is -1
                # where a driver cannot tell: both count as a change, so that none is ever missed.
                self.changed = context["cursor"].rowcount != 0 or "RETURNING" in sql.upper()
        return result


@contextmanager
def watching_for_changes(using: str = DEFAULT_DB_ALIAS) -> Iterator[ChangeWatcher]:
    """`with watching_for_changes() as watcher: ...` then `watcher.changed` says whether anything was written."""
    watcher = ChangeWatcher()
    with connections[using].execute_wrapper(watcher):
        yield watcher


def request_action(request: HttpRequest, *, changed: bool) -> str:
    """What a request did to the record: a change (create/change/delete) only if it wrote to the database.

    A write request that saved nothing (a form sent back with its errors, a confirmation step, a preview) showed
    the record, so it is a view, like a GET.
    """
    return action_for(request) if changed and request.method not in SAFE_METHODS else AccessAction.VIEW
