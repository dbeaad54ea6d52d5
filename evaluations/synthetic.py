"""A deterministic synthetic data set at agency scale, for the benchmarks (issue 6).

S is about the demo, M about AMED over ten years, L about KAKENHI/NIH over ten years.
Shapes are realistic: many proposals per call, few adopted, reviews of three, outputs per
project skewed (a few projects report most papers). Rows go in with PostgreSQL's COPY
(bulk_create elsewhere), ids assigned here so that children can name their parents
without a round trip; history tables are left empty, as for an import of old data.
"""

import dataclasses
import datetime
import random
from collections.abc import Iterable, Iterator

from django.db import connection, models, transaction

from accounts.models import User
from aspire.db import copy_rows
from calls import scores
from calls.models import Call, Proposal, Researcher, Review
from programs.models import FundingAgency, Program
from projects import figures
from projects.models import AnnualReport, Event, Exchange, Paper, Presentation, Project


@dataclasses.dataclass(frozen=True)
class Scale:
    calls: int
    proposals: int
    reviewers: int
    adoption: float  # share of proposals adopted
    papers_per_project: float  # mean; the distribution is skewed
    presentations_per_project: float
    exchanges_per_project: float
    events_per_project: float


SCALES = {
    "S": Scale(
        calls=6,
        proposals=130,
        reviewers=30,
        adoption=0.14,
        papers_per_project=5,
        presentations_per_project=6,
        exchanges_per_project=4,
        events_per_project=2,
    ),
    "M": Scale(
        calls=100,
        proposals=50_000,
        reviewers=1_500,
        adoption=0.05,
        papers_per_project=80,
        presentations_per_project=40,
        exchanges_per_project=20,
        events_per_project=8,
    ),
    "L": Scale(
        calls=1_000,
        proposals=1_000_000,
        reviewers=20_000,
        adoption=0.08,
        papers_per_project=16.25,
        presentations_per_project=6.25,
        exchanges_per_project=3.75,
        events_per_project=1.25,
    ),
}
PROGRAM = "SYNTH"
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "SE", "NL", "CH", "IT", "ES", "SG", "KR"]
FIRST_YEAR = 2016


def generate(scale_name: str, seed: int = 1) -> dict[str, int]:
    """Write the data set of one scale; returns how many rows of each kind."""
    scale, rng = SCALES[scale_name], random.Random(seed)
    IDS.forget()  # another database may have been written since the last call
    with transaction.atomic():
        agencies = _agencies()
        program = _program(agencies[0])
        calls = _calls(program, agencies, scale)
        reviewers = _reviewers(scale)
        counts = {"calls": len(calls), "reviewers": len(reviewers)}
        counts.update(_proposals(calls, reviewers, scale, rng))
        _analyze()
        figures.refresh_program(program)  # COPY sends no signal: every key, set-based
    _reset_sequences()
    return counts


# --- Writing rows --------------------------------------------------------------------------


