"""The staff admin: every model, the proposal list's figures, adoption and rejection."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from calls.models import Proposal, Review
from projects.models import AnnualReport, Paper, Project
from tests.factories import (
    CallFactory,
    ConflictFactory,
    PaperFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    SupportTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_it_lists_every_model_and_offers_its_add_page(admin_client, model):
    PaperFactory()
    ReviewFactory()
    assert admin_client.get(changelist(model)).status_code == 200
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert admin_client.get(add).status_code in (200, 403)  # 403: records only jobs write


def test_it_shows_scores_reviews_spread_and_adoptability(admin_client):
    proposal = ProposalFactory(ref="P-SPLIT")
    ReviewFactory(proposal=proposal, score=Decimal(3))
    ReviewFactory(proposal=proposal, score=Decimal(9))
    page = admin_client.get(changelist(Proposal)).text
    assert "P-SPLIT" in page
    assert "6.00" in page  # the mean: no panel score
    assert 'class="disagree">6.00' in page  # the reviewers disagree by 6 points
    assert 'class="field-review_count">2<' in page
    assert "icon-yes.svg" in page  # 6.00 reaches the default adoptable score


@pytest.mark.parametrize("proposals", [10, 200])
def test_it_lists_proposals_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, proposals
):
    call = CallFactory()
    for proposal in ProposalFactory.create_batch(proposals, call=call):
        ReviewFactory(proposal=proposal)
    # session, user, count (filtered), count (all), the page with scores, program and
    # call filter choices (2), the history-less action form needs nothing else
    with django_assert_num_queries(7):
        assert admin_client.get(changelist(Proposal)).status_code == 200


@pytest.mark.parametrize("reports", [10, 200])
def test_it_lists_reports_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, reports
):
    ReportFactory.create_batch(reports)

    # session, user, count (filtered), count (all), the page with projects, the choices of
    # the program and fiscal-year filters
    with django_assert_num_queries(7):
        assert admin_client.get(changelist(AnnualReport)).status_code == 200


def test_it_adopts_once_however_often_it_is_clicked(admin_client):
    proposal = ProposalFactory()
    data = {"action": "adopt", "_selected_action": [proposal.pk]}
    first = admin_client.post(changelist(Proposal), data, follow=True)
    assert "1 project created." in first.text
    second = admin_client.post(changelist(Proposal), data, follow=True)
    assert "0 projects created, 1 already adopted." in second.text
    assert Project.objects.filter(proposal=proposal).count() == 1
    proposal.refresh_from_db()
    assert proposal.status == "adopted"


def test_it_rejects_in_bulk_but_keeps_adopted_proposals(admin_client):
    waiting = ProposalFactory(status="under_review")
    adopted = ProposalFactory(status="adopted")
    data = {"action": "reject", "_selected_action": [waiting.pk, adopted.pk]}
    response = admin_client.post(changelist(Proposal), data, follow=True)
    assert "1 proposal rejected." in response.text
    waiting.refresh_from_db()
    adopted.refresh_from_db()
    assert (waiting.status, adopted.status) == ("rejected", "adopted")


def test_it_shows_a_calls_summary_and_proposals(admin_client):
    call = CallFactory()
    adoptable = ProposalFactory(call=call, status="adopted", panel_score=Decimal(8))
    ProposalFactory(call=call, panel_score=Decimal(7))
    ProposalFactory(call=call, panel_score=Decimal(4))
    page = admin_client.get(reverse("admin:calls_call_change", args=[call.pk])).text
    summary = page[page.index('class="call-summary"') :]
    # received 3, adopted 1, rate 33.3, adoptable 2, adoptable but not adopted 1
    cells = ["<td>3</td>", "<td>1</td>", "<td>33.3</td>", "<td>2</td>", "<td>1</td>"]
    assert "".join(cells) in summary.replace("\n", "").replace(" ", "")
    assert adoptable.ref in page


def test_it_keeps_who_changed_a_proposal(admin_client, admin_user):
    proposal = ProposalFactory()
    url = reverse("admin:calls_proposal_change", args=[proposal.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "title": "A better title",
            "reviews-TOTAL_FORMS": 0,
            "reviews-INITIAL_FORMS": 0,
            "call": proposal.call.pk,
            "jp_pi": proposal.jp_pi.pk,
            "partner_pi": proposal.partner_pi.pk,
        }
    )
    assert admin_client.post(url, data).status_code == 302
    history = admin_client.get(reverse("admin:calls_proposal_history", args=[proposal.pk])).text
    assert admin_user.email in history or str(admin_user) in history
    assert proposal.history.first().history_user == admin_user


def test_it_refuses_a_conflicted_reviewer_and_writes_nothing(admin_client):
    conflict = ConflictFactory()
    data = {"proposal": conflict.proposal.pk, "reviewer": conflict.reviewer.pk, "score": "7"}
    response = admin_client.post(reverse("admin:calls_review_add"), data)
    assert response.status_code == 200
    assert "declared a conflict of interest" in response.text
    assert Review.objects.count() == 0


def test_it_refuses_a_score_outside_one_to_ten(admin_client):
    proposal = ProposalFactory()
    reviewer = UserFactory(roles=["reviewer"])
    data = {"proposal": proposal.pk, "reviewer": reviewer.pk, "score": "11"}
    response = admin_client.post(reverse("admin:calls_review_add"), data)
    assert response.status_code == 200
    assert 'id="id_score"' in response.text and "errorlist" in response.text
    assert Review.objects.count() == 0


def test_it_refuses_a_budget_outside_the_support_type(admin_client):
    support = SupportTypeFactory(max_annual_budget_yen=30_000_000)
    call = CallFactory(program=support.program, support_type=support)
    existing = ProposalFactory(call=call)
    data = {
        "call": call.pk,
        "ref": "P-TOO-BIG",
        "title": "Too big",
        "jp_pi": existing.jp_pi.pk,
        "status": "submitted",
        "requested_annual_budget_yen": 50_000_000,
        "reviews-TOTAL_FORMS": 0,
        "reviews-INITIAL_FORMS": 0,
    }
    response = admin_client.post(reverse("admin:calls_proposal_add"), data)
    assert response.status_code == 200
    assert "errorlist" in response.text
    assert not Proposal.objects.filter(ref="P-TOO-BIG").exists()


def test_it_refuses_a_duplicate_paper_with_a_message_not_a_crash(admin_client):
    paper = PaperFactory(doi="10.1/x")
    data = {
        "report": paper.report.pk,
        "doi": "10.1/X",
        "title": "Same paper",
        "published_on": "2024-06-01",
        "international_coauthored": "on",
    }
    response = admin_client.post(reverse("admin:projects_paper_add"), data)
    assert response.status_code == 200
    assert "already reported for this project" in response.text
    assert Paper.objects.count() == 1


def test_it_lets_the_committee_read_the_admin_but_not_reviews(client):
    client.force_login(UserFactory(roles=["committee"], is_staff=True))
    assert client.get(changelist(Proposal)).status_code == 200
    assert client.get(reverse("admin:calls_proposal_add")).status_code == 403
    assert client.get(changelist(Review)).status_code == 403


def test_it_lets_program_staff_manage_the_program_data(client):
    client.force_login(UserFactory(roles=["staff"], is_staff=True))
    assert client.get(reverse("admin:calls_proposal_add")).status_code == 200
    assert client.get(changelist(Review)).status_code == 200
