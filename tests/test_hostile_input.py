"""Input that used to crash or slip through (issue 12): a NUL byte in a file, a member id
that is no number, a cursor over countries, HTML-escaped mails, absurd targets, texts
without end and headers without end. Each is refused with a message and changes nothing."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import create_client
from evaluations import services
from evaluations.models import CommitteeMember, Evaluation, Opinion, Target
from exchange.services import import_file, write_csv
from programs.models import FundingAgency
from projects import reminders
from projects.models import Paper, ProjectMember, ReportingPeriod, ReportStatus
from tests.conftest import sign_in
from tests.factories import (
    AgencyFactory,
    MemberFactory,
    ProgramFactory,
    ReportFactory,
    TargetFactory,
    UserFactory,
)

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]

AGENCIES = "code,name,name_ja,country\n"


def upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def writer() -> APIClient:
    _client, key = create_client("loader", can_write=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


# --- A NUL byte in a file ---------------------------------------------------------------------


def test_it_names_the_row_of_a_nul_byte_in_the_staff_import(tmp_path: Path):
    path = tmp_path / "agencies.csv"
    path.write_bytes((AGENCIES + "NIH,National\x00Institutes,,US\n").encode())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "agencies", str(path), stderr=err)
    assert err.getvalue().strip() == "row 2, column name: a NUL character, which no text may hold."
    assert not FundingAgency.objects.exists()


def test_it_shows_a_nul_byte_of_an_admin_upload_as_a_row_error(admin_client):
    content = (AGENCIES + "NIH,NIH,,US\nN\x00,NIH,,US\n").encode()
    url = reverse("exchange:import", args=["agencies"])
    response = admin_client.post(url, {"file": upload(content, "agencies.csv")})
    assert response.status_code == 400
    assert "row 3, column code: a NUL character" in response.text
    assert not FundingAgency.objects.exists()


def test_it_shows_a_nul_byte_of_a_pi_upload_as_a_row_error(client):
    report = ReportFactory(status=ReportStatus.DRAFT)
    client.force_login(MemberFactory(project=report.project).user)
    header = "project,fiscal_year,doi,title,journal,published_on,international_coauthored\n"
    row = f"{report.project.code},2024,,Joint\x00work,,2024-06-01,yes\n"
    response = client.post(
        reverse("report_upload", args=[report.pk, "papers"]),
        {"file": upload((header + row).encode(), "papers.csv")},
        follow=True,
    )
    assert response.status_code == 200
    assert "row 2, column title: a NUL character, which no text may hold." in response.text
    assert not Paper.objects.exists()


# --- Headers ----------------------------------------------------------------------------------


def test_it_refuses_a_header_of_twenty_thousand_columns_with_one_message():
    header = ",".join(f"c{n}" for n in range(20_000))
    result = import_file("agencies", header.encode(), "agencies.csv")
    assert result.errors == [
        "row 1, column -: the header has 20000 columns; no kind has more than 100."
    ]


def test_it_refuses_unknown_columns_of_a_file_without_rows():
    result = import_file("agencies", b"code,name,nmae_ja,country\n", "agencies.csv")
    assert result.errors == [
        "row 1, column nmae_ja: unknown column (a typo would lose data). Did you mean name_ja?"
    ]
    known = import_file("agencies", AGENCIES.encode(), "agencies.csv")
    assert (known.errors, known.created) == ([], 0)  # a header alone is an empty import


# --- Removing a member ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999", "1.5"])
def test_it_answers_a_removal_of_no_member_with_400_and_a_message(client, value):
    pi = MemberFactory()
    helper = MemberFactory(project=pi.project, role="member", user__roles=[])
    client.force_login(pi.user)
    url = reverse("projects:members", args=[pi.project.pk])
    response = client.post(url, {"remove": value})
    assert response.status_code == 400
    assert "This person is no member you can remove." in response.text
    assert ProjectMember.objects.filter(pk=helper.pk).exists()


def test_it_removes_a_member_but_never_the_pi(client):
    pi = MemberFactory()
    helper = MemberFactory(project=pi.project, role="member", user__roles=[])
    client.force_login(pi.user)
    url = reverse("projects:members", args=[pi.project.pk])
    assert client.post(url, {"remove": pi.pk}).status_code == 400
    assert client.post(url, {"remove": helper.pk}).status_code == 302
    assert list(ProjectMember.objects.all()) == [pi]


# --- Cursors over any column --------------------------------------------------------------


@pytest.mark.parametrize("ordering", ["country", "-country"])
def test_it_pages_agencies_by_country(ordering):
    for n in range(7):
        AgencyFactory(code=f"A{n}", country=["US", "GB", "FR"][n % 3])
    _client, key = create_client("analytics")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url, seen = f"/api/v1/agencies/?ordering={ordering}&page_size=2", []
    while url:
        page = api.get(url)
        assert page.status_code == 200  # was: 500, Country is not JSON serializable
        seen += [row["code"] for row in page.json()["results"]]
        url = page.json()["next"]
    assert sorted(seen) == [f"A{n}" for n in range(7)]
    countries = [FundingAgency.objects.get(code=code).country.code for code in seen]
    assert countries == sorted(countries, reverse=ordering.startswith("-"))


# --- Plain-text mails -------------------------------------------------------------------------


def test_it_mails_names_as_written_not_html_escaped(mailoutbox):
    report = ReportFactory(status=ReportStatus.DRAFT, project__code="A&B<1>'")
    ReportingPeriod.objects.create(
        program=report.project.proposal.call.program,
        fiscal_year=2024,
        opens_on="2025-04-01",
        due_on="2025-05-31",
    )
    MemberFactory(project=report.project, user__full_name="O'Neill & <Lab>", user__language="en")
    assert reminders.send_reminders(datetime.date(2025, 5, 24)) == 1
    (message,) = mailoutbox
    assert "Dear O'Neill & <Lab>," in message.body
    assert message.subject.endswith("of A&B<1>'")
    assert "&amp;" not in message.body + message.subject


# --- Targets --------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("value", "-1"), ("fiscal_year", 0)])
def test_it_refuses_absurd_targets_through_the_api(field, value):
    ProgramFactory(code="ASPIRE")
    body = {"program": "ASPIRE", "indicator": "g1.proposals", "fiscal_year": 2025, "value": 3}
    response = writer().post("/api/v1/targets/", body | {field: value}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert not Target.objects.exists()


def test_it_refuses_absurd_targets_in_the_model_and_the_import():
    target = TargetFactory.build(program=ProgramFactory(code="ASPIRE"), value=Decimal("-0.5"))
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert set(refused.value.message_dict) == {"value"}
    content = write_csv(
        [["program", "indicator", "fiscal_year", "value"], ["ASPIRE", "g1.proposals", "2025", "-3"]]
    )
    result = import_file("targets", content, "targets.csv")
    assert [error.split(":")[0] for error in result.errors] == ["row 2, column value"]
    assert not Target.objects.exists()


def test_it_refuses_a_target_of_fiscal_year_zero_in_the_admin(admin_client):
    program = ProgramFactory()
    data = {"program": program.pk, "indicator": "g1.proposals", "fiscal_year": 0, "value": 1}
    response = admin_client.post(reverse("admin:evaluations_target_add"), data)
    assert response.status_code == 200  # the form again, with the error next to the field
    assert response.context["adminform"].form.errors.keys() == {"fiscal_year"}
    assert not Target.objects.exists()


# --- Texts without end ------------------------------------------------------------------------


def test_it_refuses_an_opinion_of_a_million_characters(client):
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
    )
    services.ensure_goal_assessments(evaluation)
    user = UserFactory(roles=["committee"])
    CommitteeMember.objects.create(evaluation=evaluation, name="Member", user=user)
    sign_in(client, user)
    url = reverse("evaluations:opinion", args=[evaluation.pk, 1])
    response = client.post(url, {"opinion1-goal": 1, "opinion1-text": "x" * 1_000_000})
    assert response.status_code == 400
    assert "Ensure this value has at most 10000 characters" in response.text
    assert not Opinion.objects.exists()


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Opinion, "text", 10_000),
        (Evaluation, "overall_comment", 20_000),
        (Paper, "authors", 100_000),
    ],
)
def test_it_limits_free_texts_in_the_model(model, field, limit):
    """So that the admin, the import and the API refuse them as the pages do."""
    instance = model(**{field: "x" * (limit + 1)})
    with pytest.raises(ValidationError) as refused:
        instance.clean_fields()  # what full_clean() asks of every field first
    assert f"at most {limit} characters" in " ".join(refused.value.message_dict[field])
