"""The program officers' side (issue 13): the admin organised by the job."""

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_groups_the_admin_by_the_job_and_hides_the_machinery_from_officers(client):
    officer = UserFactory(roles=["staff"], is_staff=True)
    sign_in(client, officer)
    page = client.get(reverse("admin:index")).text
    titles = ["Calls and reviewing", "Projects and annual reports", "Evaluation"]
    titles += ["Programs and funding agencies"]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)  # in the order of a call cycle
    assert "Administration" not in page and "Access attempts" not in page
    assert reverse("projects:queue") in page and reverse("evaluations:index") in page


def test_it_links_every_record_outside_the_machinery_from_an_officers_home(client):
    """A model left out of the jobs was listed under "Administration", for superusers only:
    officers had no link to the notices the PIs were sent, among others."""
    from django.contrib import admin

    from aspire.admin_site import JOBS, MACHINERY_APPS

    in_jobs = {name for _title, names in JOBS for name in names}
    records = {
        model._meta.label
        for model in admin.site._registry
        if model._meta.app_label not in MACHINERY_APPS
    }
    assert records - in_jobs == set()
    sign_in(client, UserFactory(roles=["staff"], is_staff=True))
    page = client.get(reverse("admin:index")).text
    for name in ("projects_notice", "calls_reviewreminder", "calls_revieweraffiliation"):
        assert reverse(f"admin:{name}_changelist") in page


def test_it_shows_superusers_the_machinery_apart(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    assert page.index("Administration") > page.index("Calls and reviewing")
    assert "Access attempts" in page


# --- Exports of what the list shows ------------------------------------------------------


def test_it_exports_the_list_as_filtered_with_what_it_computes(admin_client):
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    from calls.models import Proposal
    from exchange.services import import_file
    from tests.factories import ProposalFactory, ReviewFactory

    high = ProposalFactory(ref="P-HIGH")
    ReviewFactory(proposal=high, score=Decimal(8))
    ReviewFactory(proposal=high, score=Decimal(9))
    ProposalFactory(ref="P-LOW", panel_score=Decimal(3))
    changelist = reverse("admin:calls_proposal_changelist")
    listing = admin_client.get(changelist, {"adoptable": "yes"}).text
    assert "filters=adoptable%3Dyes" in listing  # the list's export link keeps its filters
    export = reverse("exchange:export", args=["proposals"])
    response = admin_client.get(export, {"format": "xlsx", "filters": "adoptable=yes"})
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.title == "proposals" and sheet.auto_filter.ref and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[-6:] == (
        "final_score",
        "review_mean",
        "review_count",
        "review_spread",
        "adoptable",
        "conflicts",
    )
    assert [row[header.index("ref")] for row in rows[1:]] == ["P-HIGH"]  # the filtered list
    row = dict(zip(header, rows[1], strict=True))
    assert (row["final_score"], row["review_count"], row["adoptable"]) == (8.5, 2, True)
    assert row["review_spread"] == 1  # a number, not text
    result = import_file("proposals", response.content, "proposals.xlsx")
    assert (result.errors, result.unchanged) == ([], 1)
    csv = admin_client.get(export, {"format": "csv", "filters": "adoptable=yes"}).content
    assert import_file("proposals", csv, "proposals.csv").unchanged == 1
    assert Proposal.objects.count() == 2


def _exported_refs(client, action_response) -> list[str]:
    from exchange.services import read_table

    assert action_response.status_code == 302, action_response.text
    export = client.get(action_response.url + "&format=csv&headers=contract")
    return sorted(row["ref"] for row in read_table(export.content, "proposals.csv"))


def test_it_exports_the_selected_rows_of_a_list(admin_client):
    from tests.factories import ProposalFactory

    chosen = [ProposalFactory(ref=f"P-{n}") for n in range(3)][:2]
    ProposalFactory(ref="OTHER")
    changelist = reverse("admin:calls_proposal_changelist")
    ticked = {"action": "export_selected", "_selected_action": [p.pk for p in chosen]}
    assert _exported_refs(admin_client, admin_client.post(changelist, ticked)) == ["P-0", "P-1"]
    # "All N ticked" across pages: the list's own filters, not a key per row
    across = ticked | {"select_across": "1"}
    response = admin_client.post(f"{changelist}?q=P-", across)
    assert "id__in" not in response.url
    assert _exported_refs(admin_client, response) == ["P-0", "P-1", "P-2"]


def test_it_exports_a_ranked_list_in_its_ranking(admin_client):
    """The list sorted by final score, best first, exports so: not by reference."""
    from decimal import Decimal

    from exchange.services import read_table
    from tests.factories import ProjectFactory, ProposalFactory, ReviewFactory

    for ref, score in [("P-1", 5), ("P-2", 9), ("P-3", 7)]:
        ReviewFactory(proposal=ProposalFactory(ref=ref), score=Decimal(score))
    changelist = reverse("admin:calls_proposal_changelist")
    ranked = admin_client.get(changelist, {"o": "-6"}).text  # final score, descending
    assert ranked.index("P-2") < ranked.index("P-3") < ranked.index("P-1")
    export = reverse("exchange:export", args=["proposals"])
    response = admin_client.get(export, {"format": "csv", "filters": "o=-6"})
    assert [row["ref"] for row in read_table(response.content, "p.csv")] == ["P-2", "P-3", "P-1"]
    # A sort by what only the admin list computes (a project's total budget): the kind's order.
    ProjectFactory(code="PJ-B")
    ProjectFactory(code="PJ-A")
    export = reverse("exchange:export", args=["projects"])
    response = admin_client.get(export, {"format": "csv", "filters": "o=-6"})
    assert [row["code"] for row in read_table(response.content, "p.csv")] == ["PJ-A", "PJ-B"]


def test_it_exports_with_the_pages_japanese_labels_and_imports_that_back(admin_client):
    import io
    from decimal import Decimal

    from django.utils import translation
    from openpyxl import load_workbook

    from exchange.services import import_file
    from tests.factories import ProposalFactory, ReviewFactory

    ReviewFactory(proposal=ProposalFactory(ref="P-1", status="rejected"), score=Decimal(4))
    export = reverse("exchange:export", args=["proposals"])
    query = {"format": "xlsx", "headers": "labels"}
    response = admin_client.get(export, query, HTTP_ACCEPT_LANGUAGE="ja")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["受付番号"], row["状態"]) == ("P-1", "不採択")  # labels, not ref and rejected
    assert "ref" not in rows[0] and "status" not in rows[0]
    with translation.override("en"):  # read back whatever the importer's language
        result = import_file("proposals", response.content, "提案.xlsx")
    assert (result.errors, result.unchanged) == ([], 1)
    query["format"] = "csv"
    csv = admin_client.get(export, query, HTTP_ACCEPT_LANGUAGE="ja").content
    assert import_file("proposals", csv, "提案.csv").unchanged == 1


