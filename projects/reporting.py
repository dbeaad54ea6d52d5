"""The annual report's workflow and the rules of what a report holds.

draft → submitted → accepted, or submitted → returned → submitted again; staff may reopen
a submitted or accepted report (with a reason) back to draft. A PI edits a draft or a
returned report.

The rules below are the one statement of them; every door goes through them (the PI
pages, uploads and imports, the admin, the API, the jobs), and aspire/frozen.py makes the
ORM refuse a stored row they freeze:

- **Handed in means frozen.** The rows of a submitted or accepted report, and the report
  itself, cannot be changed or deleted; a new row joins only a report still being edited,
  or a record of past years an import made (`imported`), which takes imported rows.
- **A row belongs to one report.** A row naming something already reported in another of
  the project's reports (the same paper, talk, event, stay) is refused, naming that
  report: it is never moved.
- **Project-level items stand per year.** Hubs show in each year they were open; a change
  that would alter how one shows in a handed-in report is refused, as is deleting one
  shown there (close it instead). Survey answers are frozen with the report they were
  recorded in.

Edits are versioned per row (aspire/versions.py): two people editing different rows, or
different fields of one row, never conflict; the same field, changed both ways, is a
conflict shown field by field.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aspire import frozen, versions
from programs.fiscal import fiscal_year_end, fiscal_year_start, format_fiscal_year
from projects.models import (
    SHORT_STAY_DAYS,
    AnnualReport,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    Project,
    ReportingPeriod,
    ReportStatus,
    SurveyAnswer,
    paper_key,
)

OUTPUT_MODELS: list[type[models.Model]] = [Paper, Presentation, Event, Exchange, LabStatistic]
EDITABLE = [ReportStatus.DRAFT, ReportStatus.RETURNED]
FROZEN = [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]

# What names the same output across a project's reports (data-exchange.md's natural keys),
# and the field a clash is reported at.
SAME_OUTPUT: dict[type[models.Model], tuple[str, ...]] = {
    Paper: ("dedupe_key",),
    Presentation: ("title", "presented_on"),
    Event: ("title", "held_on"),
    Exchange: ("person", "direction", "start_date"),
}
# (from, to) status changes of a handed-in report, and the fields each may change with it.
TRANSITIONS = {
    (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED): set(),
    (ReportStatus.SUBMITTED, ReportStatus.RETURNED): {"staff_comment"},
    (ReportStatus.SUBMITTED, ReportStatus.DRAFT): set(),  # reopened
    (ReportStatus.ACCEPTED, ReportStatus.DRAFT): set(),  # reopened
}
_BOOKKEEPING = {"version", "updated_at"}


# --- Naming a report in messages ------------------------------------------------------------


def describe(report: AnnualReport) -> str:
    """ "the accepted FY2023 (令和5年度) report of ASPIRE-2023-1-001": for messages."""
    return _("the %(status)s %(year)s report of %(project)s") % {
        "status": report.get_status_display().lower(),
        "year": format_fiscal_year(report.fiscal_year),
        "project": report.project.code if report.project_id else "—",
    }


def frozen_message(report: AnnualReport) -> str:
    return _(
        "This is part of %(report)s, which is handed in: it cannot be changed now. "
        "Staff can reopen the report."
    ) % {"report": describe(report)}


def is_frozen(report: AnnualReport | None) -> bool:
    return report is not None and report.status in FROZEN


def _stored(row: models.Model) -> models.Model | None:
    return type(row)._default_manager.filter(pk=row.pk).first() if row.pk else None


# --- Rows of a report ----------------------------------------------------------------------


def row_refusal(row: models.Model) -> str | None:
    """Why an output row may not be saved as it is (new or changed), or None."""
    stored = _stored(row)
    if stored is None:
        report = row.report
        if is_frozen(report) and not report.imported:
            return frozen_message(report)
        return None
    return _stored_row_refusal(stored, row)


def _stored_row_refusal(stored: models.Model, row: models.Model) -> str | None:
    if stored.report_id != row.report_id:
        return _("This row belongs to %(report)s: a row is never moved to another report.") % {
            "report": describe(stored.report)
        }
    return frozen_message(stored.report) if is_frozen(stored.report) else None


def row_deletion_refusal(row: models.Model) -> str | None:
    stored = _stored(row)
    return frozen_message(stored.report) if stored and is_frozen(stored.report) else None


def reported_elsewhere(row: models.Model) -> str | None:
    """A row naming what another of the project's reports holds: refused, never moved."""
    key = SAME_OUTPUT.get(type(row))
    if key is None or not row.project_id:
        return None
    if isinstance(row, Paper):
        row.dedupe_key = paper_key(row.doi, row.title)
    lookup = {name: getattr(row, name) for name in key}
    other = (
        type(row)
        ._default_manager.filter(project=row.project_id, **lookup)
        .exclude(pk=row.pk)
        .exclude(report=row.report_id)
        .select_related("report__project")
        .first()
    )
    if other is None:
        return None
    return _("This is already reported in %(report)s.") % {"report": describe(other.report)}


