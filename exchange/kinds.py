"""The kinds of shared/design/data-exchange.md: columns, natural keys, and how a row
becomes a record and a record a row.

Where the contract and the models differ, the contract's words win at the edge:
- `publications` are Paper rows; `surveys` are SurveyAnswer rows; `lab_statistics` are
  LabStatistic rows; researchers are found or made by (name, institution), Japanese PIs
  in Japan, partner PIs in `partner_pi_country`.
- a `projects` row adopts its proposal (status `adopted`) and records the project with
  the dates given; budgets and members are left to staff, as the file does not carry them.
- agencies, programs and targets have no program of their own to filter by: `--program`
  exports the agencies of its calls (and its managing agency), the program itself and its
  targets.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Call, CallKind, CareerStage, Proposal, ProposalStatus, Researcher, Review
from evaluations.catalogue import INDICATORS
from evaluations.models import Target
from exchange import cells
from programs.models import DOMESTIC_COUNTRY, FundingAgency, Program
from projects.models import (
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
    ReportStatus,
    SurveyAnswer,
    SurveyTiming,
    paper_key,
)


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


def required(name: str, parse: Callable[[str], Any] = cells.text) -> Column:
    return Column(name, parse, required=True)


class References:
    """Records a row names by code, found in the database (earlier rows are saved there)."""

    def __init__(self):
        self._cache: dict[tuple, Any] = {}

    def get(self, column: str, model, what: str, **lookup):
        key = (model, *sorted(lookup.items()))
        if key not in self._cache:
            self._cache[key] = model.objects.filter(**lookup).first()
        if self._cache[key] is None:
            value = next(iter(lookup.values()))
            raise RowError(
                column, _("unknown %(what)s %(value)r.") % {"what": what, "value": value}
            )
        return self._cache[key]

    def agency(self, code: str, column: str) -> FundingAgency:
        return self.get(column, FundingAgency, _("agency"), code=code)

    def program(self, code: str, column: str = "program") -> Program:
        return self.get(column, Program, _("program"), code=code)

    def call(self, code: str) -> Call:
        return self.get("call", Call, _("call"), code=code)

    def proposal(self, ref: str) -> Proposal:
        return self.get("proposal", Proposal, _("proposal"), ref=ref)

    def project(self, code: str) -> Project:
        return self.get("project", Project, _("project"), code=code)

    def reviewer(self, name: str) -> User:
        found = User.objects.filter(Q(email__iexact=name) | Q(reviewer_code=name)).first()
        if found is None:
            raise RowError("reviewer", _("unknown reviewer %(value)r.") % {"value": name})
        return found

    def report(self, project: Project, fiscal_year: int) -> AnnualReport:
        """The report the outputs land in; an accepted one is made when there is none."""
        report, _created = AnnualReport.objects.get_or_create(
            project=project, fiscal_year=fiscal_year, defaults={"status": ReportStatus.ACCEPTED}
        )
        return report


class Kind:
    """One kind of record: subclasses say how a row reads and writes."""

    name: str
    model: type[models.Model]
    columns: list[Column]
    # Validation errors of these model fields belong to these columns.
    field_columns: dict[str, str] = {}

    def queryset(self, program: Program | None) -> QuerySet:
        raise NotImplementedError

    def find(self, values: dict, refs: References) -> models.Model | None:
        raise NotImplementedError

    def assign(self, obj: models.Model, values: dict, refs: References) -> None:
        raise NotImplementedError

    def to_row(self, obj: models.Model) -> dict:
        raise NotImplementedError

    def after_save(self, obj: models.Model, values: dict, refs: References) -> bool:
        """Changes beyond the record's own fields (many-to-many, a proposal's status)."""
        return False

    def column_of(self, field: str) -> str:
        names = {column.name for column in self.columns}
        if field in names:
            return field
        return self.field_columns.get(field, self.columns[0].name)


class Agencies(Kind):
    name, model = "agencies", FundingAgency
    columns = [
        required("code", cells.code),
        required("name"),
        Column("name_ja"),
        required("country", cells.country),
    ]

    def queryset(self, program):
        agencies = FundingAgency.objects.order_by("code")
        if program is None:
            return agencies
        related = Q(calls__program=program) | Q(programs=program)
        return agencies.filter(related).distinct()

    def find(self, values, refs):
        return FundingAgency.objects.filter(code=values["code"]).first()

    def assign(self, obj, values, refs):
        obj.code, obj.name, obj.name_ja = values["code"], values["name"], values["name_ja"]
        obj.country = values["country"]

    def to_row(self, obj):
        return {
            "code": obj.code,
            "name": obj.name,
            "name_ja": obj.name_ja,
            "country": obj.country.code,
        }


class Programs(Kind):
    name, model = "programs", Program
    columns = [
        required("code", cells.code),
        required("name"),
        Column("name_ja"),
        required("managing_agency", cells.code),
    ]

    def queryset(self, program):
        programs = Program.objects.select_related("managing_agency").order_by("code")
        return programs if program is None else programs.filter(pk=program.pk)

    def find(self, values, refs):
        return Program.objects.filter(code=values["code"]).first()

    def assign(self, obj, values, refs):
        obj.code, obj.name, obj.name_ja = values["code"], values["name"], values["name_ja"]
        obj.managing_agency = refs.agency(values["managing_agency"], "managing_agency")

    def to_row(self, obj):
        return {
            "code": obj.code,
            "name": obj.name,
            "name_ja": obj.name_ja,
            "managing_agency": obj.managing_agency.code,
        }


class Calls(Kind):
    name, model = "calls", Call
    columns = [
        required("program", cells.code),
        required("code", cells.code),
        required("kind", cells.choice(*CallKind.values)),
        required("title"),
        Column("open_date", cells.date),
        Column("close_date", cells.date),
        Column("partner_agencies", cells.codes),
        Column("adoptable_score", cells.decimal),
    ]

    def queryset(self, program):
        calls = Call.objects.select_related("program").prefetch_related("partner_agencies")
        calls = calls.order_by("code")
        return calls if program is None else calls.filter(program=program)

    def find(self, values, refs):
        return Call.objects.filter(code=values["code"]).first()

    def assign(self, obj, values, refs):
        obj.program = refs.program(values["program"])
        obj.code, obj.kind, obj.title = values["code"], values["kind"], values["title"]
        obj.open_date, obj.close_date = values["open_date"], values["close_date"]
        default = Call._meta.get_field("adoptable_score").default
        obj.adoptable_score = values["adoptable_score"] or default
        for code in values["partner_agencies"]:
            refs.agency(code, "partner_agencies")

    def after_save(self, obj, values, refs):
        wanted = {refs.agency(code, "partner_agencies") for code in values["partner_agencies"]}
        if set(obj.partner_agencies.all()) == wanted:
            return False
        obj.partner_agencies.set(wanted)
        return True

    def to_row(self, obj):
        partners = sorted(agency.code for agency in obj.partner_agencies.all())
        return {
            "program": obj.program.code,
            "code": obj.code,
            "kind": obj.kind,
            "title": obj.title,
            "open_date": obj.open_date,
            "close_date": obj.close_date,
            "partner_agencies": partners,
            "adoptable_score": obj.adoptable_score,
        }


class Proposals(Kind):
    name, model = "proposals", Proposal
    columns = [
        required("call", cells.code),
        required("ref", cells.code),
        required("title"),
        required("status", cells.choice(*ProposalStatus.values)),
        required("jp_pi_name"),
        Column("jp_pi_institution"),
        Column("jp_pi_hindex", cells.integer),
        Column("partner_pi_name"),
        Column("partner_pi_institution"),
        Column("partner_pi_country", cells.country),
        Column("partner_pi_hindex", cells.integer),
        Column("panel_score", cells.decimal),
    ]
    field_columns = {
        "jp_pi": "jp_pi_name",
        "partner_pi": "partner_pi_name",
        "requested_annual_budget_yen": "call",
        "requested_years": "call",
    }

    def queryset(self, program):
        proposals = Proposal.objects.select_related("call", "jp_pi", "partner_pi").order_by("ref")
        return proposals if program is None else proposals.filter(call__program=program)

    def find(self, values, refs):
        return Proposal.objects.filter(ref=values["ref"]).first()

    def assign(self, obj, values, refs):
        obj.call = refs.call(values["call"])
        obj.ref, obj.title, obj.status = values["ref"], values["title"], values["status"]
        obj.panel_score = values["panel_score"]
        obj.jp_pi = _researcher(values, "jp_pi", DOMESTIC_COUNTRY)
        obj.partner_pi = _researcher(values, "partner_pi", values["partner_pi_country"])

    def to_row(self, obj):
        jp, partner = obj.jp_pi, obj.partner_pi
        return {
            "call": obj.call.code,
            "ref": obj.ref,
            "title": obj.title,
            "status": obj.status,
            "jp_pi_name": jp.name,
            "jp_pi_institution": jp.institution,
            "jp_pi_hindex": jp.h_index,
            "partner_pi_name": partner.name if partner else "",
            "partner_pi_institution": partner.institution if partner else "",
            "partner_pi_country": partner.country.code if partner else "",
            "partner_pi_hindex": partner.h_index if partner else None,
            "panel_score": obj.panel_score,
        }


def _researcher(values: dict, prefix: str, country: str) -> Researcher | None:
    """The PI named by a row, found by (name, institution); h-index and country updated."""
    name = values[f"{prefix}_name"]
    if not name:
        return None
    researcher, _created = Researcher.objects.get_or_create(
        name=name,
        institution=values[f"{prefix}_institution"],
        defaults={"country": country, "h_index": values[f"{prefix}_hindex"]},
    )
    changed = {"country": country or researcher.country, "h_index": values[f"{prefix}_hindex"]}
    changed = {key: value for key, value in changed.items() if getattr(researcher, key) != value}
    if changed:
        for key, value in changed.items():
            setattr(researcher, key, value)
        researcher.save(update_fields=list(changed))
    return researcher


class Reviews(Kind):
    name, model = "reviews", Review
    columns = [
        required("proposal", cells.code),
        required("reviewer", cells.code),
        required("score", cells.decimal),
        Column("comment"),
    ]

    def queryset(self, program):
        reviews = Review.objects.select_related("proposal", "reviewer").order_by(
            "proposal__ref", "reviewer__email"
        )
        return reviews if program is None else reviews.filter(proposal__call__program=program)

    def find(self, values, refs):
        proposal, reviewer = refs.proposal(values["proposal"]), refs.reviewer(values["reviewer"])
        return Review.objects.filter(proposal=proposal, reviewer=reviewer).first()

    def assign(self, obj, values, refs):
        obj.proposal, obj.reviewer = (
            refs.proposal(values["proposal"]),
            refs.reviewer(values["reviewer"]),
        )
        obj.score, obj.comment = values["score"], values["comment"]

    def to_row(self, obj):
        reviewer = obj.reviewer.reviewer_code or obj.reviewer.email
        return {
            "proposal": obj.proposal.ref,
            "reviewer": reviewer,
            "score": obj.score,
            "comment": obj.comment,
        }


class Projects(Kind):
    name, model = "projects", Project
    columns = [
        required("proposal", cells.code),
        required("code", cells.code),
        Column("title"),
        required("start_date", cells.date),
        required("end_date", cells.date),
    ]

    def queryset(self, program):
        projects = Project.objects.select_related("proposal").order_by("code")
        return projects if program is None else projects.filter(proposal__call__program=program)

    def find(self, values, refs):
        return Project.objects.filter(code=values["code"]).first()

    def assign(self, obj, values, refs):
        obj.proposal = refs.proposal(values["proposal"])
        obj.code, obj.title = values["code"], values["title"]
        obj.start_date, obj.end_date = values["start_date"], values["end_date"]

    def after_save(self, obj, values, refs):
        proposal = obj.proposal
        if proposal.status == ProposalStatus.ADOPTED:
            return False
        proposal.status = ProposalStatus.ADOPTED
        proposal.save(update_fields=["status"])
        return True

    def to_row(self, obj):
        return {
            "proposal": obj.proposal.ref,
            "code": obj.code,
            "title": obj.title,
            "start_date": obj.start_date,
            "end_date": obj.end_date,
        }


class Targets(Kind):
    name, model = "targets", Target
    columns = [
        required("program", cells.code),
        required("indicator", cells.choice(*INDICATORS)),
        required("fiscal_year", cells.integer),
        required("value", cells.decimal),
    ]

    def queryset(self, program):
        targets = Target.objects.select_related("program").order_by(
            "program__code", "indicator", "fiscal_year"
        )
        return targets if program is None else targets.filter(program=program)

    def find(self, values, refs):
        lookup = {"indicator": values["indicator"], "fiscal_year": values["fiscal_year"]}
        return Target.objects.filter(program=refs.program(values["program"]), **lookup).first()

    def assign(self, obj, values, refs):
        obj.program = refs.program(values["program"])
        obj.indicator, obj.fiscal_year, obj.value = (
            values["indicator"],
            values["fiscal_year"],
            values["value"],
        )

    def to_row(self, obj):
        return {
            "program": obj.program.code,
            "indicator": obj.indicator,
            "fiscal_year": obj.fiscal_year,
            "value": obj.value,
        }


class Outputs(Kind):
    """Rows that land in the annual report of (project, fiscal_year)."""

    output_fields: list[str]
    key_fields: list[str]
    field_columns = {"report": "fiscal_year", "project": "project", "dedupe_key": "title"}

    def queryset(self, program):
        outputs = self.model.objects.select_related("project", "report").order_by("pk")
        return (
            outputs if program is None else outputs.filter(project__proposal__call__program=program)
        )

    def find(self, values, refs):
        project = refs.project(values["project"])
        lookup = {name: values[name] for name in self.key_fields}
        return self.model.objects.filter(project=project, **lookup).first()

    def assign(self, obj, values, refs):
        project = refs.project(values["project"])
        if values["fiscal_year"] is not None:
            obj.report = refs.report(project, values["fiscal_year"])
        obj.project = project
        for name in self.output_fields:
            setattr(obj, name, values[name])

    def to_row(self, obj):
        row = {"project": obj.project.code, "fiscal_year": obj.report.fiscal_year}
        row.update({name: getattr(obj, name) for name in self.output_fields})
        if "country" in row:
            row["country"] = _country_code(row["country"])
        return row


def _country_code(value) -> str:
    return getattr(value, "code", value) or ""


class Publications(Outputs):
    name, model = "publications", Paper
    columns = [
        required("project", cells.code),
        required("fiscal_year", cells.integer),
        Column("doi"),
        required("title"),
        Column("journal"),
        required("published_on", cells.date),
        required("international_coauthored", cells.boolean),
    ]
    output_fields = ["doi", "title", "journal", "published_on", "international_coauthored"]

    def find(self, values, refs):
        # "Same paper" of indicators.md: the DOI ignoring case, else the normalised title.
        key = paper_key(values["doi"], values["title"])
        return Paper.objects.filter(project=refs.project(values["project"]), dedupe_key=key).first()


class Presentations(Outputs):
    name, model = "presentations", Presentation
    columns = [
        required("project", cells.code),
        required("fiscal_year", cells.integer),
        required("title"),
        required("conference"),
        Column("country", cells.country),
        required("presented_on", cells.date),
        required("international", cells.boolean),
    ]
    output_fields = ["title", "conference", "country", "presented_on", "international"]
    key_fields = ["title", "presented_on"]


class Events(Outputs):
    name, model = "events", Event
    columns = [
        required("project", cells.code),
        required("fiscal_year", cells.integer),
        required("kind", cells.choice(*EventKind.values)),
        required("title"),
        required("held_on", cells.date),
        Column("country", cells.country),
        Column("participants", cells.integer),
    ]
    output_fields = ["kind", "title", "held_on", "country", "participants"]
    key_fields = ["title", "held_on"]


class Exchanges(Outputs):
    name, model = "exchanges", Exchange
    columns = [
        required("project", cells.code),
        required("fiscal_year", cells.integer),
        required("person"),
        required("career_stage", cells.choice(*CareerStage.values)),
        required("direction", cells.choice(*Direction.values)),
        required("country", cells.country),
        Column("institution"),
        required("start_date", cells.date),
        Column("end_date", cells.date),
        required("funded_by_program", cells.boolean),
        Column("purpose"),
    ]
    output_fields = [
        "person",
        "career_stage",
        "direction",
        "country",
        "institution",
        "start_date",
        "end_date",
        "funded_by_program",
        "purpose",
    ]
    key_fields = ["person", "direction", "start_date"]


class LabStatistics(Outputs):
    name, model = "lab_statistics", LabStatistic
    columns = [
        required("project", cells.code),
        required("fiscal_year", cells.integer),
        required("events_held", cells.integer),
        required("researchers_invited", cells.integer),
        required("researchers_dispatched", cells.integer),
    ]
    output_fields = ["events_held", "researchers_invited", "researchers_dispatched"]
    key_fields = []

    def find(self, values, refs):
        project = refs.project(values["project"])
        return LabStatistic.objects.filter(
            project=project, report__fiscal_year=values["fiscal_year"]
        ).first()


class Hubs(Kind):
    name, model = "hubs", Hub
    columns = [
        required("project", cells.code),
        required("name"),
        required("country", cells.country),
        required("established_on", cells.date),
        Column("closed_on", cells.date),
    ]

    def queryset(self, program):
        hubs = Hub.objects.select_related("project").order_by("project__code", "name")
        return hubs if program is None else hubs.filter(project__proposal__call__program=program)

    def find(self, values, refs):
        return Hub.objects.filter(
            project=refs.project(values["project"]), name=values["name"]
        ).first()

    def assign(self, obj, values, refs):
        obj.project = refs.project(values["project"])
        obj.name, obj.country = values["name"], values["country"]
        obj.established_on, obj.closed_on = values["established_on"], values["closed_on"]

    def to_row(self, obj):
        return {
            "project": obj.project.code,
            "name": obj.name,
            "country": _country_code(obj.country),
            "established_on": obj.established_on,
            "closed_on": obj.closed_on,
        }


SURVEY_ITEMS = ["networking", "communication", "expertise", "language", "leadership"]


class Surveys(Kind):
    name, model = "surveys", SurveyAnswer
    columns = [
        required("project", cells.code),
        required("person"),
        required("timing", cells.choice(*SurveyTiming.values)),
        *[required(item, cells.integer) for item in SURVEY_ITEMS],
    ]

    def queryset(self, program):
        answers = SurveyAnswer.objects.select_related("project").order_by(
            "project__code", "person", "timing"
        )
        return (
            answers if program is None else answers.filter(project__proposal__call__program=program)
        )

    def find(self, values, refs):
        project = refs.project(values["project"])
        lookup = {"person": values["person"], "timing": values["timing"]}
        return SurveyAnswer.objects.filter(project=project, **lookup).first()

    def assign(self, obj, values, refs):
        obj.project = refs.project(values["project"])
        obj.person, obj.timing = values["person"], values["timing"]
        for item in SURVEY_ITEMS:
            setattr(obj, item, values[item])

    def to_row(self, obj):
        row = {"project": obj.project.code, "person": obj.person, "timing": obj.timing}
        return row | {item: getattr(obj, item) for item in SURVEY_ITEMS}


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Agencies(),
        Programs(),
        Calls(),
        Proposals(),
        Reviews(),
        Projects(),
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
