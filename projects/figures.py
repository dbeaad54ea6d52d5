"""The stored figures the indicators read (issue 18): kept on write, checked on demand.

`OutputFigure` counts the rows of each annual report per kind, date and attribute;
`PaperFigure` is one row per distinct international co-authored paper of a program with
the dates from which it counts. Both are derived from the raw rows, never edited.

**How they stay right.** Application-level refreshes, not database triggers: the demo
and the tests' fast paths run on SQLite as well as PostgreSQL, and a trigger would need a
second implementation there (and would hide the rule in SQL that no Python test reads).
A refresh recomputes whole keys — a report's counts, a paper's dates — from the raw rows
with set-based `INSERT … SELECT` statements, so the same code serves one row and a
hundred thousand:

- every single-row write (the report page and its services in projects/reporting.py, the
  admin's saves and deletes, the API, which goes through projects.reporting, the sources
  of projects/sources.py, row-by-row imports) reaches the ORM's `save()`/`delete()`, whose
  post-save and post-delete signals, connected once in ProjectsConfig.ready() as the
  frozen-record guard is, refresh the keys the row touched in that write's transaction;
- a report's save (its status: what counts) refreshes its keys, and a project's save (its
  start: the window of a paper) its papers';
- bulk paths say so: `with batched():` (imports) collects the touched keys and refreshes
  them in one set of statements when the block ends, still inside its transaction; COPY
  and bulk_create, which send no signals (evaluations/synthetic.py, the demo), call
  `refresh_program` at the end.

`differences(program)` recomputes every key from the raw rows and names what differs:
`manage.py verify_figures PROGRAM`.
"""

import contextlib
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import connection, models, transaction
from django.db.models import BooleanField, Count, DateField, ExpressionWrapper, F, Min, Q, Value
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_init, post_save, pre_save

from aspire.db import derived_sql, sync_rows
from calls import figures as call_figures
from calls.models import YOUNG_CAREER_STAGES
from programs.models import Program
from projects.models import (
    COUNTED_REPORT_STATUSES,
    AnnualReport,
    Event,
    Exchange,
    FigureKind,
    OutputFigure,
    Paper,
    PaperFigure,
    Presentation,
    Project,
)

# The stored columns, in the order every source selects them.
OUTPUT_COLUMNS = [
    "report_id",
    "project_id",
    "program_id",
    "project_start",
    "fiscal_year",
    "status",
    "kind",
    "label",
    "young",
    "day",
    "end_day",
    "n",
]
PAPER_COLUMNS = ["program_id", "dedupe_key", "counted_from", "before_from", "after_from"]

NO_DATE = Cast(Value(None), DateField())  # typed: PostgreSQL reads a bare NULL as text


def _output_rows(model, kind: str, date_field: str, reports, label=None, young=None, end=None):
    """The rows of `model` in `reports` counted per stored key: the source of one kind."""
    columns = {
        "f_report": F("report_id"),
        "f_project": F("project_id"),
        "f_program": F("project__call__program"),
        "f_project_start": F("project__start_date"),
        "f_fiscal_year": F("report__fiscal_year"),
        "f_status": F("report__status"),
        "f_kind": Value(kind),
        "f_label": label if label is not None else Value(""),
        "f_young": young if young is not None else Value(False),
        "f_day": F(date_field),
        "f_end_day": end if end is not None else NO_DATE,
    }
    return model.objects.filter(report__in=reports).values(**columns).annotate(f_n=Count("pk"))


def output_sources(reports) -> list[models.QuerySet]:
    """What each FigureKind counts: international presentations, events by kind, and the
    program-funded exchanges by direction, youth, start and end (the stays' lengths)."""
    young = ExpressionWrapper(Q(career_stage__in=YOUNG_CAREER_STAGES), BooleanField())
    return [
        _output_rows(Presentation, FigureKind.PRESENTATION, "presented_on", reports).filter(
            international=True
        ),
        _output_rows(Event, FigureKind.EVENT, "held_on", reports, label=F("kind")),
        _output_rows(
            Exchange,
            FigureKind.EXCHANGE,
            "start_date",
            reports,
            label=F("direction"),
            young=young,
            end=F("end_date"),
        ).filter(funded_by_program=True),
    ]


