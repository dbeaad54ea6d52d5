"""Codes (issue 17): one character set at every door, never changed through the API, and
renamed by staff in the admin with the old code still leading to the record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import create_client
from calls.models import Call, Proposal
from exchange.services import import_table
from programs import codes
from programs.models import FormerCode, FundingAgency, Program
from projects.models import Project
from projects.services import adopt
from tests.conftest import sign_in
from tests.factories import (
    AgencyFactory,
    CallFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def rename_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_rename", args=[record.pk])


def change_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def api_for(*programs) -> APIClient:
    name = "ris-" + "-".join(program.code for program in programs)
    _client, key = create_client(name, can_write=True, programs=programs)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@pytest.mark.parametrize("factory", [AgencyFactory, ProgramFactory, CallFactory, ProjectFactory])
def test_it_renames_a_code_in_the_admin_and_keeps_the_old_one_leading_there(
    admin_client, admin_user, factory
):
    record = factory(code="OLD-1")
    response = admin_client.post(rename_url(record), {"code": "NEW-1"}, follow=True)
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.code == "NEW-1"
    former = FormerCode.objects.get()
    assert (former.code, former.renamed_to, former.renamed_by) == ("OLD-1", "NEW-1", admin_user)
    assert codes.current_code(type(record), "old-1") == "NEW-1"  # case aside, as codes are
    assert "OLD-1" in admin_client.get(change_url(record)).text  # "formerly OLD-1"


@pytest.mark.parametrize("code", ["A B/C", "", "-lead", "x" * 41])
def test_it_refuses_a_code_outside_the_character_set_and_changes_nothing(admin_client, code):
    agency = AgencyFactory(code="NWO")
    response = admin_client.post(rename_url(agency), {"code": code})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    agency.refresh_from_db()
    assert agency.code == "NWO" and not FormerCode.objects.exists()


def test_it_refuses_a_code_another_record_has_or_had(admin_client):
    AgencyFactory(code="DFG")
    nwo, anr = AgencyFactory(code="NWO"), AgencyFactory(code="ANR")
    codes.rename(anr, "ANR-FR")  # ANR still names it
    for taken in ("dfg", "ANR"):
        response = admin_client.post(rename_url(nwo), {"code": taken})
        assert response.context["form"].errors["code"], taken
    nwo.refresh_from_db()
    assert nwo.code == "NWO" and FormerCode.objects.count() == 1


def test_it_follows_a_chain_of_renames_and_a_rename_back():
    program = ProgramFactory(code="P1")
    codes.rename(program, "P2")
    codes.rename(program, "P3")
    assert codes.current_code(Program, "P1") == codes.current_code(Program, "P2") == "P3"
    codes.rename(program, "P1")  # back: P1 is the code again, no longer a former one
    assert codes.current_code(Program, "P1") is None
    assert codes.former_codes(program) == ["P2", "P3"]


def test_it_keeps_the_rename_in_the_records_history(admin_client):
    project = ProjectFactory(code="ASPIRE-1")
    admin_client.post(rename_url(project), {"code": "ASPIRE-01"})
    latest = Project.history.filter(id=project.pk).latest("history_date")
    assert latest.code == "ASPIRE-01" and "ASPIRE-1" in latest.history_change_reason


def test_it_shows_the_code_read_only_on_the_change_page(admin_client):
    call = CallFactory(code="JC-2024")
    response = admin_client.get(change_url(call))
    assert "code" not in response.context["adminform"].form.fields
    assert rename_url(call) in response.text


def test_it_refuses_an_invalid_code_when_staff_add_a_record(admin_client):
    url = reverse("admin:programs_fundingagency_add")
    response = admin_client.post(url, {"code": "A B/C", "name": "X", "country": "NL"})
    assert response.status_code == 200 and response.context["adminform"].form.errors["code"]
    assert not FundingAgency.objects.filter(name="X").exists()


def test_it_lets_only_those_who_may_change_rename(client):
    sign_in(client, UserFactory(roles=["committee"], is_staff=True))
    call = CallFactory(code="JC-1")
    assert client.post(rename_url(call), {"code": "JC-2"}).status_code == 403
    assert Call.objects.get().code == "JC-1"


def test_it_offers_the_rename_button_only_to_those_who_may_rename(client):
    codes.rename(call := CallFactory(code="JC-1"), "JC-2", UserFactory())
    sign_in(client, UserFactory(roles=["committee"], is_staff=True))
    page = client.get(change_url(call)).text
    assert "JC-2" in page and "JC-1" in page and rename_url(call) not in page


def test_it_answers_the_old_address_in_the_api_with_the_new_one():
    agency = AgencyFactory(code="NWO")
    codes.rename(agency, "NWO-NL")
    api = api_for()
    response = api.get("/api/v1/agencies/NWO/?format=json")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/agencies/NWO-NL/?format=json")
    assert response.json()["code"] == "moved"
    write = api.patch("/api/v1/agencies/NWO/", {"name": "Dutch"}, format="json")
    assert write.status_code == 308  # the method kept: the client sends it again there
    assert FundingAgency.objects.get().name != "Dutch"
    assert api.get("/api/v1/agencies/NWO-NL/").status_code == 200
    assert api.get("/api/v1/agencies/NOPE/").status_code == 404


def test_it_filters_by_a_renamed_code_as_by_the_new_one():
    call = CallFactory(program=ProgramFactory(code="WPI"))
    CallFactory()  # another program's
    codes.rename(call.program, "WPI-2")
    api = api_for()
    for code in ("WPI", "WPI-2"):
        listed = api.get(f"/api/v1/calls/?program={code}").json()["results"]
        assert [row["code"] for row in listed] == [call.code], code
    assert api.get("/api/v1/calls/?program=NOPE").status_code == 404
    scoped = api_for(ProgramFactory(code="MINE"))
    refused = scoped.get("/api/v1/calls/?program=WPI")  # another program's, renamed
    assert refused.status_code == 404 and "WPI-2" not in refused.text


def test_it_does_not_reveal_a_renamed_record_the_key_may_not_read():
    mine, theirs = ProgramFactory(code="MINE"), ProgramFactory(code="THEIRS")
    codes.rename(theirs, "THEIRS-2")
    api = api_for(mine)
    assert api.get("/api/v1/programs/THEIRS/").status_code == 404
    codes.rename(mine, "MINE-2")
    assert api.get("/api/v1/programs/MINE/").status_code == 301


# --- Pages follow renames (a user who may not see the record gets what an unknown code gets)


def test_it_sends_a_dashboard_under_a_former_code_to_its_code_now(client):
    sign_in(client, UserFactory(roles=["committee"], is_staff=True))
    codes.rename(ProgramFactory(code="WPI"), "WPI-2")
    old = reverse("evaluations:dashboard", args=["WPI"]) + "?as_of=2025-03-31"
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/evaluations/WPI-2/?as_of=2025-03-31"
    figure = reverse("evaluations:figure", args=["WPI", "g1.adoption_rate"])
    moved = client.get(figure)
    assert moved.status_code == 301
    assert moved["Location"] == "/evaluations/WPI-2/figures/g1.adoption_rate/"
    assert client.get(reverse("evaluations:dashboard", args=["NOPE"])).status_code == 404
    unknown = reverse("evaluations:figure", args=["WPI", "g9.no_such_figure"])
    assert client.get(unknown).status_code == 404  # as under the code now


def test_it_tells_a_user_who_may_not_read_figures_nothing_of_a_rename(client):
    sign_in(client, UserFactory(roles=["pi"]))
    codes.rename(ProgramFactory(code="WPI"), "WPI-2")
    old = client.get(reverse("evaluations:dashboard", args=["WPI"]))
    unknown = client.get(reverse("evaluations:dashboard", args=["NOPE"]))
    assert old.status_code == unknown.status_code == 403
    assert "WPI-2" not in old.text


def test_it_sends_an_export_link_under_a_former_program_code_on(admin_client):
    codes.rename(ProgramFactory(code="WPI"), "WPI-2")
    url = reverse("exchange:export", args=["calls"])
    response = admin_client.get(url + "?format=csv&program=WPI")
    assert response.status_code == 301
    assert response["Location"] == url + "?format=csv&program=WPI-2"
    assert admin_client.get(response["Location"]).status_code == 200


def test_it_answers_a_program_address_under_a_former_code_in_the_api():
    mine, theirs = ProgramFactory(code="MINE"), ProgramFactory(code="THEIRS")
    codes.rename(mine, "MINE-2")
    codes.rename(theirs, "THEIRS-2")
    api = api_for(mine)
    response = api.get("/api/v1/programs/MINE/indicators/?as_of=2025-03-31")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/programs/MINE-2/indicators/?as_of=2025-03-31")
    archive = api.get("/api/v1/programs/MINE/archive/")
    assert archive.status_code == 301 and "/programs/MINE-2/archive/" in archive["Location"]
    gains = api.get("/api/v1/programs/MINE/survey-gains/")
    assert gains.status_code == 301 and "/programs/MINE-2/survey-gains/" in gains["Location"]
    refused = api.get("/api/v1/programs/THEIRS/indicators/")
    assert refused.status_code == 404 and "THEIRS-2" not in refused.text


# --- Every door that makes a record refuses a code another record has or had ----------


@pytest.fixture
def taken():
    """NWO is an agency's code; ANR was one's, now ANR-FR."""
    AgencyFactory(code="NWO")
    codes.rename(AgencyFactory(code="ANR"), "ANR-FR")


TAKEN = ["nwo", "ANR", "anr"]  # another's in another case, another's before a rename


@pytest.mark.parametrize("code", TAKEN)
def test_it_refuses_a_taken_code_in_the_admins_add_page(admin_client, taken, code):
    url = reverse("admin:programs_fundingagency_add")
    response = admin_client.post(url, {"code": code, "name": "X", "country": "NL"})
    assert response.status_code == 200
    assert code in response.context["adminform"].form.errors["code"][0]
    assert FundingAgency.objects.count() == 2


@pytest.mark.parametrize("code", TAKEN)
def test_it_refuses_a_taken_code_in_an_import(taken, code):
    result = import_table("agencies", [{"code": code, "name": "X", "country": "NL"}])
    assert len(result.errors) == 1 and result.errors[0].startswith("row 2, column code:")
    assert FundingAgency.objects.count() == 2


@pytest.mark.parametrize("code", TAKEN)
def test_it_refuses_a_taken_code_in_the_api_as_a_duplicate(taken, code):
    response = api_for().post(
        "/api/v1/agencies/", {"code": code, "name": "X", "country": "NL"}, format="json"
    )
    assert response.status_code == 409, response.json()
    assert "ANR-FR" not in response.text  # never which record it names
    assert FundingAgency.objects.count() == 2


def test_it_refuses_to_adopt_into_a_code_a_project_had():
    codes.rename(ProjectFactory(code="P-1"), "P-1A")
    proposal = ProposalFactory(ref="P-1", panel_score=8)
    with pytest.raises(ValidationError) as refused:
        adopt(proposal)
    assert "P-1" in refused.value.message_dict["code"][0]
    assert Proposal.objects.get(pk=proposal.pk).status != "adopted"
    assert Project.objects.count() == 1


def test_it_imports_a_row_naming_a_renamed_record_as_naming_it():
    """A reference by a former code (a file exported before the rename) finds the record;
    only the record's own key may not be a former code."""
    program = ProgramFactory(code="WPI")
    codes.rename(program, "WPI-2")
    row = {"program": "WPI", "code": "C-1", "kind": "joint", "title": "First call"}
    result = import_table("calls", [row])
    assert not result.errors and Call.objects.get(code="C-1").program == program


def test_it_imports_proposals_naming_a_renamed_call_as_naming_it():
    """The batched import of proposals (exchange/batches.py) follows a rename as well."""
    call = CallFactory(code="JC-1")
    codes.rename(call, "JC-1A")
    row = {"call": "JC-1", "ref": "R-1", "title": "T", "status": "submitted", "jp_pi_name": "A"}
    result = import_table("proposals", [row])
    assert not result.errors and Proposal.objects.get(ref="R-1").call == call
