"""Kinds imported a batch of rows at a time, for files of 100,000 rows (issue 6).

The rules are those of the row-by-row import (exchange/kinds.py): the same checks, the
same `row N, column C` messages, the same counts, all or nothing, history kept. What
differs is the number of queries: per batch of BATCH rows, one query finds the records the
rows name, one the references not seen yet, and a few bulk statements write the batch
(history too, with django-simple-history's bulk functions). Every check the row-by-row
import asks the database for is answered from what those queries found instead: natural
keys (unique in the file and matched against the database), references, and foreign keys
(resolved here, so full_clean() need not look them up again, one query a field and row).
A batch is written once its rows are checked and no row of the file so far failed; a
later failure rolls the whole import back, as before. The database stays the last word:
where it refuses a batch (a record someone else inserted meanwhile), services.py imports
the file again row by row, which names the row.
"""

import itertools
from collections.abc import Iterable
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from aspire.db import copy_rows
from calls.models import Call, Proposal, ProposalStatus, Researcher
from exchange.kinds import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Change,
    ImportContext,
    Kind,
    RowError,
    _state,
    apply_facts,
    claimed_by,
    field_changes,
    pi_of,
    unknown,
)
from programs.codes import current_codes
from programs.models import DOMESTIC_COUNTRY

BATCH = 2000  # rows checked and written together; a few queries each
# Checked from what the batch's queries found (full_clean() would ask once a row and field).
PROPOSAL_REFERENCES = ["call", "jp_pi", "partner_pi"]
RESEARCHER_REFERENCES = ["user"]  # never set by an import


class Result(Protocol):
    """What services.ImportResult offers a batch: its problems and counts."""

    def add_error(self, row: int, column: str, message: str) -> None: ...

    def count(self, outcome: str) -> None: ...

    @property
    def ok(self) -> bool: ...