def check_row(row: models.Model) -> None:
    """Every rule of a row of a report, as a ValidationError (for clean() and services)."""
    refusal = row_refusal(row) if hasattr(row, "report_id") else None
    if refusal:
        raise ValidationError(refusal, code="frozen")
    elsewhere = reported_elsewhere(row)
    if elsewhere:
        raise ValidationError({_key_field(row): elsewhere})


def _key_field(row: models.Model) -> str:
    if isinstance(row, Paper):
        return "doi" if row.doi else "title"
    return SAME_OUTPUT[type(row)][0]


# --- Project-level items ------------------------------------------------------------------


def hub_shows_in(hub: Hub, year: int) -> bool:
    """A hub is part of a year's report when it was open at some time in that year."""
    start, end = fiscal_year_start(year), fiscal_year_end(year)
    return hub.established_on <= end and (hub.closed_on is None or hub.closed_on >= start)


def hub_as_shown(hub: Hub, year: int) -> tuple | None:
    """What a year's report says of a hub: closed only if it closed by the year's end."""
    if not hub_shows_in(hub, year):
        return None
    closed = hub.closed_on if hub.closed_on and hub.closed_on <= fiscal_year_end(year) else None
    return (hub.name, str(hub.country), hub.established_on, closed)


def _frozen_reports(project_id) -> list[AnnualReport]:
    reports = AnnualReport.objects.filter(project=project_id, status__in=FROZEN)
    return list(reports.select_related("project").order_by("fiscal_year"))


def hub_refusal(hub: Hub) -> str | None:
    """A hub may change only where no handed-in report would then read differently."""
    stored = _stored(hub)
    for report in _frozen_reports(hub.project_id):
        if stored is None and report.imported:
            continue  # a record of past years takes imported items (see the module)
        before = hub_as_shown(stored, report.fiscal_year) if stored else None
        if before != hub_as_shown(hub, report.fiscal_year):
            return _(
                "This would change %(report)s, which is handed in. Record a closing date after "
                "that year, or ask staff to reopen the report."
            ) % {"report": describe(report)}
    return None


def hub_deletion_refusal(hub: Hub) -> str | None:
    stored = _stored(hub) or hub
    for report in _frozen_reports(hub.project_id):
        if hub_shows_in(stored, report.fiscal_year):
            return _(
                "This hub is part of %(report)s, which is handed in: it cannot be deleted. "
                "Record the date it closed instead."
            ) % {"report": describe(report)}
    return None


def locked_items(project_id, items: list[models.Model]) -> set:
    """Which of a project's hubs and survey answers a handed-in report holds: for the
    report page, one query however many items (the rules of hub_deletion_refusal and
    survey_refusal)."""
    if not items:
        return set()
    frozen_reports = _frozen_reports(project_id)
    frozen_ids = {report.pk for report in frozen_reports}
    years = [report.fiscal_year for report in frozen_reports]
    return {
        (type(item), item.pk)
        for item in items
        if (isinstance(item, Hub) and any(hub_shows_in(item, year) for year in years))
        or (isinstance(item, SurveyAnswer) and item.report_id in frozen_ids)
    }


