"""The audit log: exports, downloads and API writes, with who, what, when and from where;
read by staff in the admin, never changed there; one INSERT per event, none per read."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient as Client

from api.services import create_client
from audit.models import AuditEntry
from evaluations.models import CommitteeMember, Evaluation, EvaluationReport, ReportFileStatus
from exchange.services import export_table
from tests.conftest import sign_in
from tests.factories import AgencyFactory, PaperFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

AUDIT_LIST = reverse("admin:audit_auditentry_changelist")


def keyed(key: str) -> Client:
    api = Client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def audit_inserts(queries: CaptureQueriesContext) -> int:
    return sum('INSERT INTO "audit_auditentry"' in q["sql"] for q in queries.captured_queries)


# --- Exports and downloads ---------------------------------------------------------------


def test_it_logs_an_export_from_the_admin(admin_client, admin_user):
    program = ProgramFactory(code="ASPIRE")
    AgencyFactory.create_batch(3)
    url = reverse("exchange:export", args=["agencies"])
    admin_client.get(url)  # the page to choose a format exports nothing
    assert not AuditEntry.objects.exists()
    response = admin_client.get(url, {"format": "xlsx", "program": "ASPIRE"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.actor, entry.address) == (admin_user, admin_user.email, "127.0.0.1")
    assert (entry.action, entry.channel, entry.kind) == ("export", "admin", "agencies")
    assert (entry.filters, entry.format) == ({"program": "ASPIRE"}, "xlsx")
    assert entry.rows == len(export_table("agencies", program)[1]) == 1  # its managing agency
    assert program.code in entry.target
    assert abs(timezone.now() - entry.at) < datetime.timedelta(minutes=1)


def test_it_logs_nothing_for_a_refused_export(admin_client):
    url = reverse("exchange:export", args=["agencies"])
    assert admin_client.get(url, {"format": "csv", "program": "NOPE"}).status_code == 400
    assert not AuditEntry.objects.exists()


def test_it_logs_the_export_command(tmp_path):
    AgencyFactory.create_batch(2)
    call_command("export_data", "agencies", stdout=io.StringIO())
    output = tmp_path / "agencies.xlsx"
    call_command("export_data", "agencies", "--output", str(output), stderr=io.StringIO())
    to_stdout, to_file = AuditEntry.objects.order_by("pk")
    assert (to_stdout.channel, to_stdout.format, to_stdout.rows) == ("command", "csv", 2)
    assert to_stdout.actor.startswith("command line: ") and to_stdout.user is None
    assert (to_file.format, to_file.target) == ("xlsx", str(output))


def test_it_logs_a_download_of_the_evaluation_report(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
    )
    member = UserFactory(roles=["committee"])
    CommitteeMember.objects.create(evaluation=evaluation, name="Member", user=member)
    done = EvaluationReport.objects.create(
        evaluation=evaluation, language="en", format="pdf", status=ReportFileStatus.DONE
    )
    done.file.save("report.pdf", ContentFile(b"%PDF-1.7"))
    sign_in(client, member)
    url = reverse("evaluations:download", args=[evaluation.pk, done.pk])
    response = client.get(url, REMOTE_ADDR="203.0.113.9")
    assert b"".join(response.streaming_content) == b"%PDF-1.7"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.channel, entry.user) == ("download", "page", member)
    assert (entry.kind, entry.format, entry.filters) == (
        "evaluation report",
        "pdf",
        {"language": "en"},
    )
    assert entry.address == "203.0.113.9"
    assert f"file {done.pk}" in entry.target


# --- The API -----------------------------------------------------------------------------


def test_it_logs_each_api_write_with_the_client_and_the_answer():
    client, key = create_client("loader", can_write=True)
    writer = keyed(key)
    data = {"code": "NIH", "name": "National Institutes of Health", "country": "US"}
    with CaptureQueriesContext(connection) as queries:
        assert writer.post("/api/v1/agencies/", data).status_code == 201
    assert audit_inserts(queries) == 1
    writer.patch("/api/v1/agencies/NIH/", {"name": "NIH"})
    writer.post("/api/v1/agencies/", {"code": "X", "name": "", "country": "ZZ"})  # 400
    writer.delete("/api/v1/agencies/NIH/")  # 405: agencies are never deleted
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.method, e.target, e.status) for e in entries] == [
        ("POST", "NIH", 201),
        ("PATCH", "NIH", 200),
        ("POST", "", 400),
        ("DELETE", "NIH", 405),
    ]
    first = entries[0]
    assert (first.action, first.channel, first.kind) == ("api_write", "api", "agencies")
    assert (first.client, first.user) == (client.prefix, None)
    assert first.actor == f"API client loader ({client.prefix})"


def test_it_logs_a_write_refused_to_a_read_key_and_a_signed_in_person():
    _client, key = create_client("reader")
    assert keyed(key).post("/api/v1/agencies/", {"code": "NIH"}).status_code == 403
    pi = UserFactory(roles=["pi"])
    api = Client()
    api.force_login(pi)
    assert api.post("/api/v1/targets/", {}).status_code == 403
    assert [(e.status, e.user) for e in AuditEntry.objects.order_by("pk")] == [
        (403, None),
        (403, pi),
    ]


def test_it_logs_nothing_for_a_write_without_a_valid_key():
    assert Client().post("/api/v1/agencies/", {"code": "NIH"}).status_code == 401
    assert keyed("abcd1234.wrong").post("/api/v1/agencies/", {}).status_code == 401
    assert not AuditEntry.objects.exists()


def test_it_logs_a_csv_export_of_the_api_but_no_read_in_json():
    PaperFactory.create_batch(3)
    _client, key = create_client("analytics")
    reader = keyed(key)
    with CaptureQueriesContext(connection) as queries:
        assert reader.get("/api/v1/papers/").status_code == 200
        assert reader.get(f"/api/v1/papers/{PaperFactory().pk}/").status_code == 200
    assert audit_inserts(queries) == 0
    assert not AuditEntry.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        response = reader.get("/api/v1/papers/?format=csv&fiscal_year=2024&page_size=2")
    assert response.status_code == 200 and audit_inserts(queries) == 1
    entry = AuditEntry.objects.get()
    # a download streams every row (page_size does not apply), logged before it is read
    assert (entry.action, entry.kind, entry.format, entry.rows) == ("export", "papers", "csv", None)
    assert entry.filters == {"fiscal_year": "2024", "page_size": "2"}


# --- Staff read it in the admin ----------------------------------------------------------


@pytest.fixture
def entries():
    staff = UserFactory(roles=["staff"], is_staff=True, email="officer@example.org")
    _client, key = create_client("loader", can_write=True)
    keyed(key).post("/api/v1/agencies/", {"code": "NIH", "name": "NIH", "country": "US"})
    call_command("export_data", "agencies", stdout=io.StringIO())
    old = AuditEntry.objects.create(
        action="export", channel="admin", kind="proposals", actor="former@example.org"
    )
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=400))
    return staff


def test_it_shows_staff_the_log_filtered_by_who_action_and_date(client, entries):
    sign_in(client, entries)
    page = client.get(AUDIT_LIST)
    assert page.status_code == 200
    assert "former@example.org" in page.text and "API client loader" in page.text
    writes = client.get(AUDIT_LIST, {"action__exact": "api_write"}).context["cl"].result_list
    assert [entry.kind for entry in writes] == ["agencies"]
    mine = client.get(AUDIT_LIST, {"actor": "former@example.org"}).context["cl"].result_list
    assert [entry.kind for entry in mine] == ["proposals"]
    since = (timezone.localtime() - datetime.timedelta(days=7)).isoformat()
    recent = client.get(AUDIT_LIST, {"at__gte": since}).context["cl"].result_list
    assert "proposals" not in [entry.kind for entry in recent] and len(recent) == 2


def test_it_never_lets_anyone_add_change_or_delete_an_entry(admin_client, entries):
    entry = AuditEntry.objects.order_by("pk").first()
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert admin_client.get(change).status_code == 200  # read only
    admin_client.post(change, {"actor": "someone else", "kind": "nothing"})
    assert AuditEntry.objects.get(pk=entry.pk).actor == entry.actor
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    action = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    admin_client.post(AUDIT_LIST, action)
    assert AuditEntry.objects.count() == 3


def test_it_keeps_the_log_from_everyone_but_staff(client, entries):
    committee = UserFactory(roles=["committee"], is_staff=True)
    sign_in(client, committee)
    assert client.get(AUDIT_LIST).status_code == 403
