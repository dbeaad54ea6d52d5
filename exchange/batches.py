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
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from aspire.db import among, copy_rows
from aspire.validation import clean_values
from calls import figures as call_figures
from calls.models import Call, Proposal, ProposalStatus, Researcher, support_type_errors
from exchange.kinds import (
    CREATED,
    PI,
    PI_COLUMNS,
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
PROPOSAL_REFERENCES = frozenset(["call", "jp_pi", "partner_pi"])
RESEARCHER_REFERENCES = ["user"]  # never set by an import
PROPOSAL_ATTNAMES = [field.attname for field in Proposal._meta.concrete_fields]
STATUS_DEFAULT = Proposal._meta.get_field("status").default
RESEARCHER_ATTNAMES = [field.attname for field in Researcher._meta.concrete_fields]


class Result(Protocol):
    """What services.ImportResult offers a batch: its problems and counts."""

    def add_error(self, row: int, column: str, message: str) -> None: ...

    def count(self, outcome: str) -> None: ...

    @property
    def ok(self) -> bool: ...


class ProposalBatches:
    """One import of proposals: what it knows of calls, researchers and refs across batches.

    A new proposal never becomes an instance: its row's values are checked by the fields'
    rules (aspire/validation.py) and the support type's (calls.models.support_type_errors,
    the rule Proposal.clean() asks), and written by COPY as they are. A proposal that is
    there already is compared by its values; only one that changes becomes an instance, to
    be checked by full_clean() and written with its history as before. Researchers too are
    read as values, and become instances only to be made or changed."""

    def __init__(self, kind: Kind, ctx: ImportContext, result: Result):
        self.kind, self.ctx, self.result = kind, ctx, result
        self.calls: dict[str, Call | None] = {}
        # What the database holds of each researcher the file named so far, by key.
        self.stored: dict[tuple[str, str], dict[str, Any]] = {}
        self.countries: dict[int, str] = {}  # a stored researcher's country, by id
        # The researchers this import made or changed: later rows share the object.
        self.researchers: dict[tuple[str, str], Researcher] = {}
        self.claimed: dict[str, int] = {}  # ref → the row that named it first
        self.said: dict[tuple, Any] = {}  # what a row said of a PI → what _researcher found
        self.memo: dict = {}  # the checks of choices and numbers, by value (clean_values)
        self.plain = [(column.name, column.field) for column in kind.plain_columns()]
        self.touched_calls: set[int] = set()  # whose figures (calls/figures.py) to refresh
        self._reset()

    def _reset(self) -> None:
        self.existing: dict[str, dict[str, Any]] = {}  # ref → the stored row's values
        self.created: list[dict[str, Any]] = []  # the new proposals' values, by attname
        self.updated: list[Proposal] = []
        self.changed_fields: set[str] = set()
        self.new_researchers: dict[tuple[str, str], Researcher] = {}
        self.changed_researchers: dict[tuple[str, str], Researcher] = {}

    def run(self, rows: Iterable[tuple[int, dict[str, str]]]) -> None:
        for batch in itertools.batched(rows, BATCH):
            self._batch(batch)
        if self.result.ok:
            # COPY and bulk updates send no signal: the touched calls' figures, once.
            call_figures.refresh(self.touched_calls)

    def _batch(self, batch: tuple) -> None:
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
        names = [*PROPOSAL_ATTNAMES, "project__code"]  # its project keeps it adopted
        found = Proposal.objects.filter(ref__in=among(refs)).values_list(*names)
        rows_found = (dict(zip(names, values, strict=True)) for values in found)
        self.existing = {stored["ref"]: stored for stored in rows_found}
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
        }
        keys -= self.stored.keys() | self.researchers.keys()
        if keys:
            named = Researcher.objects.filter(name__in=among({name for name, _ in keys}))
            for values in named.values_list(*RESEARCHER_ATTNAMES):
                stored = dict(zip(RESEARCHER_ATTNAMES, values, strict=True))
                if (key := (stored["name"], stored["institution"])) in keys:
                    self.stored[key] = stored
                    self.countries[stored["id"]] = stored["country"]

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
        stored = self.existing.get(ref)
        if stored is not None:
            self.claimed[ref] = number
        # The row's values by attname, set in the order Proposals.assign sets them.
        row = {field: values[name] for name, field in self.plain if name in values}
        call = self.calls.get(values["call"]) or _unknown_call(values["call"])
        row["call_id"] = call.pk
        # The status and the decision's date, by the rule of every door (Proposals.decision).
        was = None if stored is None else (stored["status"], stored["decided_on"])
        status = row.get("status", was[0] if was else STATUS_DEFAULT)
        row["decided_on"] = self.kind.decision(values, status, was)
        row["jp_pi_id"] = self._researcher(values, "jp_pi", DOMESTIC_COUNTRY)
        if "partner_pi_name" in values:
            row["partner_pi_id"] = self._researcher(values, "partner_pi", "")
        if stored is None:
            return self._create(number, row, call)
        return self._update(number, stored, row, call)

    def _create(self, number: int, row: dict, call: Call) -> str:
        """A new proposal, checked as full_clean() would check it, without an instance."""
        errors: dict = {}
        try:
            row = clean_values(Proposal, row, PROPOSAL_REFERENCES, self.memo)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
            row = {"requested_annual_budget_yen": None, "requested_years": None} | row
        # Proposal.clean()'s rule, asked after the fields' as full_clean() asks it.
        budget, years = row["requested_annual_budget_yen"], row["requested_years"]
        if rule := support_type_errors(budget, years, call.support_type):
            errors = ValidationError(rule).update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        # The partner's country, which the database would otherwise look up row by row
        # (calls/0016 checks the value given, once a statement, and sets it right).
        row["partner_country"] = self._country(row.get("partner_pi_id"))
        self.claimed[row["ref"]] = number
        self.created.append(row)
        self.ctx.added.append((number, row["ref"]))  # a Proposal's str() is its ref
        return CREATED

    def _update(self, number: int, stored: dict, row: dict, call: Call) -> str:
        """A proposal that is there, compared by values; an instance only where it changes."""
        adopted = row.get("status", stored["status"]) == ProposalStatus.ADOPTED
        if not adopted and stored["project__code"] is not None:
            message = _("the proposal has the project %(code)s, so it stays adopted.")
            raise RowError("status", message % {"code": stored["project__code"]})
        if all(_same(stored[name], value) for name, value in row.items()):
            return UPDATED if self.ctx.wrote_elsewhere else UNCHANGED
        obj = Proposal.from_db(connection.alias, PROPOSAL_ATTNAMES, _values(stored))
        before = _state(obj)
        obj.call = call  # with its support type, which clean() asks
        for name, value in row.items():
            if isinstance(value, Researcher):
                setattr(obj, name.removesuffix("_id"), value)
            elif name != "call_id":
                setattr(obj, name, value)
        changes = _changes(obj, before)
        if not changes:  # what _same could not tell apart; never seen
            return UPDATED if self.ctx.wrote_elsewhere else UNCHANGED
        obj.full_clean(
            exclude=PROPOSAL_REFERENCES, validate_unique=False, validate_constraints=False
        )
        fields = field_changes(obj, before)
        self.ctx.changes.append(Change(number, Proposal, obj.pk, str(obj), fields))
        obj.version += 1  # as save() would (aspire/versions.py): an open edit is told
        self.updated.append(obj)
        self.changed_fields.update({*changes, "version"})
        return UPDATED

    def _country(self, pi: Researcher | int | None) -> str:
        if pi is None:
            return ""
        if isinstance(pi, Researcher):  # django-countries' Country: str() is its code
            return str(pi.country)
        return self.countries.get(pi, "")

    def _researcher(self, values: dict, prefix: str, default_country: str):
        """The PI a row names: the id of a stored researcher the row agrees with, else the
        researcher made or changed (written before the batch's proposals, which take its id)."""
        # A row saying what an earlier one said of a PI finds what that row found.
        said = (prefix, *(values.get(column) for column in PI_COLUMNS[prefix].values()))
        if said in self.said:
            return self.said[said]
        pi = pi_of(values, prefix, self.ctx)
        found = self.said[said] = self._resolved(pi, default_country)
        return found

    def _resolved(self, pi: PI | None, default_country: str):
        if pi is None:
            return None
        known = self.researchers.get(pi.key)
        if known is not None:  # made or changed by an earlier row
            if all(getattr(known, field) == value for field, value in pi.facts.items()):
                return known  # as a row after the one that made it finds it: nothing to write
        elif (stored := self.stored.get(pi.key)) is not None:
            if all(stored[field] == value for field, value in pi.facts.items()):
                return stored["id"]
            known = Researcher.from_db(connection.alias, RESEARCHER_ATTNAMES, _values(stored))
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
            changed = [researcher.pk for researcher in self.changed_researchers.values()]
            self.touched_calls.update(call_figures.calls_of_researchers(changed))
        self.touched_calls.update(record["call_id"] for record in self.created)
        for proposal in self.updated:  # the call it was read with (post_init) and its own
            self.touched_calls.update([call_figures.read_with(proposal), proposal.call_id])
        if self.created:
            create_with_history(Proposal, self.created)
        if self.updated:
            bulk_update_with_history(self.updated, Proposal, sorted(self.changed_fields))
            moved = [p.pk for p in self.updated if call_figures.read_with(p) != p.call_id]
            if moved:  # bulk_update sends no signal: the projects' copy of the call follows
                call_figures.proposals_moved.send(sender=Proposal, proposals=moved)