def survey_refusal(answer: SurveyAnswer) -> str | None:
    stored = _stored(answer)
    report = stored.report if stored else answer.report
    if stored is None and (report is None or report.imported):
        return None
    if stored is not None and stored.report_id != answer.report_id:
        return _("A survey answer stays in the report it was recorded in.")
    return frozen_message(report) if is_frozen(report) else None


# --- The report itself ------------------------------------------------------------------


def report_refusal(report: AnnualReport) -> str | None:
    """A handed-in report changes only by a transition (accept, return, reopen)."""
    stored = frozen.held(report) or _stored(report)
    if stored is None or not is_frozen(stored):
        return None
    changed = {
        field.attname
        for field in AnnualReport._meta.concrete_fields
        if getattr(stored, field.attname) != getattr(report, field.attname)
    } - _BOOKKEEPING
    if not changed:
        return None
    allowed = TRANSITIONS.get((stored.status, report.status))
    if allowed is None or not changed - {"status"} <= allowed:
        return frozen_message(stored)
    if report.status == ReportStatus.DRAFT and not getattr(report, "_change_reason", ""):
        return _("A handed-in report is reopened with a reason (the reopen action).")
    return None


def report_deletion_refusal(report: AnnualReport) -> str | None:
    stored = _stored(report)
    if stored and is_frozen(stored):
        return _("%(report)s is handed in: it cannot be deleted.") % {
            "report": describe(stored).capitalize()
        }
    return None


def project_deletion_refusal(project: Project) -> str | None:
    years = [format_fiscal_year(report.fiscal_year) for report in _frozen_reports(project.pk)]
    if not years:
        return None
    return _("%(project)s holds handed-in reports (%(years)s): it cannot be deleted.") % {
        "project": project.code,
        "years": ", ".join(years),
    }


def _output_refusal(row: models.Model) -> str | None:
    stored = _stored(row)
    return _stored_row_refusal(stored, row) if stored else None


def register_guards() -> None:
    """The ORM's last line (aspire/frozen.py), connected by ProjectsConfig.ready()."""
    for model in OUTPUT_MODELS:
        frozen.register(model, change=_output_refusal, delete=row_deletion_refusal)
    frozen.register(
        Hub, change=lambda hub: hub_refusal(hub) if hub.pk else None, delete=hub_deletion_refusal
    )
    frozen.register(SurveyAnswer, change=survey_refusal)
    frozen.register(AnnualReport, change=report_refusal, delete=report_deletion_refusal)
    frozen.register(Project, change=None, delete=project_deletion_refusal)


def check_item(item: models.Model) -> None:
    """The rules of a project-level item (hub, survey answer) as a ValidationError."""
    refusal = hub_refusal(item) if isinstance(item, Hub) else survey_refusal(item)
    if refusal:
        raise ValidationError(refusal, code="frozen")


# --- Saving rows from the report page -----------------------------------------------------


def lock(report: AnnualReport, **annotations) -> AnnualReport:
    """The report row, locked until the transaction ends: one transition at a time, and
    no row joins a report while it is being handed in. The call comes along: the rules
    ask for its program (the reporting period), and in the same query it costs nothing;
    so do the `annotations` a caller asks for (a hand-in: are lab statistics there)."""
    return _locked(AnnualReport.objects, report.pk, **annotations)


def _locked(reports: models.QuerySet, pk: int, **annotations) -> AnnualReport:
    related = reports.select_related("project__proposal__call").annotate(**annotations)
    # The report and its project are locked, as before (the duplicate check spans the
    # project's years); not the call every report of the program shares, on which 200
    # PIs handing in at once would queue.
    locked = related.select_for_update(of=("self", "project")).get(pk=pk)
    frozen.hold(locked)  # what the frozen guard of its save compares with: no second read
    return locked