def paper_source(keys) -> models.QuerySet:
    """Per program and paper key, over the counted international rows: the dates of
    PaperFigure (the window is each row's own project's start)."""
    after = Q(published_on__gte=F("project__start_date"))
    return (
        Paper.objects.filter(
            international_coauthored=True,
            report__status__in=COUNTED_REPORT_STATUSES,
            dedupe_key__in=keys,
        )
        .values(f_program=F("project__call__program"), f_key=F("dedupe_key"))
        .annotate(
            f_counted=Min("published_on", filter=after),
            f_before=Min("project__start_date", filter=~after),
            f_after=Min("project__start_date", filter=after),
        )
    )


NULLABLE = {"end_day", "counted_from", "before_from", "after_from"}


def refresh_reports(reports, kinds: Iterable[str] = tuple(FigureKind.values)) -> None:
    """Recompute the OutputFigure rows of the reports (a queryset or a list of ids), of
    the kinds given (default: all): two statements a kind."""
    for kind, source in zip(FigureKind.values, output_sources(reports), strict=True):
        if kind in kinds:
            scope = OutputFigure.objects.filter(report__in=reports, kind=kind)
            sync_rows(scope, OUTPUT_COLUMNS, source, NULLABLE)


def refresh_papers(keys) -> None:
    """Recompute the PaperFigure rows of the paper keys (a list or a values() queryset),
    in every program that has one."""
    scope = PaperFigure.objects.filter(dedupe_key__in=keys)
    sync_rows(scope, PAPER_COLUMNS, paper_source(keys), NULLABLE)


def add_papers(keys: list[str]) -> None:
    """`refresh_papers` for keys whose counted rows were only added to (a report handed
    in): every stored date is a minimum over those rows, so the earlier of the stored
    date and the new rows' gives it, in one statement where a refresh takes two. Two
    hand-ins of one paper at once both keep the earlier date (the second waits for the
    first's row, then compares with it)."""
    table, names, aliases, sql, params = derived_sql(PaperFigure, PAPER_COLUMNS, paper_source(keys))
    dates = names[2:]  # counted_from, before_from, after_from
    earlier = {
        name: f"CASE WHEN excluded.{name} IS NULL THEN {table}.{name} "
        f"WHEN {table}.{name} IS NULL OR excluded.{name} < {table}.{name} "
        f"THEN excluded.{name} ELSE {table}.{name} END"
        for name in dates
    }
    changed = " OR ".join(
        f"(excluded.{name} IS NOT NULL AND ({table}.{name} IS NULL "
        f"OR excluded.{name} < {table}.{name}))"
        for name in dates
    )
    with connection.cursor() as cursor:
        # Table and column names come from our models; values only as parameters. WHERE
        # true: SQLite's parser needs it before ON CONFLICT.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(aliases)} FROM ({sql}) AS source WHERE true "
            f"ON CONFLICT ({names[0]}, {names[1]}) DO UPDATE SET "
            + ", ".join(f"{name} = {earlier[name]}" for name in dates)
            + f" WHERE {changed}",
            params,
        )


def refresh_program(program: Program | int) -> None:
    """Every key of a program (or a program's id), set-based: after COPY or bulk_create,
    which send no signal."""
    program_id = getattr(program, "pk", program)
    reports = AnnualReport.objects.filter(project__call__program=program_id)
    refresh_reports(reports.values("pk"))
    keys = Paper.objects.filter(project__call__program=program_id)
    refresh_papers(keys.values("dedupe_key"))


# --- Which keys a write touched --------------------------------------------------------


class Touched:
    """The keys a write (or a batch of them) made stale."""

    def __init__(self) -> None:
        self.reports: dict[str, set[int]] = {kind: set() for kind in FigureKind.values}
        self.papers: set[str] = set()

    def refresh(self) -> None:
        # Lists of ids in chunks: SQLite caps the parameters of one statement.
        for kind, reports in self.reports.items():
            for chunk in _chunks(sorted(reports)):
                refresh_reports(chunk, kinds=[kind])
        for chunk in _chunks(sorted(self.papers)):
            refresh_papers(chunk)


