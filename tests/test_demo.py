"""The demo data set reproduces the figures of AMED's mid-term evaluation (seed 000 §3).

Every figure is recomputed here with plain ORM queries written from the definitions of
shared/design/indicators.md (the `Indicators` helper below), not with the app's engine.
"""

import datetime
import io
import re
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F, Q
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import User
from calls.models import Call, ConflictOfInterest, Proposal, Review
from evaluations.models import Target
from programs.catalogue import load_catalogue
from programs.models import FundingAgency, Program, SupportType
from projects.models import (
    AnnualReport,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    Project,
    ProjectMember,
    SurveyAnswer,
)
from tests.conftest import totp_code

AS_OF = datetime.date(2025, 3, 31)
COUNTED = ["submitted", "accepted"]
YOUNG = ["student", "postdoc", "early_career"]
ITEMS = ["networking", "communication", "expertise", "language", "leadership"]
ACCOUNTS = [
    "staff@aspire.example",
    "pi@aspire.example",
    "committee@aspire.example",
    "reviewer@aspire.example",
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def fiscal_year(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def same_paper_key(paper: Paper) -> str:
    if paper.doi.strip():
        return "doi:" + paper.doi.strip().casefold()
    return "title:" + " ".join(paper.title.casefold().split())


class Indicators:
    """indicators.md, as of 2025-03-31, for the program ASPIRE."""

    def __init__(self, code: str = "ASPIRE", as_of: datetime.date = AS_OF):
        self.program = Program.objects.get(code=code)
        self.as_of = as_of
        calls = Call.objects.filter(program=self.program)
        self.opened = calls.filter(open_date__lte=as_of)
        self.planned = calls.filter(Q(open_date__isnull=True) | Q(open_date__gt=as_of))
        self.proposals = Proposal.objects.filter(call__in=self.opened).exclude(status="withdrawn")
        self.projects = Project.objects.filter(
            proposal__call__program=self.program, start_date__lte=as_of
        )

    def partner_agencies(self):
        return FundingAgency.objects.filter(calls__in=self.opened).exclude(country="JP").distinct()

    def final_scores(self) -> dict[int, Decimal | None]:
        scores = defaultdict(list)
        for proposal_id, score in Review.objects.filter(
            proposal__in=self.proposals, score__isnull=False
        ).values_list("proposal_id", "score"):
            scores[proposal_id].append(score)
        return {
            p.pk: p.panel_score
            if p.panel_score is not None
            else (sum(scores[p.pk]) / len(scores[p.pk]) if scores[p.pk] else None)
            for p in self.proposals
        }

    def adoptable(self) -> set[int]:
        thresholds = dict(self.proposals.values_list("pk", "call__adoptable_score"))
        return {
            pk
            for pk, score in self.final_scores().items()
            if score is not None and score >= thresholds[pk]
        }

    def counted(self, model):
        return model.objects.filter(project__in=self.projects, report__status__in=COUNTED)

    def in_window(self, model, field: str):
        return self.counted(model).filter(
            **{f"{field}__gte": F("project__start_date"), f"{field}__lte": self.as_of}
        )

    def intl_papers(self) -> tuple[int, int]:
        """(distinct papers with a row in its window, distinct papers only before the start)."""
        in_window, before, not_before = set(), set(), set()
        for paper in (
            self.counted(Paper).filter(international_coauthored=True).select_related("project")
        ):
            key = same_paper_key(paper)
            if paper.published_on < paper.project.start_date:
                before.add(key)
            else:
                not_before.add(key)
            if paper.project.start_date <= paper.published_on <= self.as_of:
                in_window.add(key)
        return len(in_window), len(before - not_before)

    def exchanges(self, direction: str):
        return self.in_window(Exchange, "start_date").filter(
            direction=direction, funded_by_program=True
        )

    def lab(self, field: str) -> tuple[int, int]:
        before_sum = after_sum = 0
        for project in self.projects:
            start = fiscal_year(project.start_date)
            values = dict(
                self.counted(LabStatistic)
                .filter(project=project)
                .values_list("report__fiscal_year", field)
            )
            after_years = [y for y in values if start <= y <= fiscal_year(self.as_of)]
            if start - 1 in values and after_years:
                before_sum += values[start - 1]
                after_sum += values[max(after_years)]
        return before_sum, after_sum

    def survey_gains(self) -> tuple[int, dict[str, Decimal]]:
        answers = defaultdict(dict)
        for answer in SurveyAnswer.objects.filter(project__in=self.projects):
            answers[answer.participant_id][answer.timing] = answer
        pairs = [a for a in answers.values() if {"before", "after"} <= a.keys()]
        gains = {
            item: Decimal(
                statistics.mean(
                    getattr(a["after"], item) - getattr(a["before"], item) for a in pairs
                )
            )
            for item in ITEMS
        }
        return len(pairs), gains

    def target(self, indicator: str):
        targets = Target.objects.filter(program=self.program, indicator=indicator)
        later = targets.filter(fiscal_year__gte=fiscal_year(self.as_of)).order_by("fiscal_year")
        return (later.first() or targets.order_by("-fiscal_year").first()).value


def snapshot() -> dict[str, list]:
    """Every row of every model, history included."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
    }


# --- Goal 1 ------------------------------------------------------------------------------


def test_it_reproduces_the_calls_and_partners_of_goal_1(demo):
    figures = Indicators()
    assert figures.opened.filter(kind="joint").count() == 4
    assert figures.opened.filter(kind="alignment").count() >= 1
    assert figures.planned.count() == 2
    partners = figures.partner_agencies()
    assert partners.count() == 29
    assert len({agency.country.code for agency in partners}) == 11
    # The alignment call alone gathers the 29 agencies of the 11 countries.
    alignment = figures.opened.get(kind="alignment")
    assert alignment.partner_agencies.exclude(country="JP").count() == 29
    # A planned call's partner is not a partner yet.
    planned_partners = {a.code for call in figures.planned for a in call.partner_agencies.all()}
    assert "FWO" in planned_partners and not partners.filter(code="FWO").exists()


def test_it_reproduces_the_proposals_and_scores_of_goal_1(demo):
    figures = Indicators()
    proposals = figures.proposals.count()
    adopted = figures.proposals.filter(status="adopted").count()
    assert (proposals, adopted) == (128, 18)
    assert round(Decimal(100 * adopted) / proposals, 1) == Decimal("14.1")
    adoptable = figures.adoptable()
    assert len(adoptable) == 83
    adopted_ids = set(figures.proposals.filter(status="adopted").values_list("pk", flat=True))
    assert adopted_ids <= adoptable  # every adopted proposal scored 6 or more
    # Withdrawn proposals exist, and are not counted.
    assert Proposal.objects.filter(call__in=figures.opened, status="withdrawn").exists()
    # h-indexes of the adopted PIs: Japanese around 40, partners around 60.
    adopted = figures.proposals.filter(status="adopted")
    jp = [h for h in adopted.values_list("jp_pi__h_index", flat=True) if h is not None]
    partner = [h for h in adopted.values_list("partner_pi__h_index", flat=True) if h is not None]
    assert 35 <= statistics.median(jp) <= 45
    assert 55 <= statistics.median(partner) <= 70


def test_it_gives_three_reviews_without_conflicts_and_some_panel_scores(demo):
    figures = Indicators()
    reviews = Review.objects.filter(proposal__in=figures.proposals).select_related(
        "reviewer", "proposal__jp_pi", "proposal__partner_pi"
    )
    per_proposal = defaultdict(int)
    for review in reviews:
        per_proposal[review.proposal_id] += 1
        assert review.score is not None
        assert review.reviewer.has_role("reviewer")
        pis = [review.proposal.jp_pi, review.proposal.partner_pi]
        assert all(
            review.reviewer.institution.casefold() != pi.institution.casefold() for pi in pis
        )
    assert set(per_proposal.values()) == {3}
    assert len(per_proposal) == 128
    for conflict in ConflictOfInterest.objects.all():
        assert not Review.objects.filter(
            proposal=conflict.proposal, reviewer=conflict.reviewer
        ).exists()
    assert Review.objects.filter(reviewer__email="reviewer@aspire.example").count() > 10
    # Some panel scores, at least one of which overrules the reviewers' mean across 6.
    means = {
        p.pk: sum(r.score for r in p.reviews.all()) / 3
        for p in figures.proposals.filter(panel_score__isnull=False).prefetch_related("reviews")
    }
    panel = dict(
        figures.proposals.filter(panel_score__isnull=False).values_list("pk", "panel_score")
    )
    assert len(panel) >= 10
    assert any((means[pk] >= 6) != (panel[pk] >= 6) for pk in panel)


# --- Goal 2 ------------------------------------------------------------------------------


def test_it_reproduces_the_projects_papers_and_presentations_of_goal_2(demo):
    figures = Indicators()
    assert figures.projects.count() == 6
    first_call = Call.objects.get(program=figures.program, kind="alignment")
    assert set(figures.projects.values_list("proposal__call", flat=True)) == {first_call.pk}
    assert {fiscal_year(p.start_date) for p in figures.projects} == {2023}
    later = Project.objects.filter(proposal__call__program=figures.program).exclude(
        pk__in=figures.projects
    )
    assert later.count() == 12 and all(p.start_date > AS_OF for p in later)

    assert figures.intl_papers() == (18, 2)
    # Rows that must not count exist: same paper in two projects, before the start,
    # without foreign co-authors, in a draft report.
    keys = defaultdict(set)
    for paper in figures.counted(Paper).filter(international_coauthored=True):
        keys[same_paper_key(paper)].add(paper.project_id)
    shared = [key for key, projects in keys.items() if len(projects) > 1]
    assert len([key for key in shared if key.startswith("doi:")]) >= 2
    assert any(key.startswith("title:") for key in shared)
    assert (
        figures.in_window(Paper, "published_on").filter(international_coauthored=False).count() >= 3
    )
    assert Paper.objects.filter(report__status="draft", international_coauthored=True).exists()

    presentations = figures.in_window(Presentation, "presented_on").filter(international=True)
    assert presentations.count() == 39
    assert Presentation.objects.filter(project__in=figures.projects).count() > 39

    assert figures.target("g2.intl_coauthored_papers") == 20
    assert Target.objects.get(indicator="g2.intl_coauthored_papers").fiscal_year == 2027
    assert figures.target("g2.intl_presentations") == 40
    assert Target.objects.get(indicator="g2.intl_presentations").fiscal_year == 2025


# --- Goals 3 and 4 -----------------------------------------------------------------------


def test_it_exceeds_the_fy2025_targets_of_goals_3_and_4(demo):
    figures = Indicators()
    events = figures.in_window(Event, "held_on")
    assert events.count() == 26
    assert set(events.values_list("kind", flat=True)) == {
        "workshop",
        "symposium",
        "seminar",
        "lecture_tour",
        "other",
    }
    received = figures.exchanges("receive")
    dispatched = figures.exchanges("dispatch")
    values = {
        "g3.events": events.count(),
        "g3.researchers_received": received.count(),
        "g4.dispatched": dispatched.count(),
        "g4.young_dispatched": dispatched.filter(career_stage__in=YOUNG).count(),
        "g4.young_received": received.filter(career_stage__in=YOUNG).count(),
    }
    assert values == {
        "g3.events": 26,
        "g3.researchers_received": 16,
        "g4.dispatched": 30,
        "g4.young_dispatched": 22,
        "g4.young_received": 10,
    }
    for indicator, value in values.items():
        assert value > figures.target(indicator), indicator
        assert Target.objects.get(indicator=indicator).fiscal_year == 2025

    hubs = Hub.objects.filter(project__in=figures.projects, established_on__lte=AS_OF).exclude(
        closed_on__lt=AS_OF
    )
    assert hubs.count() == 2
    assert Hub.objects.count() > 2  # a closed one, one of a project not started yet


def test_it_shows_short_stays_with_their_purpose(demo):
    stays = [
        (e.end_date - e.start_date).days + 1
        for e in Indicators().exchanges("dispatch").filter(end_date__lte=AS_OF)
    ]
    short = [days for days in stays if days <= 7]
    assert len(short) > len(stays) / 2
    assert max(stays) >= 60
    for exchange in Exchange.objects.filter(end_date__isnull=False):
        if (exchange.end_date - exchange.start_date).days + 1 <= 7:
            assert exchange.purpose, exchange


def test_it_shows_lab_wide_growth_and_survey_gains(demo):
    figures = Indicators()
    for field in ["events_held", "researchers_invited", "researchers_dispatched"]:
        before, after = figures.lab(field)
        assert after >= 2 * before > 0, field
    pairs, gains = figures.survey_gains()
    assert pairs >= 10
    assert all(gain > 0 for gain in gains.values())
    top = {"networking", "communication", "expertise"}
    assert min(gains[item] for item in top) > max(gains["language"], gains["leadership"])


def test_it_reports_buyout_and_rising_travel_costs(demo):
    reports = AnnualReport.objects.filter(
        project__in=Indicators().projects, status="accepted", travel_trips__isnull=False
    )
    assert reports.filter(buyout_used=True).exists()
    unused = reports.filter(buyout_used=False)
    assert unused.exists() and not unused.filter(buyout_reason="").exists()
    per_trip = {
        year: sum(r.travel_cost_yen for r in reports.filter(fiscal_year=year))
        / sum(r.travel_trips for r in reports.filter(fiscal_year=year))
        for year in (2023, 2024)
    }
    assert per_trip[2024] > per_trip[2023]
    assert AnnualReport.objects.filter(status="draft").exists()


# --- Repeatable, accounts, output ---------------------------------------------------------


def test_it_changes_nothing_the_second_time(demo):
    before = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == before


def test_it_lets_the_four_accounts_sign_in(demo, client):
    for email in ACCOUNTS:
        response = client.post(reverse("login"), {"username": email, "password": "demo"})
        assert response.status_code == 302, email
        assert "_auth_user_id" in client.session
        client.logout()
    staff = User.objects.get(email="staff@aspire.example")
    assert staff.is_staff and staff.is_superuser and staff.has_role("staff")
    committee = User.objects.get(email="committee@aspire.example")
    assert committee.has_role("committee") and not committee.is_superuser
    pi = User.objects.get(email="pi@aspire.example")
    membership = ProjectMember.objects.get(user=pi)
    assert membership.role == "pi"
    assert membership.project.proposal.jp_pi == pi.researcher
    assert membership.project in Indicators().projects
    reviewer = User.objects.get(email="reviewer@aspire.example")
    assert reviewer.has_role("reviewer") and reviewer.reviews.exists()


def test_it_sets_the_password_given(demo, client):
    call_command("load_demo", "--password", "another-secret", stdout=io.StringIO())
    for email in ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.check_password("another-secret"), email
        assert not user.check_password("demo"), email


def test_it_enrols_staff_and_the_committee_and_prints_their_second_factor(demo, client):
    for email in ["staff@aspire.example", "committee@aspire.example"]:
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        secret = two_factor.secret(device).replace(" ", "")
        line = re.search(rf"{re.escape(email)}: key (\S+), recovery codes (.+)", demo)
        assert line.group(1) == secret
        codes = line.group(2).split(", ")
        assert len(codes) == 3
        assert device.config_url in demo
        # The printed key gives the code; a printed recovery code works once.
        client.post(reverse("login"), {"username": email, "password": "demo"})
        response = client.post(reverse("two_factor"), {"code": totp_code(device)})
        assert response.status_code == 302, email
        assert client.get(reverse("home"), follow=True).status_code == 200
        client.logout()
        client.post(reverse("login"), {"username": email, "password": "demo"})
        assert client.post(reverse("two_factor"), {"code": codes[0]}).status_code == 302
        client.logout()
    for email in ["pi@aspire.example", "reviewer@aspire.example"]:
        assert not TOTPDevice.objects.filter(user__email=email).exists()
        assert f"{email}: key" not in demo


def test_it_prints_how_to_sign_in(demo):
    assert "Sign in at http://127.0.0.1:8000/ with:" in demo
    for email in ACCOUNTS:
        assert f"{email} / password: demo" in demo


def test_it_loads_the_catalogue(db):
    load_catalogue()
    aspire = SupportType.objects.filter(
        program__code="ASPIRE", program__managing_agency__code="AMED"
    )
    assert sorted(aspire.values_list("max_annual_budget_yen", "max_years")) == [
        (30_000_000, 5),
        (100_000_000, 5),
    ]
    assert SupportType.objects.filter(program__code="SICORP-JST").count() == 4
    assert SupportType.objects.filter(program__code="SICORP-AMED").count() == 3
    hub = SupportType.objects.get(program__code="SICORP-JST", code="HUB")
    assert (hub.min_annual_budget_yen, hub.max_annual_budget_yen) == (50_000_000, 100_000_000)
    assert Program.objects.get(code="ASPIRE-JST").managing_agency.code == "JST"
    before = snapshot()
    load_catalogue()
    assert snapshot() == before
