"""The stored call figures (issue 18): per call, its proposals counted per status and
adoptability (calls.CallFigure), and its adopted ones per their PIs' h-indexes
(calls.PIFigure). The indicators' goal 1 and the dashboard's calls table read them: a few
rows a call, where the raw rows are a million proposals, their stored scores and two
million researchers at L.

They are kept as projects/figures.py keeps the output figures: application-level, whole
keys (here a call) recomputed from the raw rows with set-based statements
(aspire.db.sync_rows) in the writing transaction, so that one proposal and a hundred
thousand take the same code:

- a proposal's save or deletion refreshes its call (and the call it was read with, if it
  moved): every door that writes one proposal (admin, pages, services, API, a changed row
  of an import) reaches the ORM's save()/delete(), whose signals are connected in
  CallsConfig.ready();
- a call's save refreshes it (its adoptable score decides what is adoptable);
- a researcher's save refreshes the calls where they are an adopted proposal's PI (the
  h-index);
- the stored review figures (calls/scores.py), which change a proposal's final score
  without its save(), refresh the calls of the proposals they wrote;
- writers without signals say so: the batched import after its COPY and bulk updates
  (exchange/batches.py), COPY in evaluations/synthetic.py and the demo's bulk_create call
  `refresh` or `refresh_program`.

`differences(program)` recomputes every call from the raw rows: `manage.py verify_figures`.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import Signal

from aspire.db import sync_rows
from calls.models import Call, CallFigure, PIFigure, Proposal, ProposalStatus, Researcher
from programs.models import Program

COLUMNS = ["call_id", "status", "adoptable", "n"]
PI_COLUMNS = ["call_id", "jp_h_index", "partner_h_index", "n"]
NULLABLE = {"jp_h_index", "partner_h_index"}
# pg_advisory_xact_lock(LOCK_SPACE, call id): the key of one call's refresh.
LOCK_SPACE = 1801

# Sent with `proposals` (ids) once saved proposals have moved to another call, by the
# signals below and by bulk writers (exchange/batches.py): what other apps keep of a
# proposal's call (projects.Project.call) follows it.
proposals_moved = Signal()


def source(calls) -> QuerySet:
    """The CallFigure rows of `calls` (ids or a values() queryset) as their raw rows give
    them, in the order of COLUMNS: with_scores()'s adoptability."""
    return (
        Proposal.objects.filter(call__in=calls)
        .with_scores()
        .values(f_call=F("call_id"), f_status=F("status"), f_adoptable=F("adoptable"))
        .annotate(f_n=Count("pk"))
    )


def pi_source(calls) -> QuerySet:
    """The PIFigure rows of `calls`, in the order of PI_COLUMNS."""
    return (
        Proposal.objects.filter(call__in=calls, status=ProposalStatus.ADOPTED)
        .values(f_call=F("call_id"), f_jp=F("jp_pi__h_index"), f_partner=F("partner_pi__h_index"))
        .annotate(f_n=Count("pk"))
    )


@transaction.atomic(savepoint=False)
def refresh(call_ids: Iterable[int | None]) -> None:
    """Recompute the stored figures of these calls, in the caller's transaction.

    Each call's refresh takes a lock of its own first, in id order, so that two writers
    of one call recompute one after the other, the second from the first's committed
    rows (two at once would each insert the rows the other did not see). An advisory
    lock rather than the call's row: inserting a proposal holds a share lock on its
    call's row, which a row lock here would wait for."""
    ids = sorted({pk for pk in call_ids if pk is not None})
    if not ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id ORDER BY id",
                [LOCK_SPACE, ids],
            )
    sync_rows(CallFigure.objects.filter(call__in=ids), COLUMNS, source(ids), set())
    sync_rows(PIFigure.objects.filter(call__in=ids), PI_COLUMNS, pi_source(ids), NULLABLE)


def refresh_program(program: Program | int) -> None:
    """Every call of a program (or a program's id): after COPY or bulk_create."""
    calls = Call.objects.filter(program=getattr(program, "pk", program))
    refresh(calls.values_list("pk", flat=True))


def calls_of_researchers(researcher_ids: Iterable[int]) -> list[int]:
    """The calls where these researchers are an adopted proposal's PI: the calls whose
    h-index figures their h-index is part of."""
    ids = list(researcher_ids)
    adopted = Proposal.objects.filter(status=ProposalStatus.ADOPTED)
    pis = adopted.filter(Q(jp_pi__in=ids) | Q(partner_pi__in=ids))
    return list(pis.values_list("call_id", flat=True).distinct().order_by())


# --- Signals -----------------------------------------------------------------------------


def read_with(proposal: Proposal) -> int | None:
    """The call the proposal was read with (or last saved with); None for a new one."""
    return getattr(proposal, "_figure_call", None)


def _proposal_loaded(sender, instance, **kwargs) -> None:
    instance._figure_call = instance.__dict__.get("call_id")


def _proposal_written(sender, instance, created=False, **kwargs) -> None:
    before = read_with(instance)
    refresh([before, instance.call_id])
    instance._figure_call = instance.call_id
    if before not in (None, instance.call_id) and not created:
        proposals_moved.send(sender=Proposal, proposals=[instance.pk])


def _call_saved(sender, instance, created=False, **kwargs) -> None:
    if not created:
        refresh([instance.pk])


def _researcher_saved(sender, instance, created=False, **kwargs) -> None:
    if not created:
        refresh(calls_of_researchers([instance.pk]))


def register() -> None:
    """Connected once by CallsConfig.ready()."""
    uid = "calls.figures.proposal"
    post_init.connect(_proposal_loaded, sender=Proposal, dispatch_uid=uid)
    post_save.connect(_proposal_written, sender=Proposal, dispatch_uid=uid)
    post_delete.connect(_proposal_written, sender=Proposal, dispatch_uid=uid)
    post_save.connect(_call_saved, sender=Call, dispatch_uid="calls.figures.call")
    post_save.connect(_researcher_saved, sender=Researcher, dispatch_uid="calls.figures.pi")


# --- Checking them -----------------------------------------------------------------------


def differences(program: Program) -> list[str]:
    """Every stored call figure of the program against its recomputation from the raw
    rows, one line per call and group that differs (none when all agree)."""
    calls = Call.objects.filter(program=program).values("pk")
    counts = _compared("call figure", CallFigure, COLUMNS, source(calls), calls)
    return counts + _compared("PI figure", PIFigure, PI_COLUMNS, pi_source(calls), calls)


def _compared(name: str, model, columns: list[str], computed: QuerySet, calls) -> list[str]:
    stored = {
        tuple(row[:-1]): row[-1]
        for row in model.objects.filter(call__in=calls).values_list(*columns)
    }
    # Booleans compared as 0/1 on both sides: SQLite answers a computed one so.
    rows = [tuple(row.values()) for row in computed.order_by()]  # in the columns' order
    fresh = {_plain(row[:-1]): row[-1] for row in rows}
    stored = {_plain(group): n for group, n in stored.items()}
    return [
        f"{name} {group}: stored {stored.get(group, 0)}, recomputed {fresh.get(group, 0)}"
        for group in sorted(set(stored) | set(fresh), key=str)
        if stored.get(group) != fresh.get(group)
    ]


def _plain(group: tuple) -> tuple:
    return tuple(int(v) if isinstance(v, bool) else v for v in group)