def _chunks(values: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


_state = threading.local()


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Collect the keys the writes in the block touch; refresh them once at its end (put
    it inside the block's transaction). Nested blocks join the outermost."""
    if getattr(_state, "touched", None) is not None:
        yield
        return
    _state.touched = touched = Touched()
    try:
        yield
    finally:
        _state.touched = None
    # Not reached when the block raised; skipped when it marked its transaction for
    # rollback (an import with errors, a dry run): nothing it wrote will stay.
    if not (connection.in_atomic_block and transaction.get_rollback()):
        touched.refresh()


def touch(
    reports: Iterable[int | None] = (),
    papers: Iterable[str | None] = (),
    kinds: Iterable[str] = tuple(FigureKind.values),
) -> None:
    """Refresh these keys (the reports' counts of the kinds given) now, or at the end of
    the current batched() block."""
    touched = getattr(_state, "touched", None)
    now = touched is None
    touched = touched or Touched()
    for kind in kinds:
        touched.reports[kind].update(r for r in reports if r is not None)
    touched.papers.update(p for p in papers if p)
    if now:
        touched.refresh()


def _remember(sender, instance, raw=False, **kwargs) -> None:
    """Before a stored paper changes: the key it counted under (an edit of its title or
    DOI changes its key; other rows never move to another report: reporting.check_row)."""
    stored = None
    if instance.pk is not None and not instance._state.adding:
        stored = Paper.objects.filter(pk=instance.pk).values_list("dedupe_key", flat=True).first()
    instance._figure_key = stored


KINDS = {Presentation: FigureKind.PRESENTATION, Event: FigureKind.EVENT}
KINDS[Exchange] = FigureKind.EXCHANGE


def _output_written(sender, instance, **kwargs) -> None:
    if sender is Paper:
        touch(papers=[getattr(instance, "_figure_key", None), instance.dedupe_key])
    else:
        touch(reports=[instance.report_id], kinds=[KINDS[sender]])


def _report_loaded(sender, instance, **kwargs) -> None:
    """What a report's counts were stored under: its status and year as read."""
    instance._figure_state = (instance.status, instance.fiscal_year)


def _report_saved(sender, instance, created=False, **kwargs) -> None:
    """A report's status decides what counts: its counts and its papers' dates.

    Most saves change neither (a PI's answers, staff's comment): nothing to do. A
    hand-in changes the status only: its counts are the same rows under the new status
    (one UPDATE), and its papers' dates are recomputed. A changed year is refreshed whole.
    The services lock and re-read a report before they move it (reporting.lock), so the
    status it was read with is the one stored."""
    if created:
        return
    status, year = getattr(instance, "_figure_state", (None, None))
    instance._figure_state = (instance.status, instance.fiscal_year)
    if (status, year) == (instance.status, instance.fiscal_year):
        return
    # Only its international co-authored papers: paper_source counts no other, so the
    # dates of a key the report holds only otherwise cannot change (most hand-ins at the
    # deadline then cost no paper statement at all).
    papers = Paper.objects.filter(report=instance, international_coauthored=True).order_by()
    keys = list(papers.values_list("dedupe_key", flat=True))
    if year != instance.fiscal_year:
        touch(reports=[instance.pk], papers=keys)
        return
    OutputFigure.objects.filter(report=instance.pk).update(status=instance.status)
    counted = COUNTED_REPORT_STATUSES
    handed_in = status not in counted and instance.status in counted
    if handed_in and keys and getattr(_state, "touched", None) is None:
        add_papers(keys)  # its papers only join the counted rows: one statement
    else:
        touch(papers=keys)


def _proposals_moved(sender, proposals: Iterable[int], **kwargs) -> None:
    """Proposals moved to another call (calls.figures.proposals_moved): their projects
    take their call again (Project.call), and with it, through _project_saved, the
    figures of their reports and papers."""
    for project in Project.objects.filter(proposal__in=list(proposals)):
        project.save(update_fields=["call"])


def _project_saved(sender, instance, created=False, **kwargs) -> None:
    """A project's start (or program) decides where its outputs count: copied into its
    reports' counts, and the window of its papers."""
    if created:
        return
    keys = Paper.objects.filter(project=instance).values_list("dedupe_key", flat=True)
    reports = AnnualReport.objects.filter(project=instance).values_list("pk", flat=True)
    touch(reports=list(reports), papers=list(keys))


def register() -> None:
    """Connected once by ProjectsConfig.ready()."""
    pre_save.connect(_remember, sender=Paper, dispatch_uid="projects.figures.paper")
    for model in (Paper, Presentation, Event, Exchange):
        uid = f"projects.figures.{model._meta.label}"
        post_save.connect(_output_written, sender=model, dispatch_uid=uid)
        post_delete.connect(_output_written, sender=model, dispatch_uid=uid)
    post_init.connect(_report_loaded, sender=AnnualReport, dispatch_uid="projects.figures.report")
    post_save.connect(_report_saved, sender=AnnualReport, dispatch_uid="projects.figures.report")
    post_save.connect(_project_saved, sender=Project, dispatch_uid="projects.figures.project")
    call_figures.proposals_moved.connect(_proposals_moved, dispatch_uid="projects.figures.moved")


# --- Checking them -----------------------------------------------------------------------


def _output_key(row: dict) -> tuple:
    return tuple(row[c] for c in OUTPUT_COLUMNS if c != "n"), row["n"]


def differences(program: Program) -> list[str]:
    """Every stored figure of the program against its recomputation from the raw rows:
    one line per key that differs (none when all agree)."""
    lines = _stale_calls(program)
    reports = AnnualReport.objects.filter(project__call__program=program).values("pk")
    stored: Counter = Counter()
    for row in OutputFigure.objects.filter(report__in=reports).values(*OUTPUT_COLUMNS):
        key, n = _output_key(row)
        stored[key] += n
    fresh: Counter = Counter()
    for source in output_sources(reports):
        for row in source.order_by():
            values = dict(zip(OUTPUT_COLUMNS, _in_order(row), strict=True))
            values["young"] = bool(values["young"])  # SQLite answers 0/1
            key, n = _output_key(values)
            fresh[key] += n
    lines += [
        f"output figure {key}: stored {stored[key]}, recomputed {fresh[key]}"
        for key in sorted(set(stored) | set(fresh), key=str)
        if stored[key] != fresh[key]
    ]
    keys = Paper.objects.filter(project__call__program=program).values("dedupe_key")
    stored_papers = {
        row[1]: row[2:]
        for row in PaperFigure.objects.filter(program=program).values_list(*PAPER_COLUMNS)
    }
    fresh_papers = {
        row["f_key"]: (row["f_counted"], row["f_before"], row["f_after"])
        for row in paper_source(keys).order_by()
        if row["f_program"] == program.pk
    }
    for key in sorted(set(stored_papers) | set(fresh_papers)):
        if stored_papers.get(key) != fresh_papers.get(key):
            lines.append(
                f"paper figure {key}: stored {stored_papers.get(key)}, "
                f"recomputed {fresh_papers.get(key)}"
            )
    return lines


def _stale_calls(program: Program) -> list[str]:
    """Projects of the program (by their proposal or their copy) whose copy of the call
    (Project.call) is not their proposal's."""
    of_program = Q(call__program=program) | Q(proposal__call__program=program)
    stale = Project.objects.filter(of_program).exclude(call=F("proposal__call"))
    return [
        f"project {code}: call {stored}, its proposal's {call}"
        for code, stored, call in stale.values_list("code", "call__code", "proposal__call__code")
    ]


def _in_order(row: dict) -> list:
    names = [
        "f_report",
        "f_project",
        "f_program",
        "f_project_start",
        "f_fiscal_year",
        "f_status",
        "f_kind",
        "f_label",
        "f_young",
        "f_day",
        "f_end_day",
        "f_n",
    ]
    return [row[name] for name in names]
