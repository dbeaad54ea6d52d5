"""Decision dates, awards and institutions' ROR ids (issue 17): one rule writes the date of
a decision at every door, adoption writes the award, and each is read back through the
admin, the API and the files."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import create_client
from aspire import normalise
from calls import services as calls_services
from calls.models import Proposal, Researcher
from exchange.services import export_table, import_table
from projects.models import ProjectBudget
from projects.services import Plan, adopt, reject
from tests.factories import ProjectFactory, ProposalFactory, ResearcherFactory

pytestmark = pytest.mark.django_db

PAST = datetime.date(2023, 2, 1)


def keyed() -> APIClient:
    _client, key = create_client("analyst")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def proposal_row(proposal: Proposal, **cells) -> dict:
    return {
        "call": proposal.call.code,
        "ref": proposal.ref,
        "title": proposal.title,
        "status": proposal.status,
        "jp_pi_name": proposal.jp_pi.name,
        "jp_pi_institution": proposal.jp_pi.institution,
        **cells,
    }


# --- The date of a decision -------------------------------------------------------------


def test_it_dates_an_adoption_and_a_rejection_the_day_they_are_made():
    adopted, rejected = ProposalFactory(panel_score=8), ProposalFactory()
    adopt(adopted, Plan(datetime.date(2025, 4, 1), 2, 10_000_000))
    assert reject(Proposal.objects.filter(pk=rejected.pk)) == 1
    today = timezone.localdate()
    adopted.refresh_from_db()
    rejected.refresh_from_db()
    assert (adopted.decided_on, rejected.decided_on) == (today, today)
    assert adopted.history.first().decided_on == today  # the history keeps it too


def test_it_keeps_the_date_of_a_decision_made_again_and_drops_one_taken_back():
    proposal = ProposalFactory(status="rejected", decided_on=PAST)
    calls_services.decide(proposal, "rejected")
    assert proposal.decided_on == PAST
    calls_services.decide(proposal, "under_review")
    assert (proposal.status, proposal.decided_on) == ("under_review", None)
    calls_services.decide(proposal, "adopted", on=PAST)
    assert proposal.decided_on == PAST


def test_it_dates_a_status_staff_change_in_the_admin_and_shows_it_read_only(admin_client):
    proposal = ProposalFactory(status="under_review")
    url = reverse("admin:calls_proposal_change", args=[proposal.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "decided_on" not in form.fields  # written by the rule, never typed
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data |= {"status": "rejected", "seen_version": proposal.version}
    data |= {
        f"{prefix}-{n}": "0"
        for prefix in ("reviews", "documents")
        for n in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_on) == ("rejected", timezone.localdate())


def test_it_imports_and_exports_the_date_of_a_past_decision():
    proposal = ProposalFactory(status="submitted")
    result = import_table(
        "proposals", [proposal_row(proposal, status="adopted", decided_on="2023-02-01")]
    )
    assert not result.errors
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_on) == ("adopted", PAST)
    header, rows = export_table("proposals")
    assert rows[0][header.index("decided_on")] == "2023-02-01"
    again = import_table("proposals", [proposal_row(proposal)])  # the column left out
    assert not again.errors and again.unchanged == 1
    proposal.refresh_from_db()
    assert proposal.decided_on == PAST


def test_it_dates_a_decision_an_import_makes_without_a_date_today():
    proposal = ProposalFactory(status="under_review")
    assert not import_table("proposals", [proposal_row(proposal, status="rejected")]).errors
    proposal.refresh_from_db()
    assert proposal.decided_on == timezone.localdate()


def test_it_refuses_a_decision_date_for_a_proposal_not_decided():
    proposal = ProposalFactory(status="under_review")
    result = import_table("proposals", [proposal_row(proposal, decided_on="2023-02-01")])
    assert result.errors == [
        "row 2, column decided_on: only an adopted or rejected proposal has a decision date."
    ]


def test_it_shows_filters_and_orders_by_the_decision_date_in_the_api():
    ProposalFactory(ref="R-1", status="rejected", decided_on=PAST)
    ProposalFactory(ref="R-2", status="adopted", decided_on=datetime.date(2024, 5, 1))
    ProposalFactory(ref="R-3", status="submitted")
    api = keyed()
    listed = api.get("/api/v1/proposals/").json()["results"]
    assert [row["decided_on"] for row in listed] == ["2023-02-01", "2024-05-01", None]
    assert api.get("/api/v1/proposals/R-1/").json()["decided_on"] == "2023-02-01"
    since = api.get("/api/v1/proposals/?decided_on_after=2024-01-01").json()["results"]
    assert [row["ref"] for row in since] == ["R-2"]
    for ordering in ("decided_on", "-decided_on"):  # a cursor walk over the empty dates too
        url, walked = f"/api/v1/proposals/?ordering={ordering}&page_size=1", []
        while url:
            page = api.get(url).json()
            walked += [row["ref"] for row in page["results"]]
            url = page["next"]
        assert sorted(walked) == ["R-1", "R-2", "R-3"], ordering


# --- What adoption awards -----------------------------------------------------------------


def test_it_records_the_award_of_an_adoption():
    proposal = ProposalFactory(panel_score=8)
    project = adopt(proposal, Plan(datetime.date(2024, 1, 1), 3, 30_000_000))
    # Four fiscal years (FY2023 to FY2026), each with the budget a year.
    assert (project.awarded_annual_yen, project.awarded_total_yen) == (30_000_000, 120_000_000)
    assert sum(project.budgets.values_list("amount_yen", flat=True)) == 120_000_000
    shown = keyed().get(f"/api/v1/projects/{project.code}/").json()
    assert (shown["awarded_annual_yen"], shown["awarded_total_yen"]) == (30_000_000, 120_000_000)


def test_it_shows_the_award_read_only_in_the_admin(admin_client):
    project = ProjectFactory(awarded_annual_yen=5, awarded_total_yen=10)
    url = reverse("admin:projects_project_change", args=[project.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    assert "awarded_total_yen" not in form.fields and "awarded_annual_yen" not in form.fields
    assert "awarded_total_yen" in response.context["adminform"].readonly_fields


def test_it_round_trips_the_award_in_files():
    project = ProjectFactory(awarded_annual_yen=5_000_000, awarded_total_yen=15_000_000)
    header, rows = export_table("projects")
    assert header[-2:] == ["awarded_annual_yen", "awarded_total_yen"]  # after the contract's
    row = dict(zip(header, rows[0], strict=True))
    assert (row["awarded_annual_yen"], row["awarded_total_yen"]) == ("5000000", "15000000")
    assert import_table("projects", [row]).unchanged == 1
    project.refresh_from_db()
    assert project.awarded_total_yen == 15_000_000


# --- ROR ids ------------------------------------------------------------------------------


@pytest.mark.parametrize("ror", ["057zh3y96", "03yrm5c26", "05dxps055", "02mhbdp94"])
def test_it_takes_a_ror_id_whose_check_digits_are_right(ror):
    assert normalise.is_ror(ror)
    ResearcherFactory(institution_ror=f"https://ror.org/{ror.upper()}").full_clean()


@pytest.mark.parametrize("ror", ["057zh3y97", "057zh3y9", "157zh3y96", "057zh3u96", "x"])
def test_it_refuses_a_ror_id_whose_check_digits_or_form_are_wrong(ror):
    with pytest.raises(ValidationError) as refused:
        ResearcherFactory.build(institution_ror=ror).full_clean()
    assert set(refused.value.message_dict) == {"institution_ror"}


def test_it_stores_a_ror_id_one_way():
    researcher = ResearcherFactory(institution_ror=" https://ror.org/057ZH3Y96 ")
    researcher.refresh_from_db()
    assert researcher.institution_ror == "057zh3y96"
    assert Researcher.objects.filter(institution_ror="https://ror.org/057zh3y96").exists()


def test_it_imports_exports_and_shows_a_pis_ror_id():
    proposal = ProposalFactory(ref="R-1", partner_pi__institution_ror="03yrm5c26")
    row = proposal_row(proposal, jp_pi_ror="https://ror.org/057zh3y96")
    result = import_table("proposals", [row])
    assert not result.errors
    header, rows = export_table("proposals")
    exported = dict(zip(header, rows[0], strict=True))
    assert (exported["jp_pi_ror"], exported["partner_pi_ror"]) == ("057zh3y96", "03yrm5c26")
    assert header.index("jp_pi_ror") > header.index("panel_score")  # after the contract's
    assert import_table("proposals", [proposal_row(proposal, jp_pi_ror="057zh3y96")]).unchanged == 1
    api = keyed()
    shown = api.get("/api/v1/proposals/R-1/").json()
    assert (shown["jp_pi"]["ror"], shown["partner_pi"]["ror"]) == ("057zh3y96", "03yrm5c26")
    listed = api.get("/api/v1/proposals/").json()["results"][0]
    assert listed["jp_pi"]["ror"] == "057zh3y96"


def test_it_refuses_a_wrong_ror_id_in_an_import_naming_the_column():
    proposal = ProposalFactory()
    result = import_table("proposals", [proposal_row(proposal, jp_pi_ror="057zh3y97")])
    assert len(result.errors) == 1 and result.errors[0].startswith("row 2, column jp_pi_ror:")


# --- The migrations that date what was decided before -------------------------------------

decisions_migration = importlib.import_module("calls.migrations.0010_proposal_decided_on")
awards_migration = importlib.import_module("projects.migrations.0018_project_awards")


def _status(proposal: Proposal, status: str) -> None:
    proposal.status = status
    proposal.save()


def test_it_dates_past_decisions_on_the_day_the_history_first_shows_them():
    rejected, readopted, pending = ProposalFactory(), ProposalFactory(), ProposalFactory()
    _status(rejected, "rejected")
    for status in ("adopted", "under_review", "adopted", "adopted"):
        _status(readopted, status)
    history = Proposal.history.model.objects
    history.filter(id=rejected.pk, status="submitted").update(
        history_date=datetime.datetime(2023, 1, 10, tzinfo=datetime.UTC)  # received, then
    )
    history.filter(id=rejected.pk, status="rejected").update(
        history_date=datetime.datetime(2023, 3, 31, 16, tzinfo=datetime.UTC)  # 1 April in Tokyo
    )
    last_run = history.filter(id=readopted.pk, status="adopted").order_by("history_date")[1]
    Proposal.objects.update(decided_on=None)
    decisions_migration.date_past_decisions(django_apps, None)
    dated = dict(Proposal.objects.values_list("pk", "decided_on"))
    assert dated[rejected.pk] == datetime.date(2023, 4, 1)
    assert dated[readopted.pk] == timezone.localdate(last_run.history_date)  # after taken back
    assert dated[pending.pk] is None


def test_it_takes_past_awards_from_the_first_budgets():
    project, unfunded = ProjectFactory(), ProjectFactory()
    for year in (2024, 2025):
        ProjectBudget.objects.create(project=project, fiscal_year=year, amount_yen=10)
    revised = ProjectBudget.objects.get(project=project, fiscal_year=2025)
    revised.amount_yen = 99  # revised since: the award was what it first said
    revised.save()
    awards_migration.award_from_first_budgets(django_apps, None)
    project.refresh_from_db()
    unfunded.refresh_from_db()
    assert (project.awarded_annual_yen, project.awarded_total_yen) == (10, 20)
    assert (unfunded.awarded_annual_yen, unfunded.awarded_total_yen) == (None, None)
