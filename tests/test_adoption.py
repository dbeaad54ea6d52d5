"""Adopting a proposal creates its project, once."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects.models import Project
from projects.services import adopt, default_start
from tests.factories import (
    CallFactory,
    ProposalFactory,
    ResearcherFactory,
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


def test_it_creates_the_project_with_dates_budget_and_pi(proposal):
    project = adopt(proposal, start_date=START)
    proposal.refresh_from_db()
    assert proposal.status == "adopted"
    assert (project.code, project.title) == (proposal.ref, proposal.title)
    assert project.end_date == datetime.date(2026, 12, 31)
    # 2024-01-01 is in FY2023; 2026-12-31 in FY2026.
    assert list(project.budgets.values_list("fiscal_year", "amount_yen")) == [
        (year, 30_000_000) for year in (2023, 2024, 2025, 2026)
    ]
    assert list(project.memberships.values_list("user", "role")) == [(proposal.jp_pi.user_id, "pi")]


def test_it_adopts_twice_into_one_project(proposal):
    first = adopt(proposal, start_date=START)
    second = adopt(proposal, start_date=datetime.date(2025, 1, 1))
    assert first == second
    assert Project.objects.count() == 1
    assert first.start_date == START


def test_it_records_the_decision_in_the_history(proposal):
    adopt(proposal, start_date=START)
    assert [h.status for h in proposal.history.all()] == ["adopted", "submitted"]


def test_it_refuses_a_withdrawn_proposal(proposal):
    proposal.status = "withdrawn"
    proposal.save()
    with pytest.raises(ValidationError):
        adopt(proposal)
    assert not Project.objects.exists()


def test_it_starts_on_the_first_of_next_month_by_default():
    assert default_start(datetime.date(2024, 1, 31)) == datetime.date(2024, 2, 1)
    assert default_start(datetime.date(2024, 12, 15)) == datetime.date(2025, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_project_when_two_clicks_race():
    proposal = ProposalFactory(requested_years=1)
    errors: list[Exception] = []

    def click() -> None:
        try:
            adopt(proposal, start_date=START)
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
