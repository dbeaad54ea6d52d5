"""The annual report's workflow: saving rows safely, submitting, returning and accepting.

draft → submitted → accepted, or submitted → returned → submitted again. A PI edits a
draft or a returned report; every edit names the report version it started from, and an
edit started on an older version is refused with what changed since (`ReportChanged`), so
two people editing one report never silently overwrite each other.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.fiscal import fiscal_year_end, fiscal_year_start
from projects.models import (
    AnnualReport,
    Event,
    Exchange,
    LabStatistic,
    Paper,
    Presentation,
    Project,
    ReportingPeriod,
    ReportStatus,
)

OUTPUT_MODELS: list[type[models.Model]] = [Paper, Presentation, Event, Exchange, LabStatistic]
EDITABLE = [ReportStatus.DRAFT, ReportStatus.RETURNED]


@dataclasses.dataclass(frozen=True)
class Change:
    """One change made by someone else since an edit began."""

    when: datetime.datetime
    who: str
    what: str
    action: str


class ReportChanged(Exception):
    """The report was saved by someone else after this edit began."""

    def __init__(self, report: AnnualReport, changes: list[Change]):
        super().__init__(_("This report was changed by someone else since you opened it."))
        self.report = report
        self.changes = changes


def lock(report: AnnualReport, version: int | None) -> AnnualReport:
    """The report row, locked until the transaction ends, if still at `version`."""
    locked = AnnualReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    if version is not None and locked.version != version:
        raise ReportChanged(locked, changes_since(locked, version))
    return locked


def bump(report: AnnualReport) -> None:
    """Record that the report (or one of its rows) changed; history keeps who and when."""
    report.version += 1
    report.save(update_fields=["version", "updated_at"])


def changes_since(report: AnnualReport, version: int) -> list[Change]:
    """Who changed what in the report after it reached `version`, oldest first."""
    since = (
        report.history.filter(version__lte=version)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    if since is None:
        return []
    changes = [_change(entry) for entry in report.history.filter(history_date__gt=since)]
    for model in OUTPUT_MODELS:
        entries = model.history.filter(report_id=report.pk, history_date__gt=since)
        changes += [_change(entry) for entry in entries.select_related("history_user")]
    changes = [change for change in changes if change.what]
    return sorted(changes, key=lambda change: change.when)


_ACTIONS = {"+": gettext_lazy("added"), "~": gettext_lazy("changed"), "-": gettext_lazy("removed")}
_BOOKKEEPING = {"version", "updated_at"}


def _change(entry) -> Change:
    return Change(
        when=entry.history_date,
        who=str(entry.history_user or _("someone")),
        what=_describe(entry),
        action=str(_ACTIONS[entry.history_type]),
    )


def _describe(entry) -> str:
    """What a history entry changed, in words; empty for a bare version bump."""
    name = entry.instance_type._meta.verbose_name
    if entry.instance_type is not AnnualReport:
        return f"{name}: {entry.instance}"
    previous = entry.prev_record
    if previous is None:
        return str(name)
    fields = set(entry.diff_against(previous).changed_fields) - _BOOKKEEPING
    labels = [str(AnnualReport._meta.get_field(field).verbose_name) for field in sorted(fields)]
    return f"{name}: {', '.join(labels)}" if labels else ""


@transaction.atomic
def save_row(report: AnnualReport, version: int | None, row: models.Model) -> models.Model:
    """Save an output row into an editable report started at `version`."""
    report = _editable(lock(report, version))
    row.report = report
    row.save()
    bump(report)
    return row


@transaction.atomic
def delete_row(report: AnnualReport, version: int | None, row: models.Model) -> None:
    report = _editable(lock(report, version))
    row.delete()
    bump(report)


@transaction.atomic
def save_report(report: AnnualReport, version: int | None, fields: list[str]) -> AnnualReport:
    """Save the report's own fields (buy-out, travel) edited from `version`."""
    locked = _editable(lock(report, version))
    for field in fields:
        setattr(locked, field, getattr(report, field))
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    return locked


def _editable(report: AnnualReport) -> AnnualReport:
    if report.status not in EDITABLE:
        raise ValidationError(_("A submitted or accepted report cannot be edited."))
    return report


def has_outputs(report: AnnualReport) -> bool:
    return any(model.objects.filter(report=report).exists() for model in OUTPUT_MODELS)