class ProposalBatches:
    """One import of proposals: what it knows of calls, researchers and refs across batches."""

    def __init__(self, kind: Kind, ctx: ImportContext, result: Result):
        self.kind, self.ctx, self.result = kind, ctx, result
        self.calls: dict[str, Call | None] = {}
        # Every researcher the file named so far, found or made: later rows share the object.
        self.researchers: dict[tuple[str, str], Researcher] = {}
        self.claimed: dict[str, int] = {}  # ref → the row that named it first
        self._reset()

    def _reset(self) -> None:
        self.existing: dict[str, Proposal] = {}
        self.created: list[Proposal] = []
        self.updated: list[Proposal] = []
        self.changed_fields: set[str] = set()
        self.new_researchers: dict[tuple[str, str], Researcher] = {}
        self.changed_researchers: dict[tuple[str, str], Researcher] = {}

    def run(self, rows: Iterable[tuple[int, dict[str, str]]]) -> None:
        for batch in itertools.batched(rows, BATCH):
            parsed = [(number, *self.kind.parse(row)) for number, row in batch]
            self._find([values for _number, values, problems in parsed if not problems])
            for number, values, problems in parsed:
                for column, message in problems:  # in row order, as row by row
                    self.result.add_error(number, column, message)
                if not problems:
                    self._check(number, values)
            if self.result.ok:
                self._write()
            self._reset()

    # --- Reading: a few queries a batch ----------------------------------------------------

    def _find(self, rows: list[dict]) -> None:
        refs = {values["ref"] for values in rows}
        found = Proposal.objects.select_related("project").filter(ref__in=refs)
        self.existing = {proposal.ref: proposal for proposal in found}
        codes = {values["call"] for values in rows} - self.calls.keys()
        calls = Call.objects.select_related("support_type")
        named = {call.code: call for call in calls.filter(code__in=codes)}
        # A former code names the call still (one more query, only when a code is unknown).
        if renamed := current_codes(Call, codes - named.keys()):
            now = {call.code: call for call in calls.filter(code__in=renamed.values())}
            named |= {old: now.get(new) for old, new in renamed.items()}
        self.calls |= dict.fromkeys(codes) | named
        keys = {
            (values[f"{prefix}_name"], values.get(f"{prefix}_institution", ""))
            for values in rows
            for prefix in ("jp_pi", "partner_pi")
            if values.get(f"{prefix}_name", "").strip()
        } - self.researchers.keys()
        if keys:
            named = Researcher.objects.filter(name__in={name for name, _ in keys})
            self.researchers |= {
                (r.name, r.institution): r for r in named if (r.name, r.institution) in keys
            }

    # --- Checking: what Proposals.upsert does, from what _find found -------------------------

    def _check(self, number: int, values: dict) -> None:
        self.ctx.start_row(number)
        try:
            outcome = self._upsert(number, values)
        except RowError as error:
            self.result.add_error(number, error.column, str(error))
        except ValidationError as error:
            for column, message in self.kind.messages(error, values):
                self.result.add_error(number, column, message)
        else:
            self.result.count(outcome)

    def _upsert(self, number: int, values: dict) -> str:
        ref = values["ref"]
        if ref in self.claimed:
            raise claimed_by("ref", self.claimed[ref])
        obj = self.existing.get(ref)
        is_new = obj is None
        obj = obj or Proposal()
        if not is_new:
            self.claimed[ref] = number
        before = {} if is_new else _state(obj)
        was = obj.status, obj.decided_on
        Kind.assign(self.kind, obj, values, self.ctx)  # the plain columns
        self.kind.decide(obj, values, was)  # status and decision date, as the kind does
        obj.call = self.calls.get(values["call"]) or _unknown_call(values["call"])
        pis = [("jp_pi", DOMESTIC_COUNTRY)]
        if "partner_pi_name" in values:
            pis.append(("partner_pi", ""))
        for prefix, default_country in pis:
            setattr(obj, prefix, self._researcher(values, prefix, default_country))
        if obj.pk and obj.status != ProposalStatus.ADOPTED and hasattr(obj, "project"):
            message = _("the proposal has the project %(code)s, so it stays adopted.")
            raise RowError("status", message % {"code": obj.project.code})
        changes = set() if is_new else _changes(obj, before)
        if is_new or changes:
            obj.full_clean(
                exclude=PROPOSAL_REFERENCES, validate_unique=False, validate_constraints=False
            )
        if is_new:
            self.claimed[ref] = number
            self.created.append(obj)
            self.ctx.added.append((number, str(obj)))
            return CREATED
        if changes:
            fields = field_changes(obj, before)
            self.ctx.changes.append(Change(number, Proposal, obj.pk, str(obj), fields))
            obj.version += 1  # as save() would (aspire/versions.py): an open edit is told
            self.updated.append(obj)
            self.changed_fields.update({*changes, "version"})
        return UPDATED if changes or self.ctx.wrote_elsewhere else UNCHANGED

    def _researcher(self, values: dict, prefix: str, default_country: str) -> Researcher | None:
        pi = pi_of(values, prefix, self.ctx)
        if pi is None:
            return None
        known = self.researchers.get(pi.key)
        saved = known is not None and (known.pk or pi.key in self.new_researchers)
        if saved and all(getattr(known, field) == value for field, value in pi.facts.items()):
            return known  # as a row after the one that made it finds it: nothing to write
        researcher, changed = apply_facts(
            known,
            pi,
            default_country,
            exclude=RESEARCHER_REFERENCES,
            validate_unique=False,  # its key was looked up in _find
            validate_constraints=False,
        )
        if changed:
            self.researchers[pi.key] = researcher
            if researcher.pk is None:
                self.new_researchers[pi.key] = researcher
            else:
                self.changed_researchers[pi.key] = researcher
            self.ctx.wrote_elsewhere = True
        return researcher

    # --- Writing: a few statements a batch --------------------------------------------------

    def _write(self) -> None:
        # Researchers first: bulk_create gives them their ids, which the proposals then take.
        Researcher.objects.bulk_create(self.new_researchers.values())
        if self.changed_researchers:
            fields = ["country", "h_index", "institution_ror"]  # PI_FACTS
            Researcher.objects.bulk_update(self.changed_researchers.values(), fields)
        if self.created:
            create_with_history(self.created)
        if self.updated:
            bulk_update_with_history(self.updated, Proposal, sorted(self.changed_fields))


def create_with_history(objs: list[models.Model]) -> None:
    """Insert new records and their "+" history rows: with COPY on PostgreSQL, several
    times faster than bulk_create; elsewhere (the demo's SQLite) with bulk_create."""
    model = type(objs[0])
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    stamped = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    plain = {f.attname for f in history._meta.concrete_fields} == {*tracked, *stamped, "history_id"}
    if connection.vendor != "postgresql" or not plain:  # custom history fields: theirs knows
        bulk_create_with_history(objs, model)
        return
    for obj in objs:  # what bulk_create does: ids of researchers made in this batch
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    fields = [f for f in model._meta.concrete_fields if not f.generated]  # the database's
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
    rows = [{f.attname: _prepared(f, obj) for f in fields} for obj in objs]
    copy_rows(model, [f.attname for f in fields], [list(row.values()) for row in rows])
    user = history.get_default_history_user(objs[0])  # the request's user, as save() takes
    stamp = [timezone.now(), None, "+", user.pk if user else None]
    history_rows = ([row[name] for name in tracked] + stamp for row in rows)
    copy_rows(history, [*tracked, *stamped], history_rows)


def _prepared(field: models.Field, obj: models.Model):
    """The value of a field as the database takes it, as bulk_create would prepare it."""
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _unknown_call(code: str) -> Call:
    raise unknown("call", _("call"), code)


def _changes(obj: models.Model, before: dict) -> set[str]:
    """The names of the fields whose values differ from `before`."""
    fields = obj._meta.concrete_fields
    return {f.name for f in fields if getattr(obj, f.attname) != before[f.attname]}


BATCHED: dict[str, type[ProposalBatches]] = {"proposals": ProposalBatches}