class Ids:
    """The next free id of each table, so that rows can be written with their ids."""

    def __init__(self):
        self._next: dict[type, int] = {}

    def forget(self) -> None:
        self._next.clear()

    def take(self, model: type[models.Model], count: int) -> range:
        start = self._next.get(model) or (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self._next[model] = start + count
        return range(start, start + count)


IDS = Ids()


def write(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY the rows into the model's table (bulk_create where COPY is unavailable)."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)
    return copy_rows(model, columns, rows)


def _analyze() -> None:
    """Statistics of the rows just copied, before the figures are computed from them:
    autovacuum cannot see this transaction's rows, so the planner would take the tables
    for empty and join 1M rows by nested loops (the L figures took over 15 minutes).
    The figure tables themselves fill during the refresh, after the statistics: for the
    rest of the transaction, no nested loops at all."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SET LOCAL enable_nestloop = off")


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (
            Researcher,
            Proposal,
            Review,
            Project,
            AnnualReport,
            Paper,
            Presentation,
            Exchange,
            Event,
            User,
            Call,
        ):
            table = model._meta.db_table
            cursor.execute(  # table names come from our models, never from input
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )
        cursor.execute("ANALYZE")


# --- The records ---------------------------------------------------------------------------


def _agencies() -> list[FundingAgency]:
    rows = [("SYN-JP", "Synthetic Japanese Agency", "JP")]
    rows += [(f"SYN-{code}", f"Synthetic agency of {code}", code) for code in COUNTRIES]
    return [
        FundingAgency.objects.get_or_create(code=code, defaults={"name": name, "country": country})[
            0
        ]
        for code, name, country in rows
    ]


def _program(agency: FundingAgency) -> Program:
    program, _created = Program.objects.get_or_create(
        code=PROGRAM, defaults={"name": "Synthetic program", "managing_agency": agency}
    )
    return program


def _calls(program: Program, agencies: list[FundingAgency], scale: Scale) -> list[Call]:
    existing = list(program.calls.order_by("pk"))
    if existing:
        raise ValueError(f"{PROGRAM} has data already: generate into an empty database.")
    calls = []
    for n in range(scale.calls):
        year = FIRST_YEAR + n * 10 // scale.calls
        call = Call.objects.create(
            program=program,
            code=f"{PROGRAM}-{n:05d}",
            kind="joint" if n % 3 else "alignment",
            title=f"Synthetic call {n}",
            open_date=datetime.date(year, 5, 1),
            close_date=datetime.date(year, 7, 31),
        )
        call.partner_agencies.add(*agencies[1 + n % len(COUNTRIES) :][:3] or agencies[1:3])
        calls.append(call)
    return calls


def _reviewers(scale: Scale) -> list[int]:
    ids = IDS.take(User, scale.reviewers)
    rows = (
        (
            pk,
            "!",
            False,
            False,
            True,
            datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC),
            f"synthetic.reviewer{pk}@example.org",
            f"Reviewer {pk}",
            f"University {pk % 500}",
            None,
            "ja",
        )
        for pk in ids
    )
    columns = [
        "id",
        "password",
        "is_superuser",
        "is_staff",
        "is_active",
        "date_joined",
        "email",
        "full_name",
        "institution",
        "reviewer_code",
        "language",
    ]
    write(User, columns, rows)
    return list(ids)


def _proposals(calls: list[Call], reviewers: list[int], scale: Scale, rng: random.Random) -> dict:
    per_call = scale.proposals // len(calls)
    total = per_call * len(calls)
    researchers = IDS.take(Researcher, total * 2)
    write(
        Researcher,
        ["id", "name", "institution", "country", "h_index", "orcid", "erad_number", "career_stage"],
        _researcher_rows(researchers, rng),
    )
    proposal_ids = IDS.take(Proposal, total)
    adopted = set(rng.sample(range(total), int(total * scale.adoption)))
    write(
        Proposal,
        ["id", "call_id", "ref", "title", "jp_pi_id", "partner_pi_id", "status", "panel_score"],
        _proposal_rows(calls, per_call, proposal_ids, researchers, adopted, rng),
    )
    reviews = write(
        Review,
        ["id", "proposal_id", "reviewer_id", "score", "comment"],
        _review_rows(proposal_ids, IDS.take(Review, total * 3), reviewers, rng),
    )
    _analyze()
    # COPY runs no save(): the review figures, and with them the call figures.
    scores.refresh_set(Proposal.objects.filter(call__in=calls))
    counts = {"researchers": len(researchers), "proposals": total, "reviews": reviews}
    adopted_ids = [proposal_ids[n] for n in sorted(adopted)]
    counts.update(_projects(calls, per_call, proposal_ids, adopted_ids, scale, rng))
    return counts


def _researcher_rows(ids: range, rng: random.Random) -> Iterator[tuple]:
    for pk in ids:
        japanese = pk % 2 == 0
        yield (
            pk,
            f"Researcher {pk}",
            f"Institute {pk % 3000}",
            "JP" if japanese else COUNTRIES[pk % len(COUNTRIES)],
            int(rng.lognormvariate(3.2, 0.5)),
            "",
            "",
            "senior",
        )


def _proposal_rows(calls, per_call, ids, researchers, adopted, rng) -> Iterator[tuple]:
    for n, pk in enumerate(ids):
        call = calls[n // per_call]
        status = "adopted" if n in adopted else rng.choice(["rejected", "rejected", "submitted"])
        panel = round(rng.uniform(3, 9.5), 2) if rng.random() < 0.1 else None
        yield (
            pk,
            call.pk,
            f"{call.code}-{n:07d}",
            f"Synthetic proposal {n}",
            researchers[2 * n],
            researchers[2 * n + 1],
            status,
            panel,
        )


def _review_rows(
    proposals: range, ids: range, reviewers: list[int], rng: random.Random
) -> Iterator[tuple]:
    # The ids are taken before the COPY starts: no other query may run on its connection.
    review_ids = iter(ids)
    for n, proposal in enumerate(proposals):
        for k in range(3):  # three distinct reviewers: consecutive ones in the pool
            reviewer = reviewers[(n * 3 + k) % len(reviewers)]
            yield (next(review_ids), proposal, reviewer, rng.randint(3, 10), "")


def _projects(calls, per_call, proposal_ids, adopted_ids, scale, rng) -> dict:
    project_ids = IDS.take(Project, len(adopted_ids))
    starts = {}
    rows = []
    for pk, proposal in zip(project_ids, adopted_ids, strict=True):
        call = calls[(proposal - proposal_ids[0]) // per_call]
        start = datetime.date(call.open_date.year + 1, 1, 1)
        starts[pk] = start
        rows.append(
            (
                pk,
                proposal,
                call.pk,
                f"P-{proposal}",
                "Synthetic project",
                start,
                datetime.date(start.year + 4, 12, 31),
            )
        )
    columns = ["id", "proposal_id", "call_id", "code", "title", "start_date", "end_date"]
    write(Project, columns, rows)
    reports = _reports(starts)
    counts = {"projects": len(rows), "reports": len(reports)}
    counts.update(_outputs(reports, starts, scale, rng))
    return counts


def _reports(starts: dict[int, datetime.date]) -> list[tuple[int, int, int]]:
    """(report id, project id, fiscal year): three years each, the last one still a draft."""
    keys = [(project, start.year - 1 + k) for project, start in starts.items() for k in range(3)]
    ids = IDS.take(AnnualReport, len(keys))
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    rows = (
        (
            pk,
            project,
            year,
            "draft" if (year - starts[project].year) == 1 else "accepted",
            False,
            True,
            "",
            2,
            500_000,
            "",
            1,
            now,
        )
        for pk, (project, year) in zip(ids, keys, strict=True)
    )
    write(
        AnnualReport,
        [
            "id",
            "project_id",
            "fiscal_year",
            "status",
            "nothing_to_report",
            "buyout_used",
            "buyout_reason",
            "travel_trips",
            "travel_cost_yen",
            "staff_comment",
            "version",
            "updated_at",
        ],
        rows,
    )
    return [(pk, project, year) for pk, (project, year) in zip(ids, keys, strict=True)]


def _skewed(mean: float, rng: random.Random) -> int:
    """A count with the given mean and a long tail (a few projects report most outputs)."""
    # Pareto(2) has mean 2; rounding at random keeps the mean where small means would truncate.
    return int(rng.paretovariate(2.0) * mean / 2 + rng.random())


def _outputs(reports, starts, scale: Scale, rng: random.Random) -> dict:
    papers, presentations, exchanges, events = [], [], [], []
    for report, project, year in reports:
        day = datetime.date(year, 10, 1)
        papers += [
            (report, project, n, day) for n in range(_skewed(scale.papers_per_project / 3, rng))
        ]
        presentations += [
            (report, project, n, day)
            for n in range(_skewed(scale.presentations_per_project / 3, rng))
        ]
        exchanges += [
            (report, project, n, day) for n in range(_skewed(scale.exchanges_per_project / 3, rng))
        ]
        events += [
            (report, project, n, day) for n in range(_skewed(scale.events_per_project / 3, rng))
        ]
    paper_ids = IDS.take(Paper, len(papers))
    write(
        Paper,
        [
            "id",
            "report_id",
            "project_id",
            "doi",
            "title",
            "journal",
            "published_on",
            "international_coauthored",
            "authors",
            "affiliation_countries",
            "dedupe_key",
        ],
        (
            (
                pk,
                r,
                p,
                f"10.9999/syn.{pk}",
                f"Paper {pk}",
                "Synthetic Journal",
                day,
                n % 3 != 0,
                "",
                "",
                f"doi:10.9999/syn.{pk}",
            )
            for pk, (r, p, n, day) in zip(paper_ids, papers, strict=True)
        ),
    )
    talk_ids = IDS.take(Presentation, len(presentations))
    write(
        Presentation,
        [
            "id",
            "report_id",
            "project_id",
            "title",
            "conference",
            "country",
            "presented_on",
            "international",
        ],
        (
            (
                pk,
                r,
                p,
                f"Talk {pk}",
                "Synthetic Conference",
                COUNTRIES[n % len(COUNTRIES)],
                day,
                n % 2 == 0,
            )
            for pk, (r, p, n, day) in zip(talk_ids, presentations, strict=True)
        ),
    )
    stay_ids = IDS.take(Exchange, len(exchanges))
    write(
        Exchange,
        [
            "id",
            "report_id",
            "project_id",
            "person",
            "career_stage",
            "direction",
            "country",
            "institution",
            "start_date",
            "end_date",
            "funded_by_program",
            "purpose",
        ],
        (
            (
                pk,
                r,
                p,
                f"Traveller {pk}",
                ["student", "postdoc", "senior"][n % 3],
                "dispatch" if n % 2 else "receive",
                COUNTRIES[n % len(COUNTRIES)],
                "",
                day,
                day + datetime.timedelta(days=3 + 11 * (n % 9)),
                True,
                "Joint work",
            )
            for pk, (r, p, n, day) in zip(stay_ids, exchanges, strict=True)
        ),
    )
    _events(events)
    return {
        "papers": len(papers),
        "presentations": len(presentations),
        "exchanges": len(exchanges),
        "events": len(events),
    }


EVENT_KINDS = ["workshop", "symposium", "seminar", "lecture_tour", "other"]


def _events(events: list[tuple]) -> None:
    ids = IDS.take(Event, len(events))
    write(
        Event,
        ["id", "report_id", "project_id", "kind", "title", "held_on", "country", "participants"],
        (
            (pk, r, p, EVENT_KINDS[n % 5], f"Event {pk}", day, COUNTRIES[n % 13], 20 + n % 80)
            for pk, (r, p, n, day) in zip(ids, events, strict=True)
        ),
    )
