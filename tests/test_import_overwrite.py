"""An older file never silently undoes a newer edit (issue 11): an import that would change
a record someone changed after the file was exported (an XLSX of ours records when) or
after its preview lists those rows, field by field, and needs an explicit choice."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls.models import Proposal
from exchange.services import export_table, import_file, write_csv, write_xlsx
from tests.factories import ProposalFactory

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]


@pytest.fixture
def proposal():
    return ProposalFactory(panel_score=Decimal("5.00"))


def exported_xlsx() -> bytes:
    header, rows = export_table("proposals")
    return write_xlsx([header, *rows])


def changed_in_the_admin(proposal, score: str) -> None:
    proposal.panel_score = Decimal(score)
    proposal.save()


def upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_it_refuses_an_older_file_over_a_newer_edit_until_told(proposal):
    old = exported_xlsx()  # the score is 5.00 in the file
    changed_in_the_admin(proposal, "7.50")
    result = import_file("proposals", old, "proposals.xlsx")
    assert len(result.errors) == 1
    assert "after this file was exported" in result.errors[0]
    assert Proposal.objects.get().panel_score == Decimal("7.50")  # nothing written
    result = import_file("proposals", old, "proposals.xlsx", overwrite=True)
    assert (result.errors, result.updated) == ([], 1)
    assert Proposal.objects.get().panel_score == Decimal("5.00")


def test_it_lists_what_a_file_changes_field_by_field(proposal):
    header, rows = export_table("proposals")
    score = header.index("panel_score")
    rows[0][score] = "8.25"
    result = import_file("proposals", write_csv([header, *rows]), "p.csv", dry_run=True)
    (change,) = result.changes
    assert (change.row, change.record, change.fields) == (
        2,
        proposal.ref,
        [("panel score", "5.00", "8.25")],
    )
    assert result.stale == []  # nobody changed it since


def test_it_lets_an_unchanged_record_through_an_old_file(proposal):
    old = exported_xlsx()
    result = import_file("proposals", old, "proposals.xlsx")
    assert (result.errors, result.unchanged) == ([], 1)


def test_it_asks_in_the_admin_before_replacing_a_newer_edit(admin_client, proposal):
    old = exported_xlsx()
    changed_in_the_admin(proposal, "7.50")
    path = reverse("exchange:import", args=["proposals"])
    preview = admin_client.post(path, {"file": upload(old, "proposals.xlsx")})
    page = preview.text
    assert "changed by someone after this file was exported" in page
    assert 'name="overwrite"' in page
    assert "<td>7.50</td><td><strong>5.00</strong></td>" in page
    token = preview.context["token"]
    refused = admin_client.post(path, {"token": token})
    assert refused.status_code == 400
    assert Proposal.objects.get().panel_score == Decimal("7.50")
    preview = admin_client.post(path, {"file": upload(old, "proposals.xlsx")})
    done = admin_client.post(path, {"token": preview.context["token"], "overwrite": "1"})
    assert done.status_code == 302
    assert Proposal.objects.get().panel_score == Decimal("5.00")


def test_it_refuses_a_confirmation_over_an_edit_made_after_the_preview(admin_client, proposal):
    header, rows = export_table("proposals")
    rows[0][header.index("title")] = "From the file"
    path = reverse("exchange:import", args=["proposals"])
    preview = admin_client.post(path, {"file": upload(write_csv([header, *rows]), "p.csv")})
    assert preview.context["result"].stale == []
    changed_in_the_admin(proposal, "9.00")  # while the preview was open
    response = admin_client.post(path, {"token": preview.context["token"], "overwrite": "1"})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert (proposal.title, proposal.panel_score) != ("From the file", Decimal("9.00"))
    assert proposal.panel_score == Decimal("9.00")


def test_it_refuses_in_the_command_until_told_to_overwrite(proposal, tmp_path):
    path = tmp_path / "proposals.xlsx"
    path.write_bytes(exported_xlsx())
    changed_in_the_admin(proposal, "7.50")
    with pytest.raises(CommandError):
        call_command(
            "import_data", "proposals", str(path), stdout=io.StringIO(), stderr=io.StringIO()
        )
    call_command("import_data", "proposals", str(path), "--overwrite", stdout=io.StringIO())
    assert Proposal.objects.get().panel_score == Decimal("5.00")