def _editable(report: AnnualReport) -> AnnualReport:
    if report.status not in EDITABLE:
        raise ValidationError(_("A submitted or accepted report cannot be edited."), code="frozen")
    return report


def _validate(row: models.Model) -> None:
    if isinstance(row, Hub | SurveyAnswer):
        check_item(row)
    else:
        check_row(row)


@transaction.atomic
def add_row(report: AnnualReport, row: models.Model) -> models.Model:
    """A new row of an editable report (or a project-level item entered from it)."""
    report = _editable(lock(report))
    row.project = report.project
    if not isinstance(row, Hub):
        row.report = report  # outputs, and survey answers (recorded in it)
    if isinstance(row, SurveyAnswer) and row.participant.pk is None:
        row.participant.save()  # a new name: the participant is made with its first answer
        row.participant = row.participant
    _validate(row)
    row.save()
    return row


@transaction.atomic
def edit_row(report: AnnualReport, row: models.Model, base_version, values: dict):
    """Write the fields an edit changed (a three-way merge: aspire/versions.py)."""
    _editable(lock(report))
    if isinstance(values.get("participant"), models.Model) and values["participant"].pk is None:
        values["participant"].save()
    return versions.save_edit(type(row), row.pk, base_version, values, validate=_validate)


@transaction.atomic
def delete_row(report: AnnualReport, row: models.Model, base_version: int | None) -> None:
    _editable(lock(report))
    current = type(row)._default_manager.select_for_update().get(pk=row.pk)
    if base_version is not None and current.version != base_version:
        raise versions.EditConflict(current, [], *versions.last_change(current))
    refusal = frozen.deletion_refusal(current)
    if refusal:
        raise ValidationError(refusal, code="frozen")
    current.delete()


@transaction.atomic
def save_details(report: AnnualReport, base_version, values: dict) -> AnnualReport:
    """The report's own answers (buy-out, travel), merged with others' edits."""
    _editable(lock(report))
    return versions.save_edit(AnnualReport, report.pk, base_version, values)


def has_outputs(report: AnnualReport) -> bool:
    return any(model.objects.filter(report=report).exists() for model in OUTPUT_MODELS)


@transaction.atomic
def reopen(report: AnnualReport, reason: str) -> AnnualReport:
    """Staff return a handed-in report to draft; the history keeps who, when and why."""
    report = lock(report)
    if not is_frozen(report):
        raise ValidationError(_("Only a submitted or accepted report can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report is reopened.")})
    report.status = ReportStatus.DRAFT
    report._change_reason = reason.strip()[:100]
    report.save()
    return report


@transaction.atomic
def submit(
    report: AnnualReport,
    nothing_to_report: bool = False,
    *,
    confirmed: bool = False,
    today: datetime.date | None = None,
) -> AnnualReport:
    """The PI hands the report in; it is frozen from now on.

    The rule of `submission_refusal`: what is required must be there, a null return only
    for a year that has ended, and warnings (or a null return) only once confirmed.
    """
    report = lock(report, has_lab_statistics=_has_lab_statistics())
    return _hand_in(report, nothing_to_report, confirmed, today)


@transaction.atomic
def submit_visible(
    reports: models.QuerySet,
    pk: int,
    allowed: Callable[[AnnualReport], object],
    nothing_to_report: bool = False,
    *,
    confirmed: bool = False,
) -> AnnualReport:
    """`submit` report `pk` of `reports` (those the user may see: DoesNotExist if it is
    not one), read once, under the lock: the page's read of the report is the lock's,
    and `allowed(report)`, which raises PermissionDenied, asks of the row as locked. At
    the deadline, one read of each report rather than two."""
    report = _locked(reports, pk, has_lab_statistics=_has_lab_statistics())
    allowed(report)
    return _hand_in(report, nothing_to_report, confirmed, None)