def create_with_history(model: type[models.Model], records: list[dict[str, Any]]) -> None:
    """Insert new records, given as their cleaned values by attname (a reference may be
    the instance it names, saved by now), and their "+" history rows: with COPY on
    PostgreSQL, several times faster than bulk_create; elsewhere (the demo's SQLite) with
    bulk_create of instances."""
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    stamped = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    plain = {f.attname for f in history._meta.concrete_fields} == {*tracked, *stamped, "history_id"}
    fields = [f for f in model._meta.concrete_fields if not f.generated]  # the database's
    now = timezone.now()
    stamps = dict.fromkeys(
        [
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ],
        now,
    )
    for record in records:
        for name, value in record.items():
            if isinstance(value, models.Model):
                record[name] = value.pk  # made in this batch, saved before
        record.update(stamps)  # what pre_save() sets, once for the batch
    if connection.vendor != "postgresql" or not plain:  # custom history fields: theirs knows
        bulk_create_with_history([model(**record) for record in records], model)
        return
    pk = model._meta.pk.attname
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, len(records)],
        )
        for record, (number,) in zip(records, cursor.fetchall(), strict=True):
            record[pk] = number
    # The cleaned values are what PostgreSQL takes: psycopg adapts str, int, Decimal, date
    # and datetime, which get_db_prep_save() would hand it unchanged.
    names = [f.attname for f in fields]
    copy_rows(model, names, ([record[name] for name in names] for record in records), binary=True)
    user = history.get_default_history_user(model())  # the request's user, as save() takes
    stamp = [now, None, "+", user.pk if user else None]
    rows = ([record[name] for name in tracked] + stamp for record in records)
    copy_rows(history, [*tracked, *stamped], rows, binary=True)


def _values(stored: dict) -> list:
    """A stored row's values in the order of its model's concrete fields."""
    return [value for name, value in stored.items() if name != "project__code"]


def _same(stored: Any, value: Any) -> bool:
    """Whether a row's value is the stored one; a researcher stands for its id (none yet
    for one made by this import)."""
    return stored == (value.pk if isinstance(value, models.Model) else value)


def _unknown_call(code: str) -> Call:
    raise unknown("call", _("call"), code)


def _changes(obj: models.Model, before: dict) -> set[str]:
    """The names of the fields whose values differ from `before`."""
    fields = obj._meta.concrete_fields
    return {f.name for f in fields if getattr(obj, f.attname) != before[f.attname]}


BATCHED: dict[str, type[ProposalBatches]] = {"proposals": ProposalBatches}
