"""Adopting a proposal creates its project, once."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects.models import Project
from projects.services import Plan, adopt, default_start
from tests.factories import (
    CallFactory,
    ProposalFactory,
    ResearcherFactory,
    ReviewFactory,
    SupportTypeFactory,
    UserFactory,
)

START = datetime.date(2024, 1, 1)


@pytest.fixture
def proposal(db):
    support = SupportTypeFactory(max_years=5)
    pi = ResearcherFactory(user=UserFactory(roles=["pi"]))
    return ProposalFactory(
        call=CallFactory(program=support.program, support_type=support),
        jp_pi=pi,
        requested_annual_budget_yen=30_000_000,
        requested_years=3,
    )


def plan(start=START, years=3, budget=30_000_000, reason="") -> Plan:
    return Plan(start, years, budget, reason)


def test_it_creates_the_project_with_dates_budget_and_pi(proposal):
    ReviewFactory(proposal=proposal, score=8)
    project = adopt(proposal, plan())
    proposal.refresh_from_db()
    assert proposal.status == "adopted"
    assert (project.code, project.title) == (proposal.ref, proposal.title)
    # Three years from 2024-01-01 end in FY2026, on its last day: whole fiscal years.
    assert project.end_date == datetime.date(2027, 3, 31)
    assert list(project.budgets.values_list("fiscal_year", "amount_yen")) == [
        (year, 30_000_000) for year in (2023, 2024, 2025, 2026)
    ]
    assert project.budgets.first().history.count() == 1
    assert list(project.memberships.values_list("user", "role")) == [(proposal.jp_pi.user_id, "pi")]


def test_it_runs_a_project_starting_in_april_for_its_years_exactly(proposal):
    ReviewFactory(proposal=proposal, score=8)
    project = adopt(proposal, plan(start=datetime.date(2025, 4, 1)))
    assert project.end_date == datetime.date(2028, 3, 31)
    assert list(project.budgets.values_list("fiscal_year", flat=True)) == [2025, 2026, 2027]


def test_it_refuses_a_plan_outside_the_support_type(proposal):
    ReviewFactory(proposal=proposal, score=8)
    with pytest.raises(ValidationError) as refused:
        adopt(proposal, plan(years=9, budget=900_000_000))
    assert set(refused.value.message_dict) == {"years", "annual_budget_yen"}
    assert not Project.objects.exists()


def test_it_adopts_below_the_adoptable_score_only_with_a_reason(proposal):
    ReviewFactory(proposal=proposal, score=4)
    with pytest.raises(ValidationError) as refused:
        adopt(proposal, plan())
    assert "say why it is adopted" in refused.value.message_dict["reason"][0]
    adopt(proposal, plan(reason="Strategic partner country"))
    assert proposal.history.first().history_change_reason == "Strategic partner country"


def test_it_adopts_twice_into_one_project(proposal):
    ReviewFactory(proposal=proposal, score=8)
    first = adopt(proposal, plan())
    second = adopt(proposal, plan(start=datetime.date(2025, 1, 1)))
    assert first == second
    assert Project.objects.count() == 1
    assert first.start_date == START


def test_it_records_the_decision_in_the_history(proposal):
    ReviewFactory(proposal=proposal, score=8)
    adopt(proposal, plan())
    assert [h.status for h in proposal.history.all()] == ["adopted", "submitted"]


def test_it_refuses_a_withdrawn_proposal(proposal):
    proposal.status = "withdrawn"
    proposal.save()
    with pytest.raises(ValidationError):
        adopt(proposal)
    assert not Project.objects.exists()


def test_it_starts_with_the_next_fiscal_year_by_default():
    assert default_start(datetime.date(2024, 1, 31)) == datetime.date(2024, 4, 1)
    assert default_start(datetime.date(2024, 4, 1)) == datetime.date(2025, 4, 1)
    assert default_start(datetime.date(2024, 12, 15)) == datetime.date(2025, 4, 1)


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_project_when_two_clicks_race():
    proposal = ProposalFactory(requested_years=1, panel_score=7)
    errors: list[Exception] = []

    def click() -> None:
        try:
            adopt(proposal, plan(years=1))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Project.objects.filter(proposal=proposal).count() == 1


def test_it_shows_the_pi_the_decision_on_their_projects_page(client, proposal):
    """The adopted PI reads the notice on "My projects", not only in the mail; nobody
    else's decisions are listed."""
    from django.urls import reverse

    from projects.services import reject
    from tests.conftest import sign_in

    staff = UserFactory(roles=["staff"])
    proposal.jp_pi.user.language = "en"  # the notice is written in the PI's language
    proposal.jp_pi.user.save()
    other = ProposalFactory(jp_pi=ResearcherFactory(user=UserFactory(roles=["pi"])))
    reject(type(other).objects.filter(pk=other.pk), staff)
    ReviewFactory(proposal=proposal)  # a score of 7: adoptable
    adopt(proposal, plan(), by=staff)
    sign_in(client, proposal.jp_pi.user)
    page = client.get(reverse("projects:mine")).text
    assert f"Your proposal {proposal.ref} is adopted" in page
    assert other.ref not in page