def _hand_in(
    report: AnnualReport, nothing_to_report: bool, confirmed: bool, today: datetime.date | None
) -> AnnualReport:
    report = _editable(report)
    refusal = submission_refusal(report, nothing_to_report, confirmed, today)
    if refusal:
        raise ValidationError(refusal, code="unconfirmed" if "confirm" in refusal else "refused")
    report.nothing_to_report = nothing_to_report
    _move(report, ReportStatus.SUBMITTED, submitted_at=timezone.now())
    return report


@transaction.atomic
def return_report(report: AnnualReport, comment: str, by=None) -> AnnualReport:
    """Staff send a submitted report back to the PI with what to fix; the PI is told
    (projects/notices.py), and the comment stays in the history and in the notice."""
    from projects import notices  # notices name reports: the module sits on top of this one

    report = _submitted(lock(report))
    if not comment.strip():
        raise ValidationError({"staff_comment": _("Say what the PI should fix.")})
    _move(report, ReportStatus.RETURNED, staff_comment=comment.strip())
    notices.report_returned(report, by)
    return report


@transaction.atomic
def accept(report: AnnualReport, by=None) -> AnnualReport:
    from projects import notices

    report = _submitted(lock(report))
    _move(report, ReportStatus.ACCEPTED)
    notices.report_accepted(report, by)
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
    report.save()


@transaction.atomic
def copy_standing_items(report: AnnualReport) -> int:
    """Carry last year's stays that continue into this fiscal year; returns how many.

    Hubs and survey answers belong to the project and show in every year already; what a
    PI would otherwise retype is the people still abroad (or still visiting) at the start
    of the year. A continuing stay is entered again from 1 April of this fiscal year, so
    each year's report holds the part of the stay that fell in it.
    """
    report = _editable(lock(report))
    start = fiscal_year_start(report.fiscal_year)
    continuing = Exchange.objects.filter(
        project=report.project, report__fiscal_year=report.fiscal_year - 1
    ).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=start))
    taken = set(report.exchanges.values_list("person", "direction"))
    copies = [_continued(stay, report, start) for stay in continuing]
    copies = [copy for copy in copies if (copy.person, copy.direction) not in taken]
    for copy in copies:
        check_row(copy)
        copy.save()
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


# --- The summary at the top of the report, and what submitting asks ------------------------


@dataclasses.dataclass
class Finding:
    section: str  # the anchor of the section the row is in
    message: str


@dataclasses.dataclass
class Summary:
    """Days left (negative: overdue), rows per section, what is required but missing and
    what looks wrong: shown at the top of the report and again when it is submitted."""

    due_on: datetime.date | None
    days_left: int | None
    year_finished: bool
    counts: dict[str, int]
    missing: list[Finding]
    warnings: list[Finding]
    drafts_waiting: int

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0


def due_on(report: AnnualReport) -> datetime.date | None:
    period = ReportingPeriod.objects.filter(
        program=report.project.proposal.call.program_id, fiscal_year=report.fiscal_year
    ).first()
    return period.due_on if period else None


def summary(report: AnnualReport, today: datetime.date | None = None) -> Summary:
    """The report at a glance, in a fixed number of queries (one per section)."""
    today = today or timezone.localdate()  # Asia/Tokyo: the day the PI lives in
    start, end = fiscal_year_start(report.fiscal_year), fiscal_year_end(report.fiscal_year)
    due = due_on(report)
    rows = {
        "papers": list(Paper.objects.filter(report=report)),
        "presentations": list(Presentation.objects.filter(report=report)),
        "events": list(Event.objects.filter(report=report)),
        "exchanges": list(Exchange.objects.filter(report=report)),
    }
    counts = {name: len(found) for name, found in rows.items()}
    hubs = Hub.objects.filter(project=report.project_id, established_on__lte=end)
    counts["hubs"] = sum(1 for hub in hubs if hub_shows_in(hub, report.fiscal_year))
    counts["lab_statistics"] = LabStatistic.objects.filter(report=report).count()
    counts["surveys"] = SurveyAnswer.objects.filter(report=report).count()
    warnings = []
    for section, found in rows.items():
        for row in found:
            warnings += _row_warnings(section, row, start, end, today)
    warnings += _same_titles(report, rows["papers"])
    return Summary(
        due_on=due,
        days_left=(due - today).days if due else None,
        year_finished=today > end,
        counts=counts,
        missing=_missing(report, counts["lab_statistics"]),
        warnings=warnings,
        drafts_waiting=report.drafts.filter(duplicate=False).count(),
    )


