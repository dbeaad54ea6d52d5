"""The staff admin: every model, the lists' figures and query counts, adoption, rejection,
the errors staff see instead of a crash, and who changed what."""

import datetime
from decimal import Decimal

import factory
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import two_factor
from accounts.models import User
from api.services import create_client
from audit.models import AuditEntry
from calls.models import (
    Call,
    CallFigure,
    ConflictOfInterest,
    PIFigure,
    Proposal,
    ProposalDocument,
    Review,
    ReviewerAffiliation,
    ReviewReminder,
)
from evaluations.models import (
    CommitteeMember,
    Evaluation,
    EvaluationReport,
    GoalAssessment,
    Opinion,
)
from exchange.models import ImportJob
from programs import codes
from programs.models import FormerCode, ProgramGoal
from projects import reporting
from projects.models import (
    AnnualReport,
    DraftOutput,
    Notice,
    OutputFigure,
    Paper,
    PaperFigure,
    Project,
    ProjectBudget,
    Reminder,
    ReportingPeriod,
    ResearcherIds,
)
from tests.conftest import sign_in
from tests.factories import (
    AgencyFactory,
    CallFactory,
    ConflictFactory,
    EventFactory,
    ExchangeFactory,
    HubFactory,
    ImportJobFactory,
    LabStatisticFactory,
    MemberFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ResearcherFactory,
    ReviewFactory,
    SupportTypeFactory,
    SurveyFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- Factories of the models tests/factories.py does not cover -----------------------------


class ProjectBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectBudget

    project = factory.SubFactory(ProjectFactory)
    fiscal_year = 2024
    amount_yen = 30_000_000


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    program = factory.SubFactory(ProgramFactory)
    fiscal_year = 2024
    opens_on = datetime.date(2025, 4, 1)
    due_on = datetime.date(2025, 5, 31)


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    report = factory.SubFactory(ReportFactory, status="draft")
    kind = "before_due"
    sent_on = datetime.date(2025, 5, 24)
    days_to_due = 7
    recipients = "pi@example.org"


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    program = factory.SubFactory(ProgramFactory)
    kind = "mid_term"
    as_of = factory.Sequence(lambda n: datetime.date(2025, 3, 31) + datetime.timedelta(days=n))


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    evaluation = factory.SubFactory(EvaluationFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    affiliation = "University of Tokyo, Professor"


class GoalAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalAssessment

    evaluation = factory.SubFactory(EvaluationFactory)
    goal = 1
    grade = "A"


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opinion

    member = factory.SubFactory(CommitteeMemberFactory)
    goal = 1
    text = "More exchanges of young researchers."


class EvaluationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationReport

    evaluation = factory.SubFactory(EvaluationFactory)
    language = "ja"
    format = "pdf"


# --- Helpers ----------------------------------------------------------------------------


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict:
    """What the browser would post back unchanged: the page's form and its inlines."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):  # none in history
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif not (value is None or value is False or value == ""):  # 0 is a value
                data[form.add_prefix(name)] = value
    return data


def field_row(page: str, name: str) -> str:
    """The HTML of the admin form's row of one field, where its errors show."""
    start = page.index(f' field-{name}"')
    end = page.find('<div class="form-row', start)
    return page[start:end]


def inline_cell(page: str, prefix: str, name: str) -> str:
    """The HTML of one cell of a tabular inline: its errors show above its widget."""
    start = page.index(f'name="{prefix}-{name}"')
    start = page.rindex("<td", 0, start)
    return page[start : page.index("</td>", start)]


def make_one_of_everything() -> None:
    PaperFactory()
    PresentationFactory()
    EventFactory()
    ExchangeFactory()
    LabStatisticFactory()
    HubFactory()
    SurveyFactory()
    MemberFactory()
    ProjectBudgetFactory()
    ReportingPeriodFactory()
    ReminderFactory()
    member = MemberFactory()
    report = ReportFactory(project=member.project)
    Notice.objects.create(
        kind="accepted", recipient=member.user, report=report, subject="受理", body="受理しました"
    )
    DraftOutput.objects.create(report=report, kind="paper", source="bibtex", title="下書き")
    ResearcherIds.objects.create(user=member.user, researchmap_id="r-demo")
    review = ReviewFactory()
    ConflictFactory()
    ReviewerAffiliation.objects.create(reviewer=review.reviewer, institution="Kyoto University")
    ProposalDocument.objects.create(
        proposal=review.proposal, title="申請書", file="proposals/申請書.pdf"
    )
    ReviewReminder.objects.create(
        review=review, kind="overdue", sent_on=datetime.date(2026, 1, 2), days_to_due=-1
    )
    support_type = SupportTypeFactory()
    ProgramGoal.objects.create(program=support_type.program, number=1, title_ja="目標")
    TargetFactory()
    GoalAssessmentFactory()
    OpinionFactory()
    EvaluationReportFactory()
    create_client("Dashboard of the ministry")
    AuditEntry.objects.create(action="export", channel="admin", kind="agencies", actor="staff")
    two_factor.new_recovery_codes(UserFactory())  # the second factor's devices
    codes.rename(AgencyFactory(code="OLD"), "NEW")  # a former code
    ImportJobFactory()


# Records only jobs (or django-axes, or the audit log) write: staff read them, and have no
# add page.
WRITTEN_BY_JOBS = {
    Reminder,
    Notice,  # written by projects/notices.py as a step is taken
    ResearcherIds,  # linked by the PI on their report page
    DraftOutput,  # made by a PI's "bring in" (projects/sources.py)
    ReviewReminder,
    EvaluationReport,
    AccessAttempt,
    AccessLog,
}
WRITTEN_BY_JOBS |= {AccessFailureLog, AuditEntry, ImportJob}  # an import job: by its upload
WRITTEN_BY_JOBS |= {FormerCode}  # written by the rename page (programs/codes.py)
WRITTEN_BY_JOBS |= {OutputFigure, PaperFigure}  # kept on every write (projects/figures.py)
WRITTEN_BY_JOBS |= {CallFigure, PIFigure}  # kept on every write (calls/figures.py)


# --- Every model ------------------------------------------------------------------------


def test_it_registers_every_model_of_aspire():
    from django.apps import apps

    ours = {"accounts", "audit", "programs", "calls", "projects", "evaluations", "api"}
    ours |= {"exchange"}
    models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in ours and not model.__name__.startswith("Historical")
    ]
    assert [model for model in models if model not in admin.site._registry] == []


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_it_lists_adds_and_shows_every_model(admin_client, admin_user, model):
    make_one_of_everything()
    assert admin_client.get(url(model)).status_code == 200
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert model_admin.has_add_permission(request) == (model not in WRITTEN_BY_JOBS)
    assert admin_client.get(url(model, "add")).status_code == (
        403 if model in WRITTEN_BY_JOBS else 200
    )
    row = model_admin.get_queryset(request).first()
    if model._meta.app_label == "axes":
        return  # sign-in records: none in a test that signs in without a password
    assert row is not None, "make_one_of_everything() makes a row of every model"
    assert admin_client.get(url(model, "change", row.pk)).status_code == 200


def test_it_shows_fiscal_years_in_both_calendars(admin_client):
    ReportFactory(fiscal_year=2024)
    ReportFactory(fiscal_year=2019)
    page = admin_client.get(url(AnnualReport)).text
    assert page.count("FY2024 (令和6年度)") == 2  # the column and the filter
    assert page.count("FY2019 (令和元年度)") == 2  # the first year of an era is 元


# --- Proposals ------------------------------------------------------------------------


def test_it_shows_scores_reviews_spread_and_adoptability(admin_client):
    split = ProposalFactory(ref="P-SPLIT")
    ReviewFactory(proposal=split, score=Decimal(3))
    ReviewFactory(proposal=split, score=Decimal(9))
    agreed = ProposalFactory(ref="P-AGREED", panel_score=Decimal("5.5"))
    ReviewFactory(proposal=agreed, score=Decimal(5))
    ReviewFactory(proposal=agreed, score=Decimal(6))
    response = admin_client.get(url(Proposal))
    rows = {row.ref: row for row in response.context["cl"].result_list}
    assert (rows["P-SPLIT"].final_score, rows["P-SPLIT"].review_count) == (6, 2)
    assert (rows["P-AGREED"].final_score, rows["P-AGREED"].adoptable) == (Decimal("5.5"), False)
    page = response.text
    split_row = page[page.index("P-SPLIT") : page.index("</tr>", page.index("P-SPLIT"))]
    assert '<td class="field-final_score">6.00</td>' in split_row  # the mean: no panel score
    assert '<td class="field-review_count">2</td>' in split_row
    assert 'class="disagree"' in split_row and "6.00 ⚠" in split_row  # 3 and 9 disagree
    assert 'alt="True"' in split_row  # 6.00 reaches the default adoptable score of 6
    agreed_row = page[page.index("P-AGREED") : page.index("</tr>", page.index("P-AGREED"))]
    assert '<td class="field-final_score">5.50</td>' in agreed_row  # the panel's score
    assert "disagree" not in agreed_row and '<td class="field-spread">1.00</td>' in agreed_row
    assert 'alt="False"' in agreed_row


def test_it_filters_adoptable_proposals_and_disagreeing_reviewers(admin_client):
    split = ProposalFactory(ref="P-SPLIT")
    ReviewFactory(proposal=split, score=Decimal(2))
    ReviewFactory(proposal=split, score=Decimal(5))
    ProposalFactory(ref="P-HIGH", panel_score=Decimal(8))

    def refs(query: str) -> set[str]:
        response = admin_client.get(url(Proposal) + query)
        return {proposal.ref for proposal in response.context["cl"].result_list}

    assert refs("?spread=disagree") == {"P-SPLIT"}  # 3 points apart
    assert refs("?adoptable=yes") == {"P-HIGH"}
    assert refs("?adoptable=no") == {"P-SPLIT"}  # a mean of 3.5


@pytest.mark.parametrize("proposals", [10, 200])
def test_it_lists_proposals_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, proposals
):
    programs = ProgramFactory.create_batch(2)
    calls = [CallFactory(program=programs[n % 2]) for n in range(proposals // 10)]
    reviewers = UserFactory.create_batch(2)
    for n in range(proposals):
        proposal = ProposalFactory(call=calls[n % len(calls)])
        for score, reviewer in zip([4, 4 + n % 5], reviewers, strict=True):
            ReviewFactory(proposal=proposal, reviewer=reviewer, score=score)
    # 1 session, 2 user, 3 programs of the program filter, 4 calls of the call filter,
    # 5 the table's estimated rows (small: counted instead), 6 count of the list, 7 the page
    # of proposals with their calls, PIs, final score, review count, spread and
    # adoptability (subqueries), 8 the page's submitted scores (the median)
    # and the device that verified the session's second factor (django-otp)
    with django_assert_num_queries(9):
        response = admin_client.get(url(Proposal))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(proposals, 100)  # 100 a page


def test_it_shows_a_large_table_newest_first_with_its_estimated_size(admin_client, monkeypatch):
    monkeypatch.setattr("programs.admin.ESTIMATE_ABOVE", 5)  # "large" from 6 rows on
    proposals = [ProposalFactory(ref=f"BIG-{n:02d}") for n in range(30)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE calls_proposal")  # PostgreSQL's estimate: 30 rows
    Proposal.objects.filter(pk__in=[p.pk for p in proposals[:10]]).delete()
    listed = admin_client.get(url(Proposal)).context["cl"]
    assert listed.result_count == 30  # not counted again: the estimate until autovacuum
    assert listed.result_list[0] == proposals[-1]  # the newest first
    searched = admin_client.get(url(Proposal) + "?q=BIG-1").context["cl"]  # BIG-10 to BIG-19
    assert searched.result_count == 10  # a filtered list is counted exactly


def decide(admin_client, proposals, **plan):
    """The adopt action: its decision page, then adopting with the plans it offers."""
    selection = {"action": "adopt", "_selected_action": [p.pk for p in proposals]}
    page = admin_client.post(url(Proposal), selection)
    formset = page.context["formset"]
    data = {**selection, "apply": "1"}
    for name, value in formset.management_form.initial.items():
        data[f"plan-{name}"] = value
    for form in formset.forms:
        for name, field in form.fields.items():
            value = plan.get(name, form.initial.get(name, field.initial))
            if value is not None:
                data[form.add_prefix(name)] = value
    return page, admin_client.post(url(Proposal), data, follow=True)


def test_it_shows_scores_and_the_plan_before_adopting(admin_client):
    proposal = ProposalFactory(requested_annual_budget_yen=20_000_000, requested_years=3)
    ReviewFactory(proposal=proposal, score=Decimal("4.17"))
    page = admin_client.post(url(Proposal), {"action": "adopt", "_selected_action": [proposal.pk]})
    assert "Below the call's adoptable score (4.17 against 6.00)" in page.text
    assert 'name="plan-0-start_date"' in page.text and 'name="plan-0-reason"' in page.text
    assert not Project.objects.exists()  # nothing before the decision
    _page, refused = decide(admin_client, [proposal])
    assert "say why it is adopted" in refused.text
    assert not Project.objects.exists()
    _page, done = decide(admin_client, [proposal], reason="Strategic partner")
    assert "1 project created." in done.text


def test_it_adopts_once_however_often_it_is_clicked(admin_client):
    proposal = ProposalFactory(requested_annual_budget_yen=20_000_000, requested_years=3)
    ReviewFactory(proposal=proposal, score=8)
    _page, first = decide(admin_client, [proposal])
    assert "1 project created." in first.text
    page = admin_client.post(url(Proposal), {"action": "adopt", "_selected_action": [proposal.pk]})
    assert "1 of the selected proposals is adopted already." in page.text
    assert Project.objects.filter(proposal=proposal).count() == 1
    assert ProjectBudget.objects.filter(project__proposal=proposal).count() >= 3
    proposal.refresh_from_db()
    assert proposal.status == "adopted"


def test_it_counts_new_and_earlier_adoptions_and_refuses_withdrawn_ones(admin_client):
    adopted = ProjectFactory().proposal
    fresh = ProposalFactory.create_batch(2, panel_score=7)
    withdrawn = ProposalFactory(status="withdrawn")
    page, done = decide(admin_client, [adopted, withdrawn, *fresh])
    assert f"{withdrawn.ref} was withdrawn and cannot be adopted." in page.text
    assert "2 projects created, 1 already adopted." in done.text
    assert Project.objects.count() == 3
    assert not Project.objects.filter(proposal=withdrawn).exists()


def test_it_rejects_in_bulk_but_keeps_adopted_proposals(admin_client):
    waiting = ProposalFactory(status="under_review")
    adopted = ProposalFactory(status="adopted")
    data = {"action": "reject", "_selected_action": [waiting.pk, adopted.pk]}
    response = admin_client.post(url(Proposal), data, follow=True)
    assert "1 proposal rejected." in response.text
    waiting.refresh_from_db()
    adopted.refresh_from_db()
    assert (waiting.status, adopted.status) == ("rejected", "adopted")


def test_it_keeps_the_committees_hands_off_the_actions(client):
    sign_in(client, UserFactory(roles=["committee"], is_staff=True))
    proposal = ProposalFactory()
    response = client.get(url(Proposal))
    # Reading is theirs (the export of what they may see); deciding is not.
    choices = response.context["action_form"].fields["action"].choices
    assert [name for name, _ in choices if name] == ["export_selected"]
    for action in ("reject", "adopt"):
        client.post(url(Proposal), {"action": action, "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert not Project.objects.exists()


def test_it_keeps_who_changed_a_proposal(admin_client, admin_user):
    proposal = ProposalFactory()
    change = url(Proposal, "change", proposal.pk)
    data = form_data(admin_client.get(change)) | {"title": "A better title"}
    assert admin_client.post(change, data).status_code == 302
    history = admin_client.get(url(Proposal, "history", proposal.pk)).text
    assert str(admin_user) in history
    assert proposal.history.first().history_user == admin_user
    assert proposal.history.first().title == "A better title"


def test_it_refuses_a_budget_outside_the_support_type_next_to_the_field(admin_client):
    support = SupportTypeFactory(max_annual_budget_yen=30_000_000)
    call = CallFactory(program=support.program, support_type=support)
    pi = ResearcherFactory()
    data = {
        "call": call.pk,
        "ref": "P-TOO-BIG",
        "title": "Too big",
        "jp_pi": pi.pk,
        "status": "submitted",
        "requested_annual_budget_yen": 50_000_000,
    }
    response = admin_client.post(url(Proposal, "add"), data)
    assert response.status_code == 200
    row = field_row(response.text, "requested_annual_budget_yen")
    assert "errorlist" in row and "allows 0 to 30000000 yen a year" in row
    assert not Proposal.objects.filter(ref="P-TOO-BIG").exists()


# --- Reviews and conflicts of interest ------------------------------------------------


def test_it_refuses_a_conflicted_reviewer_and_writes_nothing(admin_client):
    conflict = ConflictFactory()
    data = {"proposal": conflict.proposal.pk, "reviewer": conflict.reviewer.pk, "score": "7"}
    response = admin_client.post(url(Review, "add"), data)
    assert response.status_code == 200
    assert "declared a conflict of interest" in field_row(response.text, "reviewer")
    assert Review.objects.count() == 0


def test_it_refuses_a_conflicted_reviewer_in_the_proposals_page(admin_client):
    proposal = ProposalFactory(jp_pi__institution="Kyoto University")
    colleague = UserFactory(roles=["reviewer"], institution="kyoto university ")
    change = url(Proposal, "change", proposal.pk)
    data = form_data(admin_client.get(change))
    data |= {"reviews-TOTAL_FORMS": 1, "reviews-0-reviewer": colleague.pk, "reviews-0-score": 8}
    response = admin_client.post(change, data)
    assert response.status_code == 200
    cell = inline_cell(response.text, "reviews-0", "reviewer")
    assert "errorlist" in cell and "at Kyoto University, like the PI" in cell
    assert Review.objects.count() == 0


def test_it_checks_reviewers_against_the_pis_as_edited_on_the_same_page(admin_client):
    proposal = ProposalFactory()
    colleague = UserFactory(roles=["reviewer"], institution="Osaka University")
    osaka_pi = ResearcherFactory(institution="Osaka University")
    change = url(Proposal, "change", proposal.pk)
    data = form_data(admin_client.get(change)) | {"jp_pi": osaka_pi.pk}
    data |= {"reviews-TOTAL_FORMS": 1, "reviews-0-reviewer": colleague.pk}
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "like the PI" in inline_cell(response.text, "reviews-0", "reviewer")
    proposal.refresh_from_db()
    assert proposal.jp_pi != osaka_pi and Review.objects.count() == 0


def test_it_assigns_reviewers_once_the_proposal_exists(admin_client):
    assert "reviews-TOTAL_FORMS" not in admin_client.get(url(Proposal, "add")).text
    proposal = ProposalFactory()
    reviewer = UserFactory(roles=["reviewer"])
    change = url(Proposal, "change", proposal.pk)
    data = form_data(admin_client.get(change))
    data |= {"reviews-TOTAL_FORMS": 1, "reviews-0-reviewer": reviewer.pk, "reviews-0-score": 7}
    assert admin_client.post(change, data).status_code == 302
    assert Review.objects.get().reviewer == reviewer


def test_it_refuses_a_score_outside_one_to_ten(admin_client):
    proposal = ProposalFactory()
    reviewer = UserFactory(roles=["reviewer"])
    data = {"proposal": proposal.pk, "reviewer": reviewer.pk, "score": "11"}
    response = admin_client.post(url(Review, "add"), data)
    assert response.status_code == 200
    assert "errorlist" in field_row(response.text, "score")
    assert Review.objects.count() == 0


def test_it_warns_when_a_declared_conflict_meets_an_assigned_review(admin_client):
    review = ReviewFactory()
    data = {"proposal": review.proposal.pk, "reviewer": review.reviewer.pk, "reason": "Co-author"}
    page = admin_client.post(url(ConflictOfInterest, "add"), data, follow=True).text
    assert "already reviews" in page and "remove that review" in page
    assert ConflictOfInterest.objects.count() == 1


# --- Calls ------------------------------------------------------------------------------


def test_it_shows_a_calls_summary_and_proposals(admin_client):
    call = CallFactory()
    adopted = ProposalFactory(call=call, status="adopted", panel_score=Decimal(8))
    ProposalFactory(call=call, ref="P-WAITING", panel_score=Decimal(7))
    ProposalFactory(call=call, ref="P-LOW", panel_score=Decimal(4))
    ProposalFactory(call=call, status="withdrawn", panel_score=Decimal(9))  # not received
    page = admin_client.get(url(Call, "change", call.pk)).text
    start = page.index('class="call-summary"')
    summary = page[start : page.index("</table>", start)]
    # received 3, adopted 1, rate 33.3 %, adoptable 2, adoptable but not adopted 1
    cells = ["<td>3</td>", "<td>1</td>", "<td>33.3</td>", "<td>2</td>", "<td>1</td>"]
    assert "".join(cells) in summary.replace("\n", "").replace(" ", "")
    # the proposals, best first, each with its final score, adoptability, status and link
    assert page.index(adopted.ref) < page.index("P-WAITING") < page.index("P-LOW")
    assert "8.00" in page and "Adopted" in page
    assert url(Proposal, "change", adopted.pk) in page


def test_it_lists_calls_with_their_figures(admin_client):
    call = CallFactory()
    ProposalFactory(call=call, status="adopted", panel_score=Decimal(8))
    ProposalFactory(call=call, panel_score=Decimal(7))
    ProposalFactory(call=call, status="withdrawn")
    row = admin_client.get(url(Call)).context["cl"].result_list[0]
    assert (row.received, row.adopted, row.adoptable) == (2, 1, 2)


def test_it_filters_calls_by_status_on_their_dates(admin_client):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    CallFactory(code="PLANNED", open_date=today + day, close_date=today + 9 * day)
    CallFactory(code="OPEN", open_date=today - day, close_date=today)
    CallFactory(code="CLOSED", open_date=today - 9 * day, close_date=today - day)
    for status in ("planned", "open", "closed"):
        response = admin_client.get(url(Call) + f"?status={status}")
        assert [call.code for call in response.context["cl"].result_list] == [status.upper()]


@pytest.mark.parametrize("calls", [10, 200])
def test_it_lists_calls_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, calls
):
    programs = ProgramFactory.create_batch(2)
    for n in range(calls):
        opens = datetime.date(2020 + n % 5, 1 + n % 12, 1)
        call = CallFactory(program=programs[n % 2], open_date=opens, close_date=opens)
        ProposalFactory(call=call, panel_score=Decimal(5 + n % 3))
    # 1 session, 2 user, 3 programs of the program filter, 4 count of the filtered list,
    # 5 count of all calls, 6 the page of calls with their programs, 7 the page's counts
    # received, adopted and adoptable (one grouped query over the page's calls, no
    # count per row), 8 first and last opening date, 9 the years of the date hierarchy
    # and the device that verified the session's second factor (django-otp)
    with django_assert_num_queries(10):
        response = admin_client.get(url(Call))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(calls, 100)


# --- Projects and annual reports ------------------------------------------------------


@pytest.mark.parametrize("reports", [10, 200])
def test_it_lists_reports_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, reports
):
    for n in range(reports):
        ReportFactory(fiscal_year=2022 + n % 3, status=["draft", "submitted"][n % 2])
    # 1 session, 2 user, 3 fiscal years of the fiscal-year filter, 4 programs of the
    # program filter, 5 count of the filtered list, 6 count of all reports, 7 the page of
    # reports with their projects
    # and the device that verified the session's second factor (django-otp)
    with django_assert_num_queries(8):
        response = admin_client.get(url(AnnualReport))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(reports, 100)


def test_it_keeps_a_pi_edit_made_while_staff_had_the_report_open(admin_client):
    report = ReportFactory(status="draft")
    change = url(AnnualReport, "change", report.pk)
    data = form_data(admin_client.get(change)) | {"staff_comment": "Add the DOI."}
    # Meanwhile the PI saves the travel costs: another field, so no conflict.
    reporting.save_details(report, report.version, {"travel_cost_yen": 120_000})
    assert admin_client.post(change, data).status_code == 302
    report.refresh_from_db()
    assert (report.staff_comment, report.travel_cost_yen, report.version) == (
        "Add the DOI.",
        120_000,
        3,
    )


def test_it_refuses_a_staff_edit_of_a_field_a_pi_changed_since_showing_both(admin_client):
    report = ReportFactory(status="draft", travel_cost_yen=100_000)
    change = url(AnnualReport, "change", report.pk)
    data = form_data(admin_client.get(change)) | {"travel_cost_yen": "90000"}
    reporting.save_details(report, report.version, {"travel_cost_yen": 120_000})
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "theirs “120000”, yours “90000”" in response.text
    report.refresh_from_db()
    assert report.travel_cost_yen == 120_000


def test_it_reverts_a_report_from_its_history_as_a_new_version(
    transactional_db, admin_client, admin_user
):
    # transactional_db: no test transaction around the request, as in production, where
    # the revert's row lock needs the transaction the history admin opens.
    report = ReportFactory(status="draft", staff_comment="Add the DOI.")
    first = report.history.get()
    report.staff_comment = "Changed my mind."
    report.save()
    revert = url(AnnualReport, "simple_history", report.pk, first.history_id)
    data = form_data(admin_client.get(revert))
    assert data["staff_comment"] == "Add the DOI." and data["seen_version"] == 2
    assert admin_client.post(revert, data).status_code == 302
    report.refresh_from_db()
    assert (report.staff_comment, report.version) == ("Add the DOI.", 3)  # never back to 1
    assert report.history.first().history_user == admin_user


def test_it_makes_a_new_row_version_when_staff_edit_an_output(admin_client):
    paper = PaperFactory(report__status="draft")
    change = url(Paper, "change", paper.pk)
    data = form_data(admin_client.get(change)) | {"journal": "Cell"}
    assert admin_client.post(change, data).status_code == 302
    paper.refresh_from_db()
    assert (paper.journal, paper.version) == ("Cell", 2)


def test_it_refuses_a_duplicate_paper_with_a_message_not_a_crash(admin_client):
    paper = PaperFactory(doi="10.1/x", report__status="draft")
    data = {
        "report": paper.report.pk,
        "doi": "10.1/X",
        "title": "Same paper",
        "published_on": "2024-06-01",
        "international_coauthored": "on",
    }
    response = admin_client.post(url(Paper, "add"), data)
    assert response.status_code == 200
    assert "already reported for this project" in response.text
    assert Paper.objects.count() == 1


def test_it_marks_a_proposal_adopted_when_staff_add_its_project_by_hand(admin_client):
    proposal = ProposalFactory(status="under_review")
    withdrawn = ProposalFactory(status="withdrawn")
    data = {
        "proposal": withdrawn.pk,
        "code": "PJ-HAND",
        "title": "By hand",
        "start_date": "2025-04-01",
        "end_date": "2028-03-31",
    }
    for prefix in ("budgets", "memberships", "hubs"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = admin_client.post(url(Project, "add"), data)
    assert "was withdrawn and cannot be adopted" in field_row(response.text, "proposal")
    response = admin_client.post(url(Project, "add"), data | {"proposal": proposal.pk})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "adopted" and Project.objects.get().proposal == proposal


# --- People ------------------------------------------------------------------------------


def test_it_makes_an_email_user_without_a_username(admin_client):
    data = {
        "email": "reviewer@example.org",
        "full_name": "Hanako Yamada",
        "institution": "Kyoto University",
        "usable_password": "true",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }
    assert admin_client.post(url(User, "add"), data).status_code == 302
    user = User.objects.get(email="reviewer@example.org")
    assert user.check_password("a-long-enough-passphrase")
    assert user.institution == "Kyoto University"


def test_it_edits_a_user_and_offers_to_set_their_password(admin_client):
    user = UserFactory(institution="")
    change = url(User, "change", user.pk)
    data = form_data(admin_client.get(change)) | {"institution": "Osaka University"}
    assert admin_client.post(change, data).status_code == 302
    user.refresh_from_db()
    assert user.institution == "Osaka University" and user.check_password("secret-password")
    password = reverse("admin:auth_user_password_change", args=[user.pk])  # Django's name
    assert admin_client.get(password).status_code == 200


def test_it_lists_users_with_their_roles_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries
):
    UserFactory.create_batch(5, roles=["reviewer", "pi"])
    # 1 session, 2 user, 3 groups of the group filter, 4 count of the filtered list,
    # 5 count of all users, 6 the page of users, 7 their groups (one query for the page)
    # and the device that verified the session's second factor (django-otp)
    with django_assert_num_queries(8):
        page = admin_client.get(url(User)).text
    assert page.count("Principal investigator") >= 5 and page.count("Reviewer") >= 5


def test_it_lets_the_committee_read_the_admin_but_not_reviews(client):
    sign_in(client, UserFactory(roles=["committee"], is_staff=True))
    assert client.get(url(Proposal)).status_code == 200
    assert client.get(url(Proposal, "add")).status_code == 403
    assert client.get(url(Review)).status_code == 403


def test_it_lets_program_staff_manage_the_program_data(client):
    sign_in(client, UserFactory(roles=["staff"], is_staff=True))
    assert client.get(url(Proposal, "add")).status_code == 200
    assert client.get(url(Review)).status_code == 200
    action_form = client.get(url(Proposal)).context["action_form"]
    actions = [name for name, _label in action_form.fields["action"].choices]
    assert {"adopt", "reject"} <= set(actions)