@transaction.atomic
def submit(report: AnnualReport, version: int | None, nothing_to_report: bool = False):
    """The PI hands the report in; it is read-only for them from now on."""
    report = _editable(lock(report, version))
    if nothing_to_report and has_outputs(report):
        raise ValidationError(_("This report lists outputs: remove them before reporting nothing."))
    report.nothing_to_report = nothing_to_report
    _move(report, ReportStatus.SUBMITTED, submitted_at=timezone.now())
    return report


@transaction.atomic
def return_report(report: AnnualReport, comment: str) -> AnnualReport:
    """Staff send a submitted report back to the PI with what to fix."""
    report = _submitted(lock(report, None))
    if not comment.strip():
        raise ValidationError({"staff_comment": _("Say what the PI should fix.")})
    _move(report, ReportStatus.RETURNED, staff_comment=comment.strip())
    return report


@transaction.atomic
def accept(report: AnnualReport) -> AnnualReport:
    report = _submitted(lock(report, None))
    _move(report, ReportStatus.ACCEPTED)
    return report


def _submitted(report: AnnualReport) -> AnnualReport:
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted or returned."))
    return report


def _move(report: AnnualReport, status: str, **fields) -> None:
    """Change status; the history row of this save records who did it and when."""
    report.status = status
    for name, value in fields.items():
        setattr(report, name, value)
    report.version += 1
    report.save()


@transaction.atomic
def copy_standing_items(report: AnnualReport, version: int | None) -> int:
    """Carry last year's stays that continue into this fiscal year; returns how many.

    Hubs and survey answers belong to the project and show in every year already; what a
    PI would otherwise retype is the people still abroad (or still visiting) at the start
    of the year. A continuing stay is entered again from 1 April of this fiscal year, so
    each year's report holds the part of the stay that fell in it.
    """
    report = _editable(lock(report, version))
    start = fiscal_year_start(report.fiscal_year)
    continuing = Exchange.objects.filter(
        project=report.project, report__fiscal_year=report.fiscal_year - 1
    ).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=start))
    taken = set(report.exchanges.values_list("person", "direction"))
    copies = [_continued(stay, report, start) for stay in continuing]
    copies = [copy for copy in copies if (copy.person, copy.direction) not in taken]
    for copy in copies:
        copy.save()
    if copies:
        bump(report)
    return len(copies)


def _continued(stay: Exchange, report: AnnualReport, start: datetime.date) -> Exchange:
    return Exchange(
        report=report,
        person=stay.person,
        career_stage=stay.career_stage,
        direction=stay.direction,
        country=stay.country,
        institution=stay.institution,
        start_date=max(stay.start_date, start),
        end_date=stay.end_date,
        funded_by_program=stay.funded_by_program,
        purpose=stay.purpose,
    )


def progress(today: datetime.date) -> list[dict]:
    """Per program and fiscal year: how many reports are in, accepted and overdue."""
    due_on = ReportingPeriod.objects.filter(
        program=models.OuterRef("project__proposal__call__program"),
        fiscal_year=models.OuterRef("fiscal_year"),
    ).values("due_on")[:1]
    rows = (
        AnnualReport.objects.annotate(
            program=models.F("project__proposal__call__program__code"),
            due_on=models.Subquery(due_on),
        )
        .values("program", "fiscal_year")
        .annotate(
            total=models.Count("id"),
            submitted=_count(status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]),
            accepted=_count(status=ReportStatus.ACCEPTED),
            overdue=_count(status__in=EDITABLE, due_on__lt=today),
        )
        .order_by("program", "fiscal_year")
    )
    return [{**row, **_shares(row)} for row in rows]


def _count(**conditions) -> models.Count:
    return models.Count("id", filter=models.Q(**conditions))


def _shares(row: dict) -> dict:
    return {
        f"{name}_share": round(100 * row[name] / row["total"], 1)
        for name in ("submitted", "accepted", "overdue")
    }


def open_reports(today: datetime.date) -> int:
    """Open a draft report for each running project once its reporting period opens."""
    before = AnnualReport.objects.count()
    for period in ReportingPeriod.objects.filter(opens_on__lte=today):
        start, end = fiscal_year_start(period.fiscal_year), fiscal_year_end(period.fiscal_year)
        running = Project.objects.filter(
            proposal__call__program=period.program_id, start_date__lte=end, end_date__gte=start
        )
        drafts = [
            AnnualReport(project=project, fiscal_year=period.fiscal_year) for project in running
        ]
        # Reports that exist already, in whatever state, are left alone.
        AnnualReport.objects.bulk_create(drafts, ignore_conflicts=True)
    return AnnualReport.objects.count() - before
