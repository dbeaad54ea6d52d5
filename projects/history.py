"""What changed in a report, entry by entry: the report page's history.

Each saved version of the report and of its rows (papers, presentations, events, stays,
lab statistics) has a django-simple-history entry; this compares each entry with the one
before it of the same row and says which fields changed, from what to what, with the
fields' names and values in the page's language. One query per kind of row, whatever the
number of entries; entries of rows since deleted are kept (a removal is a change too).
"""

import dataclasses
import datetime

from django.db import models
from django.utils.translation import gettext as _
from django_countries.fields import CountryField

from aspire import countries
from projects.models import AnnualReport, Event, Exchange, LabStatistic, Paper, Presentation

# The kinds of row of one year's report, in the page's order; the report itself comes first.
TRACKED = (AnnualReport, Paper, Presentation, Event, Exchange, LabStatistic)
# Bookkeeping, not what anyone typed: the status says when a report was handed in.
SKIPPED = {"id", "version", "updated_at", "created_at", "submitted_at", "dedupe_key"}
LIMIT = 200  # the newest changes shown; a whole year's rarely comes near
TEXT_SHOWN = 80  # characters of a long text shown before and after


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclasses.dataclass
class Change:
    at: datetime.datetime
    by: object  # the user, or None for the system (a job, an import, a command)
    subject: str  # "Paper “Joint work”", or the report
    action: str  # added, changed, removed: worded by the page
    fields: list[FieldChange]
    reason: str = ""  # a reopening's reason, a return's comment
    status: str = ""  # the report's status after this entry, for the report's own entries


@dataclasses.dataclass
class History:
    changes: list[Change]
    older: int  # changes not shown (past LIMIT)


def report_history(report: AnnualReport) -> History:
    """Every change of the report and its rows, newest first (at most LIMIT)."""
    changes: list[Change] = []
    for model in TRACKED:
        entries = model.history.select_related("history_user")
        if model is AnnualReport:
            entries = entries.filter(id=report.pk)
        else:
            entries = entries.filter(report_id=report.pk)
        changes += _changes(model, entries.order_by("id", "history_date", "history_id"))
    changes.sort(key=lambda change: change.at, reverse=True)
    return History(changes[:LIMIT], max(0, len(changes) - LIMIT))


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in SKIPPED and field.editable and not field.is_relation
    ]


def _changes(model: type[models.Model], entries) -> list[Change]:
    fields = _shown_fields(model)
    found, previous = [], None
    for entry in entries:
        before = previous if previous is not None and previous.id == entry.id else None
        change = _change(model, fields, before, entry)
        if change is not None:
            found.append(change)
        previous = entry
    return found


def _change(model, fields, before, entry) -> Change | None:
    is_report = model is AnnualReport
    subject = _("the report") if is_report else _subject(model, entry)
    reason = entry.history_change_reason or ""
    if is_report and entry.status == "returned" and entry.staff_comment:
        reason = entry.staff_comment
    common = {
        "at": entry.history_date,
        "by": entry.history_user,
        "subject": subject,
        "reason": reason,
        "status": entry.get_status_display() if is_report else "",
    }
    if entry.history_type == "-":
        return Change(action="removed", fields=[], **common)
    if before is None:  # the first entry: the row as added (or the report as opened)
        return Change(action="opened" if is_report else "added", fields=[], **common)
    changed = [
        FieldChange(str(field.verbose_name), _value(before, field), _value(entry, field))
        for field in fields
        if getattr(before, field.attname) != getattr(entry, field.attname)
    ]
    if not changed and not reason:
        return None  # a save that changed nothing anyone typed
    return Change(action="changed", fields=changed, **common)


def _subject(model, entry) -> str:
    """The row as the page names it, from the entry alone (no query per entry)."""
    kind = model._meta.verbose_name
    name = getattr(entry, "title", None) or getattr(entry, "person", None)
    return _("%(kind)s “%(name)s”") % {"kind": kind, "name": name} if name else str(kind)


def _value(entry, field: models.Field) -> str:
    """A value as the page shows it: choice labels, country names, yes/no, dates."""
    value = getattr(entry, field.attname)
    if value is None or value == "":
        return "—"
    if isinstance(field, CountryField):
        return countries.name(str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else f"{text[: TEXT_SHOWN - 1]}…"