def _has_lab_statistics() -> models.Exists:
    return models.Exists(LabStatistic.objects.filter(report=models.OuterRef("pk")))


def _missing(report: AnnualReport, lab_statistics: int) -> list[Finding]:
    missing = []
    if not lab_statistics:
        missing.append(Finding("lab_statistics", _("The lab-wide statistics are missing.")))
    if report.buyout_used is None:
        missing.append(Finding("details", _("Say whether the buy-out was used.")))
    elif report.buyout_used is False and not report.buyout_reason.strip():
        missing.append(Finding("details", _("Say why the buy-out was not used.")))
    return missing


def _row_warnings(section: str, row, start, end, today) -> list[Finding]:
    found = []
    date = row.output_date
    if date > today:
        found.append(Finding(section, _("“%(row)s” is dated in the future (%(date)s).")))
    elif not start <= date <= end:
        found.append(Finding(section, _("“%(row)s” is dated outside the fiscal year (%(date)s).")))
    if isinstance(row, Exchange) and not row.purpose.strip():
        days = row.stay_days
        if days is not None and days <= SHORT_STAY_DAYS:
            found.append(Finding(section, _("The short stay of %(row)s says no purpose.")))
    for warning in found:
        warning.message = warning.message % {"row": row, "date": date}
    return found


def _same_titles(report: AnnualReport, papers: list[Paper]) -> list[Finding]:
    """A paper of this year whose title another year reported (under another DOI, or with
    none): likely the same paper, which would be counted twice."""
    titles = {" ".join(paper.title.casefold().split()): paper for paper in papers}
    if not titles:
        return []
    others = (
        Paper.objects.filter(project=report.project_id)
        .exclude(report=report)
        .select_related("report__project")
        .only("title", "report__fiscal_year", "report__status", "report__project__code")
    )
    found = []
    for other in others:
        paper = titles.get(" ".join(other.title.casefold().split()))
        if paper is not None:
            message = _("“%(row)s” may be the paper already reported in %(report)s.")
            found.append(
                Finding("papers", message % {"row": paper, "report": describe(other.report)})
            )
    return found


def submission_refusal(
    report: AnnualReport,
    nothing_to_report: bool,
    confirmed: bool,
    today: datetime.date | None = None,
) -> str | None:
    """Why the report may not be handed in as asked, or None: the one rule of every door."""
    today = today or timezone.localdate()
    if nothing_to_report:
        if has_outputs(report):
            return _("This report lists outputs: remove them before reporting nothing.")
        if today <= fiscal_year_end(report.fiscal_year):
            return _(
                "Nothing to report can be said only once the fiscal year has ended (after %(end)s)."
            ) % {"end": fiscal_year_end(report.fiscal_year).isoformat()}
        return None if confirmed else _("Please confirm that there is nothing to report.")
    # What is missing costs a look at the lab statistics (in the lock's query when
    # `submit` asks); the warnings read every row of the report, and once confirmed they
    # no longer matter (200 PIs hand in at the deadline).
    lab_statistics = getattr(report, "has_lab_statistics", None)
    if lab_statistics is None:
        lab_statistics = LabStatistic.objects.filter(report=report).exists()
    missing = _missing(report, int(lab_statistics))
    if missing:
        return " ".join(finding.message for finding in missing)
    if not confirmed and summary(report, today).warnings:
        return _("Please confirm the report with its warnings.")
    return None
