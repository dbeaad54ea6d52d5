"""The kinds of shared/design/data-exchange.md: one declarative spec per kind.

A kind lists its columns (name, parser, required), its natural key, how a record becomes
a row (`to_row`) and how a row becomes a record (`upsert`: references resolved, the record
found by its natural key, created or updated, validated by the model's full_clean() and
saved only when something changed, so that a second import writes no history).

Where the contract and the models disagree, or the contract is silent, what users expect
wins, as follows.

- Names: `publications` are Paper rows, `targets` evaluations' Target rows,
  `lab_statistics` LabStatistic rows and `surveys` SurveyAnswer rows.
- Researchers are no kind of their own. A proposal row names its PIs by name and
  institution, the Researcher's natural key, and they are found or made. A Japanese PI
  made so is in Japan; a partner PI is in `partner_pi_country`. Researchers are shared
  by proposals, so an empty h-index or country cell keeps what is known instead of
  erasing it, and two rows of one file may not disagree about one researcher.
- Reviewers are user accounts, named by e-mail (any case) or reviewer code. The
  `reviewers` kind (issue 13, beyond the contract) makes and updates them: in the reviewer
  group, without a password until they accept an invitation (accounts/invitations.py);
  it never changes a staff or committee account. A review without a score is an
  assignment still pending (importable, issue 13); an empty score never takes back a
  submitted one. The export leaves pending ones out, as the contract's score is required.
- A `projects` row adopts its proposal. A proposal with a project stays adopted: a
  proposals row giving it another status is refused.
- A column left out of a file leaves that field of existing records as it is (a file of
  a few columns must not erase the others); an empty cell in a present column empties
  the field. Key columns cannot be left out, and an institution left out is empty,
  because it is part of a researcher's key.
- A file may not name one record twice: the later row would silently win, and importing
  the file again would flip the record back and forth.
- "References must exist already or come earlier in the same file": one file holds one
  kind and no kind refers to its own kind, so what an earlier row can make for a later
  one are the records made on the way: researchers and annual reports.
- `--program` exports what belongs to the program: its calls' partner agencies and its
  managing agency, the program itself, its targets, and everything under its calls.
- The rules of projects/reporting.py hold here as at every door: a row of a submitted or
  accepted report is never changed; a row naming what another report of the project
  holds is refused, naming that report, never moved; and new rows join an accepted
  report only if an import made it (a record of past years), so that the kinds of one
  year can be imported file after file. Each row is saved with a new version, so that a
  PI editing it at the same time is told instead of overwriting the import.
- Survey answers name a participant of the project (projects.Participant), found by the
  name however it is spelt (福田悠人 and 福田 悠人), made when new.
- A domestic (JP) agency among a call's partner agencies is accepted: the indicators
  leave it out, and refusing it would break the round trip of data entered in the admin.
"""

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from aspire import normalise
from aspire.fields import NormalisedCharField
from calls import services as calls_services
from calls.models import (
    DEFAULT_ADOPTABLE_SCORE,
    Call,
    CallKind,
    CareerStage,
    Proposal,
    ProposalStatus,
    Researcher,
    Review,
)
from evaluations.catalogue import INDICATORS
from evaluations.models import Target
from exchange import cells
from programs import codes
from programs.models import DOMESTIC_COUNTRY, FundingAgency, Program, SupportType
from projects.models import (
    SURVEY_ITEMS,
    AnnualReport,
    Direction,
    Event,
    EventKind,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    Project,
    ProjectBudget,
    ReportStatus,
    SurveyAnswer,
    SurveyTiming,
    paper_key,
    participant,
)
from projects.services import adoption_refusal, mark_adopted

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class RowError(Exception):
    """A problem with one cell of a row, named by its column."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = cells.text
    required: bool = False
    # The model field a plain column sets and exports; None where the kind resolves the
    # column itself (references, the fiscal year of an output).
    field: str | None = None


def required(name: str, parse: Callable[[str], Any] = cells.text) -> Column:
    return Column(name, parse, required=True, field=name)


def optional(name: str, parse: Callable[[str], Any] = cells.text) -> Column:
    return Column(name, parse, field=name)


def reference(name: str, parse: Callable[[str], Any] = cells.code, needed=True) -> Column:
    return Column(name, parse, required=needed)


def unknown(column: str, what: str, value: str) -> RowError:
    return RowError(column, _("unknown %(what)s %(value)r.") % {"what": what, "value": value})


def claimed_by(column: str, first: int) -> RowError:
    return RowError(column, _("this row names the same record as row %(row)d.") % {"row": first})


class ImportContext:
    """What one import keeps between its rows: references found, records already named
    by a row, what the file said about each researcher, and the reports it changed."""

    def __init__(self, target_report: AnnualReport | None = None):
        self.row = 0
        # A PI's upload fills one report: what it records (survey answers) is recorded there.
        self.target_report = target_report
        self.changes: list[Change] = []  # every update, for the preview and the stale check
        self.added: list[tuple[int, str]] = []  # (row, record) of each record made, for the preview
        self.wrote_elsewhere = False  # the current row changed records beside its own
        self._found: dict[tuple, Any] = {}
        self._made: list[tuple] = []  # what the current row made (and remembered)
        self._claimed: dict[tuple, int] = {}
        self._researchers: dict[tuple[str, str], dict[str, tuple[int, Any]]] = {}

    def start_row(self, number: int) -> None:
        self.row, self.wrote_elsewhere, self._made = number, False, []

    def row_failed(self) -> None:
        """What a failed row made was rolled back with it: a later row must not be given it."""
        for key in self._made:
            self._found.pop(key, None)

    def remember_made(self, key: tuple, obj: models.Model) -> None:
        self._found[key] = obj
        self._made.append(key)

    def claim(self, obj: models.Model, column: str) -> None:
        """Refuse a second row naming a record an earlier row of the file named."""
        key = (type(obj), obj.pk)
        first = self._claimed.setdefault(key, self.row)
        if first != self.row:
            raise claimed_by(column, first)

    def agree_on_researcher(self, key: tuple[str, str], facts: dict, columns: dict) -> None:
        """Two rows of one file saying different things of one researcher are a mistake."""
        known = self._researchers.setdefault(key, {})  # field → (row, value)
        for name, value in facts.items():
            first_row, first_value = known.setdefault(name, (self.row, value))
            if first_value != value:
                message = _("row %(row)d gives the same researcher another value.")
                raise RowError(columns[name], message % {"row": first_row})

    def _get(self, column: str, model, what: str, **lookup):
        key = (model, *sorted(lookup.items()))
        if key not in self._found:
            found = model.objects.filter(**lookup).first()
            if found is None and "code" in lookup:  # a former code names the record still
                now = codes.current_code(model, lookup["code"])
                found = model.objects.filter(code=now).first() if now else None
            self._found[key] = found
        if self._found[key] is None:
            raise unknown(column, what, next(iter(lookup.values())))
        return self._found[key]

    def agency(self, code: str, column: str) -> FundingAgency:
        return self._get(column, FundingAgency, _("agency"), code=code)

    def program(self, code: str) -> Program:
        return self._get("program", Program, _("program"), code=code)

    def call(self, code: str) -> Call:
        return self._get("call", Call, _("call"), code=code)

    def proposal(self, ref: str) -> Proposal:
        return self._get("proposal", Proposal, _("proposal"), ref=ref)

    def project(self, code: str) -> Project:
        return self._get("project", Project, _("project"), code=code)

    def reviewer(self, name: str) -> User:
        key = (User, "reviewer", name.casefold())
        if key not in self._found:
            named = Q(email__iexact=name) | Q(reviewer_code=name)
            self._found[key] = User.objects.filter(named).first()
        if self._found[key] is None:
            raise RowError("reviewer", _("unknown reviewer %(value)r.") % {"value": name})
        return self._found[key]

    def report(self, project: Project, fiscal_year: int) -> AnnualReport:
        """The report outputs land in; an accepted one is made where there is none."""
        key = (AnnualReport, project.pk, fiscal_year)
        if key not in self._found:
            accepted = {"status": ReportStatus.ACCEPTED, "imported": True}
            report, created = AnnualReport.objects.get_or_create(
                project=project, fiscal_year=fiscal_year, defaults=accepted
            )
            if created:
                self.remember_made(key, report)
            else:
                self._found[key] = report
        return self._found[key]

    def researcher(self, name: str, institution: str) -> Researcher | None:
        key = (Researcher, name, institution)
        if key not in self._found:
            found = Researcher.objects.filter(name=name, institution=institution).first()
            if found is None:
                return None  # not remembered: an earlier row may make it
            self._found[key] = found
        return self._found[key]


@dataclasses.dataclass
class Change:
    """What a row of a file changes in the record it names, field by field; `by` and
    `at` say who last changed that record, when that was after the file was exported."""

    row: int
    model: type[models.Model]
    pk: Any
    record: str
    fields: list[tuple[str, str, str]]  # (field, before, after), as people read them
    by: str = ""
    at: Any = None


# Kept by the models themselves, never by a file.
_BOOKKEEPING = {"version", "dedupe_key", "updated_at"}


def field_changes(obj: models.Model, before: dict) -> list[tuple[str, str, str]]:
    """The fields of `obj` that differ from `before` (its state when read)."""
    changes = []
    for field in obj._meta.concrete_fields:
        old, new = before[field.attname], getattr(obj, field.attname)
        if old == new or field.attname in _BOOKKEEPING:
            continue
        if field.is_relation:
            related = field.related_model._default_manager
            old = related.filter(pk=old).first() if old is not None else None
            new = getattr(obj, field.name)
        changes.append((str(field.verbose_name), _shown(old), _shown(new)))
    return changes


# The headers of the computed columns in a labelled export (Kind.label).
COMPUTED_LABELS = {
    "final_score": gettext_lazy("final score"),
    "review_mean": gettext_lazy("mean score"),
    "review_count": gettext_lazy("reviews"),
    "review_spread": gettext_lazy("spread of scores"),
    "adoptable": gettext_lazy("adoptable"),
    "conflicts": gettext_lazy("conflicts of interest"),
    "report_status": gettext_lazy("report status"),
}


def header_key(header: str) -> str:
    """A header as compared: full-width letters, case and surrounding spaces aside."""
    return normalise.name(header).casefold()


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _key_labels(model: type[models.Model]) -> Iterator[str]:
    """The label of the code or reference a row names a record of `model` by."""
    for name in ("ref", "code"):
        try:
            yield str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue


# A column named after a field of a record the row names ("jp_pi_institution"): the column
# suffix where it is not the field's own name.
RELATED_FIELDS = {"hindex": "h_index", "ror": "institution_ror"}


def _related_label(model: type[models.Model], name: str) -> str | None:
    """The label of a column that holds a field of a related record, in the active
    language: jp_pi_institution → 日本側研究代表者（所属機関）, as a form would put it."""
    for relation in model._meta.get_fields():
        if relation.many_to_one and name.startswith(f"{relation.name}_"):
            rest = name.removeprefix(f"{relation.name}_")
            field = _field(relation.related_model, RELATED_FIELDS.get(rest, rest))
            if field is not None:
                parts = {"record": relation.verbose_name, "field": field.verbose_name}
                return _("%(record)s (%(field)s)") % parts
    return None


def _shown(value) -> str:
    if value in (None, ""):
        return "—"
    return str(value) if isinstance(value, models.Model) else cells.formatted(value)


def _state(obj: models.Model) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


class Kind:
    """One kind of record. Subclasses declare the columns and natural key and resolve
    their references; plain columns are read and written here."""

    name: str
    model: type[models.Model]
    columns: list[Column]
    natural_key: tuple[str, ...]
    # Validation errors of these model fields belong to these columns.
    field_columns: dict[str, str] = {}
    # What staff look at beside the contract's columns (scores, status…), exported after
    # them and read by no import: a file of ours imports back with them (issue 13).
    computed: dict[str, Callable[[models.Model], Any]] = {}
    # Headers people write for a column beside its name and the labels the pages show
    # (論文名 for a paper's title, which the pages call タイトル).
    synonyms: dict[str, tuple[str, ...]] = {}
    # The choices of computed columns that hold a code, shown by label in a labelled export.
    computed_choices: dict[str, type[models.TextChoices]] = {}

    # --- Export --------------------------------------------------------------------

    def queryset(self, program: Program | None) -> QuerySet:
        raise NotImplementedError

    def to_row(self, obj: models.Model) -> dict[str, Any]:
        """The values of a record's row; references are added by the kinds that have them."""
        return {column.name: getattr(obj, column.field) for column in self.plain_columns()}

    # --- Import --------------------------------------------------------------------

    def parse(self, row: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
        """The row's values by column (only the columns the file has: a missing one is
        kept) and the problems of its cells, as (column, message)."""
        values, problems = {}, []
        for name, required, parse in self._parsers:
            cell = row.get(name)
            if cell is None:
                continue
            if required and not cell.strip():
                problems.append((name, _("a value is required.")))
                continue
            try:
                values[name] = parse(cell)
            except cells.CellError as error:
                problems.append((name, str(error)))
        return values, problems

    @functools.cached_property
    def _parsers(self) -> list[tuple[str, bool, Callable[[str], Any]]]:
        """(name, required, parse) of each column, looked up once rather than a cell at a time."""
        return [(column.name, column.required, self._canonical(column)) for column in self.columns]

    def _canonical(self, column: Column) -> Callable[[str], Any]:
        """The column's parser, giving the value as its field stores it (names and titles
        normalised), so that a cell spelt another way is no change, and importing a file
        twice changes nothing."""
        field = self.model._meta.get_field(column.field) if column.field else None
        if not isinstance(field, NormalisedCharField):
            return column.parse
        if column.parse is cells.code and field.normaliser is normalise.name:
            return column.parse  # the same normalisation already: once is enough
        return lambda cell: field.to_python(column.parse(cell))

    def messages(self, error: ValidationError, values: dict) -> Iterator[tuple[str, str]]:
        """Each message of a model's ValidationError with the column it belongs to."""
        by_field = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        for field, messages in by_field.items():
            column = (
                self.key_column(values)
                if field == NON_FIELD_ERRORS
                else self.column_of(field, values)
            )
            for message in messages:
                yield column, message

    def upsert(self, values: dict, ctx: ImportContext) -> str:
        """Create, update or leave the record the row names: CREATED, UPDATED or UNCHANGED."""
        obj = self.find(values, ctx)
        if obj is not None:
            ctx.claim(obj, self.key_column(values))
        is_new = obj is None
        obj = obj or self.model()
        before = _state(obj)
        self.assign(obj, values, ctx)
        changed = is_new or _state(obj) != before
        if changed:
            obj.full_clean()  # the model's own rules: ranges, dates, COI, support types…
            if not is_new:
                fields = field_changes(obj, before)
                ctx.changes.append(Change(ctx.row, self.model, obj.pk, str(obj), fields))
            obj.save()
            self.after_change(obj, before, ctx)
        if is_new:
            ctx.claim(obj, self.key_column(values))
            ctx.added.append((ctx.row, str(obj)))
        related = self.save_related(obj, values, ctx)
        if is_new:
            return CREATED
        return UPDATED if changed or related or ctx.wrote_elsewhere else UNCHANGED

    def key_lookup(self, values: dict, ctx: ImportContext) -> dict:
        """The lookup of the record a row names; kinds keyed by references override it."""
        return {name: values[name] for name in self.natural_key}

    def find(self, values: dict, ctx: ImportContext) -> models.Model | None:
        return self.model.objects.filter(**self.key_lookup(values, ctx)).first()

    def assign(self, obj: models.Model, values: dict, ctx: ImportContext) -> None:
        """Set the plain fields whose columns the file has (a missing column keeps its field)."""
        for column in self.plain_columns():
            if column.name in values:
                setattr(obj, column.field, values[column.name])

    def after_change(self, obj: models.Model, before: dict, ctx: ImportContext) -> None:
        """Called once a changed record is saved."""

    def save_related(self, obj: models.Model, values: dict, ctx: ImportContext) -> bool:
        """Save what is not a field of the record (many-to-many); True if it changed."""
        return False

    # --- Columns -------------------------------------------------------------------

    def plain_columns(self) -> list[Column]:
        return [column for column in self.columns if column.field]

    def key_column(self, values: dict) -> str:
        """The column a clash of natural keys is reported in."""
        return self.natural_key[-1]

    def header_names(self) -> dict[str, str]:
        """Every header that names a column, as `header_key` spells it, to the column's
        name: the contract's name, the labels the pages show in Japanese and in English,
        the label of what a reference names (受付番号 for a proposal), and the synonyms.
        A label two columns share names neither: the file must use the column's name."""
        names: dict[str, set[str]] = {}
        for column in self.columns:
            for label in self._labels(column):
                names.setdefault(header_key(label), set()).add(column.name)
        # What a reference names by comes after: the calls' "program" column is not headed
        # コード, which is the label of the calls' own code.
        references: dict[str, set[str]] = {}
        for column in self.columns:
            for label in self._reference_labels(column):
                references.setdefault(header_key(label), set()).add(column.name)
        for label, found in references.items():
            names.setdefault(label, found)
        for name in self.computed:
            for language in ("ja", "en"):
                with translation.override(language):
                    names.setdefault(header_key(str(COMPUTED_LABELS[name])), set()).add(name)
        for column in self.columns:  # a column's own name always names it
            names[header_key(column.name)] = {column.name}
        return {label: found.pop() for label, found in names.items() if len(found) == 1}

    def label(self, name: str) -> str:
        """A column's header in the active language, as the pages label it, for exports
        people read; the column's name where no label names it alone (header_names)."""
        if name in self.computed:
            return str(COMPUTED_LABELS[name])
        names = self.header_names()
        column = next(column for column in self.columns if column.name == name)
        for label in self._own_labels(column):
            if names.get(header_key(label)) == name:
                return label
        return name

    def _own_labels(self, column: Column) -> Iterator[str]:
        """The labels of a column in the active language, the pages' first."""
        field = _field(self.model, column.field or column.name)
        if field is not None:
            yield str(field.verbose_name)
        elif unplain := self._unplain_label(column):
            yield unplain
        yield from self.synonyms.get(column.name, ())

    def _unplain_label(self, column: Column) -> str | None:
        """The label of a column that is no field of the record, in the active language:
        a related record's field (jp_pi_institution), else the one field it fills (the
        surveys' person is their participant)."""
        if related := _related_label(self.model, column.name):
            return related
        fields = [field for field, name in self.field_columns.items() if name == column.name]
        found = _field(self.model, fields[0]) if len(fields) == 1 else None
        return str(found.verbose_name) if found is not None else None

    def shown(self, name: str, value: Any) -> Any:
        """A cell's value as the pages show it: a choice by its label in the active
        language (which imports read back, cells.choice_of), anything else as it is."""
        labels = self._choice_labels(name)
        if not labels or not isinstance(value, str):
            return value
        return str(labels.get(value, value))

    def _choice_labels(self, name: str) -> dict:
        if name in self.computed_choices:
            return dict(self.computed_choices[name].choices)
        column = next((column for column in self.columns if column.name == name), None)
        if column is None or column.field is None:
            return {}
        return dict(self.model._meta.get_field(column.field).flatchoices)

    def _labels(self, column: Column) -> Iterator[str]:
        yield from self.synonyms.get(column.name, ())
        field = _field(self.model, column.field or column.name)
        if field is None:
            for language in ("ja", "en"):
                with translation.override(language):
                    yield from filter(None, [self._unplain_label(column)])
            return
        for language in ("ja", "en"):
            with translation.override(language):
                yield str(field.verbose_name)

    def _reference_labels(self, column: Column) -> Iterator[str]:
        """The labels of what a reference column names a record by (受付番号)."""
        field = _field(self.model, column.field or column.name)
        if field is None or not (field.is_relation and field.many_to_one):
            return
        for language in ("ja", "en"):
            with translation.override(language):
                yield from _key_labels(field.related_model)

    def column_of(self, field: str, values: dict) -> str:
        for column in self.columns:
            if field in (column.name, column.field):
                return column.name
        return self.field_columns.get(field, self.key_column(values))


# --- Programs and calls ---------------------------------------------------------------


class Agencies(Kind):
    name, model = "agencies", FundingAgency
    columns = [
        required("code", cells.code),
        required("name"),
        optional("name_ja"),
        required("country", cells.country),
    ]
    natural_key = ("code",)

    def queryset(self, program):
        agencies = FundingAgency.objects.order_by("code")
        if program is None:
            return agencies
        return agencies.filter(Q(calls__program=program) | Q(programs=program)).distinct()


class Programs(Kind):
    name, model = "programs", Program
    columns = [
        required("code", cells.code),
        required("name"),
        optional("name_ja"),
        reference("managing_agency"),
    ]
    natural_key = ("code",)

    def queryset(self, program):
        programs = Program.objects.select_related("managing_agency").order_by("code")
        return programs if program is None else programs.filter(pk=program.pk)

    def assign(self, obj, values, ctx):
        super().assign(obj, values, ctx)
        obj.managing_agency = ctx.agency(values["managing_agency"], "managing_agency")

    def to_row(self, obj):
        return super().to_row(obj) | {"managing_agency": obj.managing_agency.code}


class Calls(Kind):
    name, model = "calls", Call
    columns = [
        reference("program"),
        required("code", cells.code),
        required("kind", cells.choice_of(CallKind)),
        required("title"),
        optional("open_date", cells.date),
        optional("close_date", cells.date),
        reference("partner_agencies", cells.codes, needed=False),
        optional("adoptable_score", cells.decimal),
        reference("support_type", cells.code, needed=False),  # issue 13: beyond the contract
    ]
    natural_key = ("code",)

    def queryset(self, program):
        calls = Call.objects.select_related("program", "support_type")
        calls = calls.prefetch_related("partner_agencies")
        calls = calls.order_by("code")
        return calls if program is None else calls.filter(program=program)

    def assign(self, obj, values, ctx):
        super().assign(obj, values, ctx)
        obj.program = ctx.program(values["program"])
        if "adoptable_score" in values and values["adoptable_score"] is None:
            obj.adoptable_score = DEFAULT_ADOPTABLE_SCORE  # the contract's default
        if "support_type" in values:
            obj.support_type = _support_type(obj.program, values["support_type"])
        for code in values.get("partner_agencies", []):
            ctx.agency(code, "partner_agencies")  # unknown codes fail before anything is saved

    def column_of(self, field, values):
        # Without the column, the program the row moves the call to is what is wrong.
        if field == "support_type" and "support_type" not in values:
            return "program"
        return super().column_of(field, values)

    def save_related(self, obj, values, ctx):
        if "partner_agencies" not in values:
            return False
        wanted = {ctx.agency(code, "partner_agencies") for code in values["partner_agencies"]}
        if set(obj.partner_agencies.all()) == wanted:
            return False
        obj.partner_agencies.set(wanted)
        return True

    def to_row(self, obj):
        partners = sorted(agency.code for agency in obj.partner_agencies.all())
        support = obj.support_type.code if obj.support_type else ""
        return super().to_row(obj) | {
            "program": obj.program.code,
            "partner_agencies": partners,
            "support_type": support,
        }


def _support_type(program: Program, code: str) -> SupportType | None:
    """A support type of the call's own program, by its code; empty is none."""
    if not code:
        return None
    found = SupportType.objects.filter(program=program, code=code).first()
    if found is None:
        raise unknown("support_type", _("support type of %(program)s") % {"program": program}, code)
    return found


# --- Proposals, reviews, projects, targets -----------------------------------------------

# Researcher field → column suffix
PI_FACTS = {"h_index": "hindex", "country": "country", "institution_ror": "ror"}


class Proposals(Kind):
    name, model = "proposals", Proposal
    columns = [
        reference("call"),
        required("ref", cells.code),
        required("title"),
        required("status", cells.choice_of(ProposalStatus)),
        reference("jp_pi_name", cells.code),
        reference("jp_pi_institution", cells.code, needed=False),
        reference("jp_pi_hindex", cells.integer, needed=False),
        reference("partner_pi_name", cells.code, needed=False),
        reference("partner_pi_institution", cells.code, needed=False),
        reference("partner_pi_country", cells.country, needed=False),
        reference("partner_pi_hindex", cells.integer, needed=False),
        optional("panel_score", cells.decimal),
        # Beyond the contract, at the end (docs/data-exchange.md).
        optional("decided_on", cells.date),
        reference("jp_pi_ror", cells.ror, needed=False),
        reference("partner_pi_ror", cells.ror, needed=False),
    ]
    natural_key = ("ref",)
    # The requested budget and duration are no columns: a call whose support type does
    # not allow them is what the row got wrong.
    field_columns = {
        "jp_pi": "jp_pi_name",
        "partner_pi": "partner_pi_name",
        "requested_annual_budget_yen": "call",
        "requested_years": "call",
    }

    # Computed from Proposal.objects.with_scores(): the one definition of the figures.
    computed = {
        "final_score": lambda proposal: proposal.final_score,
        "review_mean": lambda proposal: proposal.review_mean,
        "review_count": lambda proposal: proposal.review_count,
        "review_spread": lambda proposal: proposal.review_spread,
        "adoptable": lambda proposal: proposal.adoptable,
        "conflicts": lambda proposal: proposal.conflict_count,
    }

    def queryset(self, program):
        proposals = (
            Proposal.objects.with_scores()
            .annotate(conflict_count=Count("conflicts", distinct=True))
            .select_related("call", "jp_pi", "partner_pi")
            .order_by("ref")
        )
        return proposals if program is None else proposals.filter(call__program=program)

    def find(self, values, ctx):
        # With its project, if any, which keeps it adopted (see assign).
        return Proposal.objects.select_related("project").filter(ref=values["ref"]).first()

    def assign(self, obj, values, ctx):
        was = obj.status, obj.decided_on
        super().assign(obj, values, ctx)
        self.decide(obj, values, was)
        obj.call = ctx.call(values["call"])
        obj.jp_pi = _researcher(values, "jp_pi", ctx, default_country=DOMESTIC_COUNTRY)
        if "partner_pi_name" in values:
            obj.partner_pi = _researcher(values, "partner_pi", ctx, default_country="")
        if obj.pk and obj.status != ProposalStatus.ADOPTED and hasattr(obj, "project"):
            message = _("the proposal has the project %(code)s, so it stays adopted.")
            raise RowError("status", message % {"code": obj.project.code})

    @staticmethod
    def decision(values: dict, status: str, was: tuple | None) -> datetime.date | None:
        """The row's decision date, by the rule of every door (calls.services.
        decision_date; `was`: the stored status and date, None for a new proposal). A date
        given is the decision's, for an adopted or rejected proposal only; none given dates
        a decision the row changes today and keeps the date of one it repeats. A proposal
        the file brings in was decided elsewhere, at a time only the file can say: dated
        only if it does."""
        given = values.get("decided_on")
        if given and status not in calls_services.DECISIONS:
            message = _("only an adopted or rejected proposal has a decision date.")
            raise RowError("decided_on", message)
        if was is None:
            return given if status in calls_services.DECISIONS else None
        return calls_services.decision_date(status, was, on=given)

    @classmethod
    def decide(cls, obj: Proposal, values: dict, was: tuple) -> None:
        """The same on an instance whose status the row has set."""
        obj.decided_on = cls.decision(values, obj.status, None if obj.pk is None else was)

    def to_row(self, obj):
        jp, partner = obj.jp_pi, obj.partner_pi
        return super().to_row(obj) | {
            "call": obj.call.code,
            "jp_pi_name": jp.name,
            "jp_pi_institution": jp.institution,
            "jp_pi_hindex": jp.h_index,
            "partner_pi_name": partner.name if partner else "",
            "partner_pi_institution": partner.institution if partner else "",
            "partner_pi_country": partner.country if partner else "",
            "partner_pi_hindex": partner.h_index if partner else None,
            "jp_pi_ror": jp.institution_ror,
            "partner_pi_ror": partner.institution_ror if partner else "",
        }


@dataclasses.dataclass(frozen=True)
class PI:
    """What one row says of one of its PIs."""

    key: tuple[str, str]  # (name, institution), the Researcher's natural key
    facts: dict[str, Any]  # only the facts the row gives: an empty cell keeps what is known
    columns: dict[str, str]  # Researcher field → column


# Researcher field → column, for each PI of a proposals row (the same dict for every row).
PI_COLUMNS = {
    prefix: {field: f"{prefix}_{suffix}" for field, suffix in PI_FACTS.items()}
    | {"name": f"{prefix}_name", "institution": f"{prefix}_institution"}
    for prefix in ("jp_pi", "partner_pi")
}


def pi_of(values: dict, prefix: str, ctx: ImportContext) -> PI | None:
    """The PI a row names, None where it names none; checked against the file's other rows."""
    columns = PI_COLUMNS[prefix]
    name, institution = values[columns["name"]], values.get(columns["institution"], "")
    # Empty fact cells keep what is known: the researcher may be another proposal's PI too.
    facts = {
        field: values[column]
        for field, column in columns.items()
        if field in PI_FACTS and values.get(column) not in (None, "")
    }
    if not name.strip():
        if institution.strip() or facts:
            message = _("a value is required: other cells of this researcher are filled.")
            raise RowError(columns["name"], message)
        return None
    ctx.agree_on_researcher((name, institution), facts, columns)
    return PI((name, institution), facts, columns)


def apply_facts(researcher: Researcher | None, pi: PI, default_country: str, **clean) -> tuple:
    """The researcher with the row's facts, and whether that is a change to write; a new
    or changed one is validated (`clean`: what full_clean() may skip) in the row's columns."""
    if researcher is None:
        name, institution = pi.key
        researcher = Researcher(name=name, institution=institution, country=default_country)
    before = _state(researcher)
    for field, value in pi.facts.items():
        setattr(researcher, field, value)
    changed = researcher.pk is None or _state(researcher) != before
    if changed:
        try:
            researcher.full_clean(**clean)
        except ValidationError as error:  # reported in the row's columns, not the model's
            raise ValidationError(
                {pi.columns.get(field, pi.columns["name"]): errors for field, errors in error}
            ) from None
    return researcher, changed


def _researcher(values: dict, prefix: str, ctx: ImportContext, default_country: str):
    """The PI a row names by (name, institution), made if new; its facts kept up to date."""
    pi = pi_of(values, prefix, ctx)
    if pi is None:
        return None
    name, institution = pi.key
    researcher, changed = apply_facts(ctx.researcher(name, institution), pi, default_country)
    if changed:
        made = researcher.pk is None
        researcher.save()
        if made:
            ctx.remember_made((Researcher, name, institution), researcher)
        ctx.wrote_elsewhere = True
    return researcher


class Language(models.TextChoices):
    """User.language's choices, so that a labelled export's 日本語 imports back."""

    JA = "ja", "日本語"
    EN = "en", "English"


class Reviewers(Kind):
    name, model = "reviewers", User
    columns = [
        required("email", cells.text),
        optional("full_name"),
        optional("institution"),
        optional("reviewer_code", cells.code),
        optional("language", cells.choice_of(Language)),
        optional("institution_ror", cells.ror),
    ]
    natural_key = ("email",)

    def queryset(self, program):
        return User.objects.filter(groups__name=Role.REVIEWER).order_by("email")

    def key_lookup(self, values, ctx):
        return {"email__iexact": values["email"]}

    def assign(self, obj, values, ctx):
        if obj.pk and (obj.is_staff or obj.is_superuser or obj.has_role(Role.COMMITTEE)):
            raise RowError("email", _("this account is not a reviewer's: change it by hand."))
        super().assign(obj, values, ctx)
        if "reviewer_code" in values and not values["reviewer_code"]:
            obj.reviewer_code = None  # unique, so empty is none
        if "language" in values and not values["language"]:
            obj.language = "ja"
        if obj.pk is None:
            obj.set_unusable_password()

    def save_related(self, obj, values, ctx):
        if obj.groups.filter(name=Role.REVIEWER).exists():
            return False
        obj.groups.add(Group.objects.get_or_create(name=Role.REVIEWER)[0])
        return True

    def to_row(self, obj):
        return super().to_row(obj) | {"reviewer_code": obj.reviewer_code or ""}


class Reviews(Kind):
    name, model = "reviews", Review
    columns = [
        reference("proposal"),
        reference("reviewer"),
        optional("score", cells.decimal),  # empty: a pending assignment (issue 13)
        optional("comment"),
        optional("due_on", cells.date),
    ]
    natural_key = ("proposal", "reviewer")

    def queryset(self, program):
        # Reviews still pending have no score, which the contract requires: left out.
        reviews = Review.objects.filter(score__isnull=False).select_related("proposal", "reviewer")
        reviews = reviews.order_by("proposal__ref", "reviewer__email")
        return reviews if program is None else reviews.filter(proposal__call__program=program)

    def key_lookup(self, values, ctx):
        return {
            "proposal": ctx.proposal(values["proposal"]),
            "reviewer": ctx.reviewer(values["reviewer"]),
        }

    def assign(self, obj, values, ctx):
        submitted = obj.score
        super().assign(obj, values, ctx)
        if obj.score is None and submitted is not None:
            obj.score = submitted  # an assignment row never takes back a submitted score
        obj.proposal = ctx.proposal(values["proposal"])
        obj.reviewer = ctx.reviewer(values["reviewer"])
        if obj.pk is None and obj.due_on is None:
            obj.due_on = obj.proposal.call.review_due_on

    def to_row(self, obj):
        reviewer = obj.reviewer.reviewer_code or obj.reviewer.email
        return super().to_row(obj) | {"proposal": obj.proposal.ref, "reviewer": reviewer}


class Projects(Kind):
    name, model = "projects", Project
    columns = [
        reference("proposal"),
        required("code", cells.code),
        optional("title"),
        required("start_date", cells.date),
        required("end_date", cells.date),
        # Beyond the contract, at the end (docs/data-exchange.md): what adoption awarded.
        optional("awarded_annual_yen", cells.integer),
        optional("awarded_total_yen", cells.integer),
    ]
    natural_key = ("code",)

    def queryset(self, program):
        projects = Project.objects.select_related("proposal").order_by("code")
        return projects if program is None else projects.filter(proposal__call__program=program)

    def assign(self, obj, values, ctx):
        super().assign(obj, values, ctx)
        obj.proposal = ctx.proposal(values["proposal"])
        refusal = adoption_refusal(obj.proposal)  # before the project is written
        if refusal:
            raise RowError("proposal", refusal)

    def save_related(self, obj, values, ctx):
        """The contract: the proposal of a project becomes adopted (if it may be)."""
        if obj.proposal.status == ProposalStatus.ADOPTED:
            return False
        mark_adopted(obj.proposal)
        return True

    def to_row(self, obj):
        return super().to_row(obj) | {"proposal": obj.proposal.ref}


class Targets(Kind):
    name, model = "targets", Target
    columns = [
        reference("program"),
        required("indicator", cells.choice(*INDICATORS)),
        required("fiscal_year", cells.year),
        required("value", cells.decimal),
    ]
    natural_key = ("program", "indicator", "fiscal_year")

    def queryset(self, program):
        targets = Target.objects.select_related("program")
        targets = targets.order_by("program__code", "indicator", "fiscal_year")
        return targets if program is None else targets.filter(program=program)

    def key_lookup(self, values, ctx):
        return super().key_lookup(values, ctx) | {"program": ctx.program(values["program"])}

    def assign(self, obj, values, ctx):
        super().assign(obj, values, ctx)
        obj.program = ctx.program(values["program"])

    def to_row(self, obj):
        return super().to_row(obj) | {"program": obj.program.code}


# --- What projects did --------------------------------------------------------------------


def _of_program(queryset: QuerySet, program: Program | None) -> QuerySet:
    return (
        queryset if program is None else queryset.filter(project__proposal__call__program=program)
    )


class ProjectRecords(Kind):
    """Rows that belong to a project, named by its code."""

    order: tuple[str, ...]
    synonyms = {"project": ("課題番号", "課題コード"), "fiscal_year": ("年度", "fiscal year")}

    def queryset(self, program):
        records = self.model.objects.select_related(*self.related()).order_by(*self.order)
        return _of_program(records, program)

    def related(self) -> list[str]:
        return ["project"]

    def key_lookup(self, values, ctx):
        lookup = super().key_lookup(values, ctx)
        return lookup | {"project": ctx.project(values["project"])}

    def assign(self, obj, values, ctx):
        super().assign(obj, values, ctx)
        obj.project = ctx.project(values["project"])

    def to_row(self, obj):
        return super().to_row(obj) | {"project": obj.project.code}


class Budgets(ProjectRecords):
    """A project's budget of one fiscal year (issue 13: budgets come and go like every kind)."""

    name, model = "budgets", ProjectBudget
    columns = [
        reference("project"),
        required("fiscal_year", cells.year),
        required("amount_yen", cells.integer),
    ]
    natural_key = ("project", "fiscal_year")
    order = ("project__code", "fiscal_year")


class Outputs(ProjectRecords):
    """Rows that land in the annual report of (project, fiscal_year)."""

    field_columns = {"report": "fiscal_year"}
    computed = {"report_status": lambda output: output.report.status}
    computed_choices = {"report_status": ReportStatus}

    def related(self):
        return ["project", "report"]

    def assign(self, obj, values, ctx):
        super().assign(obj, values, ctx)
        obj.report = ctx.report(obj.project, values["fiscal_year"])

    def to_row(self, obj):
        return super().to_row(obj) | {"fiscal_year": obj.report.fiscal_year}


def _output_columns(*columns: Column) -> list[Column]:
    return [reference("project"), reference("fiscal_year", cells.year), *columns]


class Publications(Outputs):
    name, model = "publications", Paper
    columns = _output_columns(
        optional("doi", cells.code),
        required("title"),
        optional("journal"),
        required("published_on", cells.date),
        required("international_coauthored", cells.boolean),
    )
    natural_key = ("project", "doi", "title")
    order = ("project__code", "report__fiscal_year", "published_on", "dedupe_key")
    synonyms = ProjectRecords.synonyms | {
        "title": ("論文名", "論文タイトル", "題目", "表題"),
        "journal": ("雑誌名", "掲載誌名", "誌名", "ジャーナル"),
        "published_on": ("発行日", "出版日", "掲載日", "発表日"),
        "international_coauthored": ("国際共著", "国際共著論文"),
    }
    field_columns = Outputs.field_columns | {"dedupe_key": "title"}

    def key_lookup(self, values, ctx):
        # "Same paper" of indicators.md: the DOI ignoring case, else the normalised title;
        # a row with a DOI never matches a paper without one.
        key = paper_key(values.get("doi", ""), values["title"])
        return {"project": ctx.project(values["project"]), "dedupe_key": key}

    def key_column(self, values):
        return "doi" if values.get("doi") else "title"


class Presentations(Outputs):
    name, model = "presentations", Presentation
    columns = _output_columns(
        required("title"),
        required("conference"),
        optional("country", cells.country),
        required("presented_on", cells.date),
        required("international", cells.boolean),
    )
    natural_key = ("project", "title", "presented_on")
    order = ("project__code", "report__fiscal_year", "presented_on", "title")
    synonyms = ProjectRecords.synonyms | {
        "title": ("演題", "発表題目", "発表タイトル", "題目"),
        "conference": ("学会名", "会議名", "学会"),
        "presented_on": ("発表日", "発表年月日"),
        "international": ("国際学会", "国際会議", "国際"),
    }


class Events(Outputs):
    name, model = "events", Event
    columns = _output_columns(
        required("kind", cells.choice_of(EventKind)),
        required("title"),
        required("held_on", cells.date),
        optional("country", cells.country),
        optional("participants", cells.integer),
    )
    natural_key = ("project", "title", "held_on")
    order = ("project__code", "report__fiscal_year", "held_on", "title")


class Exchanges(Outputs):
    name, model = "exchanges", Exchange
    columns = _output_columns(
        required("person"),
        required("career_stage", cells.choice_of(CareerStage)),
        required("direction", cells.choice_of(Direction)),
        required("country", cells.country),
        optional("institution"),
        required("start_date", cells.date),
        optional("end_date", cells.date),
        required("funded_by_program", cells.boolean),
        optional("purpose"),
        # Beyond the contract, at the end (docs/data-exchange.md).
        optional("institution_ror", cells.ror),
    )
    natural_key = ("project", "person", "direction", "start_date")
    order = ("project__code", "report__fiscal_year", "start_date", "person", "direction")


class LabStatistics(Outputs):
    name, model = "lab_statistics", LabStatistic
    columns = _output_columns(
        required("events_held", cells.integer),
        required("researchers_invited", cells.integer),
        required("researchers_dispatched", cells.integer),
    )
    natural_key = ("project", "fiscal_year")
    order = ("project__code", "report__fiscal_year")

    def key_lookup(self, values, ctx):
        project = ctx.project(values["project"])
        return {"project": project, "report__fiscal_year": values["fiscal_year"]}


class Hubs(ProjectRecords):
    name, model = "hubs", Hub
    columns = [
        reference("project"),
        required("name"),
        required("country", cells.country),
        required("established_on", cells.date),
        optional("closed_on", cells.date),
    ]
    natural_key = ("project", "name")
    order = ("project__code", "name")


class Surveys(ProjectRecords):
    name, model = "surveys", SurveyAnswer
    columns = [
        reference("project"),
        reference("person", cells.code),
        required("timing", cells.choice_of(SurveyTiming)),
        *[required(item, cells.integer) for item in SURVEY_ITEMS],
    ]
    natural_key = ("project", "person", "timing")
    order = ("project__code", "participant__name", "timing")
    field_columns = {"participant": "person", "report": "project"}

    def related(self):
        return ["project", "participant"]

    def key_lookup(self, values, ctx):
        return {
            "project": ctx.project(values["project"]),
            "participant__key": normalise.person_key(values["person"]),
            "timing": values["timing"],
        }

    def assign(self, obj, values, ctx):
        super().assign(obj, values, ctx)
        obj.participant = participant(obj.project, values["person"])
        if obj.pk is None:
            obj.report = ctx.target_report  # a PI's upload records it in their report

    def to_row(self, obj):
        return super().to_row(obj) | {"person": obj.participant.name}


# The order matters: a kind's references are kinds above it, so importing files in this
# order fills an empty database.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Agencies(),
        Programs(),
        Calls(),
        Proposals(),
        Reviewers(),
        Reviews(),
        Projects(),
        Budgets(),
        Targets(),
        Publications(),
        Presentations(),
        Events(),
        Exchanges(),
        Hubs(),
        LabStatistics(),
        Surveys(),
    ]
}

KIND_OF_MODEL: dict[str, str] = {kind.model._meta.label_lower: name for name, kind in KINDS.items()}
