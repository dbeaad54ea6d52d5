"""Codes (issue 17): one character set at every door, never changed through the API, and
renamed by staff in the admin with the old code still leading to the record."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import create_client
from calls.models import Call
from programs import codes
from programs.models import FormerCode, FundingAgency, Program
from projects.models import Project
from tests.conftest import sign_in
from tests.factories import AgencyFactory, CallFactory, ProgramFactory, ProjectFactory, UserFactory

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
