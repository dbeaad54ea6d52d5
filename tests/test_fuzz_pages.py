"""Hostile values posted to the pages' forms and uploads (issue 12), beside schemathesis's
test of the API: NUL, huge strings, odd unicode, wrong types, missing and extra fields.
Whatever is sent, the answer is never a server error (the test client raises one), and an
answer that refuses (4xx, or an error message) has written nothing."""

import csv
import datetime
import io

import pytest
from django.contrib.messages import constants, get_messages
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from calls.models import ConflictOfInterest, Review, ReviewPhase
from evaluations import services
from evaluations.models import (
    CommitteeMember,
    Evaluation,
    EvaluationReport,
    GoalAssessment,
    Opinion,
)
from exchange.kinds import KINDS
from exchange.services import write_xlsx
from exchange.views import SECTION_KINDS
from programs.models import FundingAgency, Program
from projects.models import (
    AnnualReport,
    DraftOutput,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    ProjectMember,
    SurveyAnswer,
)
from projects.views import SECTIONS
from tests.conftest import sign_in
from tests.factories import (
    MemberFactory,
    ProgramFactory,
    ReportFactory,
    ReviewFactory,
    UserFactory,
)

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]


def fuzz(examples: int) -> settings:
    """Few examples: a page that refuses re-renders itself, a few tenths of a second each."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # no .hypothesis folder in the project
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


ODD = [
    "\x00",
    "a\x00b",
    '=HYPERLINK("https://evil.example","x")',
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2024-02-30",
    "9999-12-31",
    "０１２",  # full-width digits
    "\u202eevil",  # right-to-left override
    "🙂" * 30,
    " ",
    "on",
    "true",
    "<script>alert(1)</script>",
    "'; DROP TABLE projects_paper; --",
]
VALUE = st.one_of(
    st.sampled_from(ODD),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.just("x" * 200_001),
    st.integers().map(str),
    st.floats().map(str),
)
EXTRA = st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), VALUE, max_size=2)


def form_data(names: list[str], prefix: str = "") -> st.SearchStrategy[dict]:
    """Any subset of a form's fields with hostile values, and maybe a few fields more."""
    fields = st.fixed_dictionaries({}, optional={f"{prefix}{name}": VALUE for name in names})
    return st.builds(lambda data, extra: extra | data, fields, EXTRA)


def written() -> dict:
    """Every table the fuzzed pages may write, history included: what a refusal must leave."""
    models = [Paper, Presentation, Event, Exchange, Hub, LabStatistic, SurveyAnswer]
    models += [ProjectMember, DraftOutput, Opinion, EvaluationReport, FundingAgency, Program]
    models += [Review, ConflictOfInterest]
    found = {model.__name__: model.objects.count() for model in models}
    for model in [AnnualReport, Paper, Exchange, GoalAssessment, Evaluation, Opinion, Review]:
        found[f"{model.__name__} history"] = model.history.count()
    found["report versions"] = list(AnnualReport.objects.values_list("version", flat=True))
    return found


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    levels = [message.level for message in get_messages(response.wsgi_request)]
    return any(level >= constants.WARNING for level in levels)


def check(client: Client, url: str, data: dict) -> None:
    before = written()
    client.cookies.pop("messages", None)  # only this request's messages tell its outcome
    response = client.post(url, data)
    assert response.status_code < 500
    assert "/accounts/" not in response.get("Location", "")  # the view itself answered
    if refused(response):
        assert written() == before, "a refused request wrote something"


@pytest.fixture
def pi_client():
    report = ReportFactory(status="draft")
    client = Client()
    client.force_login(MemberFactory(project=report.project).user)
    return client, report


# --- The PI's report -----------------------------------------------------------------------


def test_it_survives_any_row_posted_to_a_report_section(pi_client):
    client, report = pi_client

    @fuzz(10)
    @given(section=st.sampled_from(list(SECTIONS)), draw=st.data(), real_version=st.booleans())
    def run(section, draw, real_version):
        names = [*SECTIONS[section].form.Meta.fields, "version"]
        data = draw.draw(form_data(names, prefix=f"{section}-"))
        if real_version:
            report.refresh_from_db()
            data[f"{section}-version"] = str(report.version)
        check(client, f"/reports/{report.pk}/{section}/add/", data)

    run()


def test_it_survives_any_report_details_and_pasted_rows(pi_client):
    client, report = pi_client
    names = ["buyout_used", "buyout_reason", "travel_trips", "travel_cost_yen", "version"]

    @fuzz(6)
    @given(details=form_data(names, prefix="details-"), pasted=form_data(["paste", "kind"]))
    def run(details, pasted):
        check(client, f"/reports/{report.pk}/details/", details)
        check(client, f"/reports/{report.pk}/import/", pasted)

    run()