# --- Overrides and budget changes carry a reason -----------------------------------------


def test_it_asks_why_a_panel_overrides_the_reviewers(admin_client):
    from decimal import Decimal

    from calls.models import Proposal
    from tests.factories import ProposalFactory
    from tests.test_admin import form_data

    proposal = ProposalFactory()
    change = reverse("admin:calls_proposal_change", args=[proposal.pk])
    data = form_data(admin_client.get(change)) | {"panel_score": "7.5"}
    refused = admin_client.post(change, data)
    assert "Say why panel score changed" in refused.text
    assert Proposal.objects.get().panel_score is None
    done = admin_client.post(change, data | {"change_reason": "Panel of 12 May"})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.panel_score == Decimal("7.5")
    assert proposal.history.first().history_change_reason == "Panel of 12 May"


def test_it_keeps_why_a_budget_changed(admin_client):
    from projects.models import ProjectBudget
    from tests.test_admin import ProjectBudgetFactory, form_data

    budget = ProjectBudgetFactory(amount_yen=10_000_000)
    change = reverse("admin:projects_projectbudget_change", args=[budget.pk])
    data = form_data(admin_client.get(change)) | {"amount_yen": "12000000"}
    assert "Say why" in admin_client.post(change, data).text
    admin_client.post(change, data | {"change_reason": "Exchange rate"})
    budget = ProjectBudget.objects.get()
    assert (budget.amount_yen, budget.history.first().history_change_reason) == (
        12_000_000,
        "Exchange rate",
    )