CELL = st.one_of(st.sampled_from(ODD), st.text(st.characters(exclude_categories=("Cs",))))


def hostile_file(columns: list[str]) -> st.SearchStrategy[tuple[bytes, str]]:
    """A file of the contract's columns (some, maybe unknown ones) with hostile cells, as
    CSV or XLSX; or bytes that are no table at all; under any name."""
    header = st.lists(st.sampled_from([*columns, "nonsense", ""]), min_size=1, max_size=12)
    rows = st.lists(st.lists(CELL, max_size=12), max_size=4)

    def table(header, rows, as_xlsx):
        lines = [header, *rows]
        if as_xlsx:  # XML holds no control characters: a workbook cannot carry them
            lines = [[ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in line] for line in lines]
            return write_xlsx(lines), "data.xlsx"
        out = io.StringIO()
        csv.writer(out).writerows(lines)
        return out.getvalue().encode(), "data.csv"

    junk = st.tuples(st.binary(max_size=200), st.sampled_from(["a.csv", "a.xlsx", "a.exe", ""]))
    return st.one_of(st.builds(table, header, rows, st.booleans()), junk)


def file_of(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name or "upload"
    return file


def test_it_survives_any_file_uploaded_into_a_report(pi_client):
    client, report = pi_client

    @fuzz(12)
    @given(section=st.sampled_from(list(SECTION_KINDS)), draw=st.data(), extra=EXTRA)
    def run(section, draw, extra):
        columns = [column.name for column in KINDS[SECTION_KINDS[section]].columns]
        data = extra | {"file": file_of(*draw.draw(hostile_file(columns)))}
        check(client, f"/reports/{report.pk}/{section}/upload/", data)

    run()


def test_it_survives_any_member_form(pi_client):
    client, report = pi_client
    MemberFactory(project=report.project, role="member", user__roles=[])
    UserFactory(email="colleague@example.org")

    @fuzz(10)
    @given(data=form_data(["email", "remove"]))
    def run(data):
        check(client, f"/projects/{report.project.pk}/members/", data)

    run()


# --- The reviewer ------------------------------------------------------------------------


def test_it_survives_any_review_form():
    scored, declined = ReviewFactory(score=None), ReviewFactory(score=None)
    declined.reviewer = scored.reviewer
    declined.save()
    for review in (scored, declined):
        review.proposal.call.review_phase = ReviewPhase.REVIEWING
        review.proposal.call.save()
    client = Client()
    sign_in(client, scored.reviewer)

    @fuzz(10)
    @given(
        review=form_data(["version", "score", "comment", "draft", "submit"]),
        conflict=form_data(["reason"]),
    )
    def run(review, conflict):
        check(client, f"/reviews/proposals/{scored.proposal_id}/save/", review)
        if not Review.objects.filter(pk=declined.pk).exists():
            return  # declared by an earlier example: its page is a 404 now
        check(client, f"/reviews/proposals/{declined.proposal_id}/conflict/", conflict)

    run()


# --- The committee -----------------------------------------------------------------------


def test_it_survives_any_committee_form():
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
    )
    services.ensure_goal_assessments(evaluation)
    member = UserFactory(roles=["committee"])
    CommitteeMember.objects.create(evaluation=evaluation, name="Chair", role="chair", user=member)
    client = Client()
    sign_in(client, member)
    base = f"/evaluations/{evaluation.pk}"
    goal = form_data(["grade", "assessment", "future_directions", "seen"], prefix="goal1-")
    overall = form_data(["overall_grade", "overall_comment", "seen"])
    opinion = form_data(["goal", "text"], prefix="opinion2-")

    @fuzz(6)
    @given(goal=goal, overall=overall, opinion=opinion, file=form_data(["language", "format"]))
    def run(goal, overall, opinion, file):
        check(client, f"{base}/goals/1/", goal)
        check(client, f"{base}/overall/", overall)
        check(client, f"{base}/goals/2/opinions/", opinion)
        check(client, f"{base}/files/", file)

    run()


# --- The staff admin's import ------------------------------------------------------------


def test_it_survives_any_file_uploaded_to_the_admin_import(admin_client):
    @fuzz(12)
    @given(kind=st.sampled_from(list(KINDS)), draw=st.data(), token=st.one_of(st.none(), VALUE))
    def run(kind, draw, token):
        columns = [column.name for column in KINDS[kind].columns]
        upload = draw.draw(hostile_file(columns))
        data = {"file": file_of(*upload)} if token is None else {"token": token}
        check(admin_client, f"/admin/exchange/{kind}/import/", data)

    run()
