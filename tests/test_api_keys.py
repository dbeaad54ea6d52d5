"""API keys: shown once outside any cookie, revoked for good, fixed rights, expiry, a scope
of programs, and the history of every client."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient as Client

from api import key_cache
from api.models import APIClient, FixedKeyError
from api.services import _hash, create_client, revoke
from audit.models import AuditEntry
from evaluations.models import Evaluation, Target
from programs.models import Program
from tests.conftest import api_with_key
from tests.factories import (
    AgencyFactory,
    CallFactory,
    EventFactory,
    ExchangeFactory,
    HubFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ProjectFactory,
    ReportFactory,
    ReviewFactory,
    TargetFactory,
    UserFactory,
)
from tests.test_outages import REDIS_DOWN

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_apiclient_add")
LIST = reverse("admin:api_apiclient_changelist")


keyed = api_with_key  # a client of a key this file made with its own options


def change_url(client: APIClient) -> str:
    return reverse("admin:api_apiclient_change", args=[client.pk])


def in_the_future(days: int = 30) -> dict:
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return {"expires_at_0": moment.date().isoformat(), "expires_at_1": "12:00:00"}


def make_in_the_admin(admin_client, **data):
    return admin_client.post(ADD, {"name": "portal", **in_the_future(), **data})


# --- Shown once, outside cookies ------------------------------------------------------------


def test_it_shows_a_new_key_once_on_a_page_of_its_own_never_in_a_cookie(admin_client):
    response = make_in_the_admin(admin_client)
    assert response.status_code == 200  # the answer to the form itself, no redirect
    key = response.context["key"]
    assert key in response.text
    assert "no-store" in response["Cache-Control"]
    # Not in a message, a cookie or the session: they travel or stay readable.
    assert list(get_messages(response.wsgi_request)) == []
    assert all(key not in morsel.value for morsel in admin_client.cookies.values())
    assert all(key not in str(value) for value in admin_client.session.values())
    assert keyed(key).get("/api/v1/agencies/").status_code == 200
    client = APIClient.objects.get(name="portal")
    for page in (LIST, change_url(client)):
        assert key not in admin_client.get(page).text


def test_it_refuses_an_expiry_in_the_past_next_to_the_form(admin_client):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = make_in_the_admin(admin_client, expires_at_0=yesterday)
    assert response.status_code == 200
    assert "A key must expire in the future." in response.text
    assert not APIClient.objects.exists()


# --- Revocation is final, rights are fixed ----------------------------------------------


def test_it_changes_only_the_name_in_the_admin(admin_client):
    client, key = create_client("reader")
    revoke(client)
    revoked_at = APIClient.objects.get().revoked_at
    data = {"name": "renamed", "can_write": "on", "revoked_at_0": "", "revoked_at_1": ""}
    assert admin_client.post(change_url(client), data).status_code == 302
    client.refresh_from_db()
    assert (client.name, client.can_write, client.revoked_at) == ("renamed", False, revoked_at)
    assert keyed(key).get("/api/v1/agencies/").status_code == 401


def test_it_refuses_to_revive_or_widen_a_key_through_save():
    client, _key = create_client("reader", programs=[ProgramFactory()])
    for change in [
        {"can_write": True},
        {"program_ids": []},
        {"expires_at": client.expires_at + datetime.timedelta(days=365)},
    ]:
        fresh = APIClient.objects.get()
        for name, value in change.items():
            setattr(fresh, name, value)
        with pytest.raises(FixedKeyError):
            fresh.save()
    revoke(client)
    revived = APIClient.objects.get()
    revived.revoked_at = None
    with pytest.raises(FixedKeyError, match="revoked_at"):
        revived.save()
    assert APIClient.objects.get().revoked_at is not None


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": None},
        {"can_write": True},
        {"program_ids": []},
        {"expires_at": timezone.now() + datetime.timedelta(days=3650)},
        {"key_hash": "0" * 64},
    ],
)
def test_it_refuses_it_in_the_database_whatever_the_door(change):
    client, _key = create_client("reader", programs=[ProgramFactory()])
    revoke(client)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        APIClient.objects.filter(pk=client.pk).update(**change)
    # what may change still does: the name, the last use
    APIClient.objects.filter(pk=client.pk).update(name="renamed", last_used_at=timezone.now())


def test_it_revokes_by_an_action_recording_who_and_when(admin_client, admin_user):
    client, key = create_client("reader")
    action = {"action": "revoke", "_selected_action": [client.pk]}
    assert admin_client.post(LIST, action).status_code == 302
    client.refresh_from_db()
    assert client.revoked_by == admin_user and client.revoked_at is not None
    first = client.revoked_at
    admin_client.post(LIST, action)  # a second revocation leaves the first standing
    client.refresh_from_db()
    assert client.revoked_at == first
    response = keyed(key).get("/api/v1/agencies/")
    assert response.status_code == 401
    assert "This key was revoked on" in response.json()["detail"]


def test_it_never_deletes_a_key_in_the_admin(admin_client):
    client, _key = create_client("reader")
    delete = reverse("admin:api_apiclient_delete", args=[client.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert APIClient.objects.filter(pk=client.pk).exists()
    assert "delete_selected" not in admin_client.get(LIST).text


# --- History ---------------------------------------------------------------------------


def test_it_keeps_who_made_changed_and_revoked_each_key(admin_client, admin_user):
    key = make_in_the_admin(admin_client).context["key"]
    client = APIClient.objects.get()
    admin_client.post(change_url(client), {"name": "portal of the ministry"})
    admin_client.post(LIST, {"action": "revoke", "_selected_action": [client.pk]})
    history = list(client.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "~"]
    assert {h.history_user for h in history} == {admin_user}
    assert [h.name for h in history] == ["portal"] + ["portal of the ministry"] * 2
    assert history[-1].revoked_at is not None and history[-2].revoked_at is None
    page = admin_client.get(reverse("admin:api_apiclient_history", args=[client.pk]))
    assert page.status_code == 200 and admin_user.email in page.text
    assert _hash(key) not in str(list(client.history.values()))
    # a revert from the history would revive the key: it is refused
    revert = reverse("admin:api_apiclient_simple_history", args=[client.pk, history[0].pk])
    assert admin_client.post(revert, {"name": "portal"}).status_code == 403
    assert APIClient.objects.get().revoked_at is not None


def test_it_records_the_maker_of_a_key_made_by_a_service():
    staff = UserFactory(roles=["staff"])
    client, _key = create_client("loader", created_by=staff)
    assert client.history.get().history_user == staff


# --- Expiry ------------------------------------------------------------------------------


def test_it_gives_a_new_key_a_year_unless_told_otherwise(settings):
    settings.API_KEY_DAYS = 365
    client, _key = create_client("reader")
    assert (
        abs(client.expires_at - timezone.now() - datetime.timedelta(days=365)).total_seconds() < 60
    )
    later = timezone.now() + datetime.timedelta(days=30)
    assert create_client("other", expires_at=later)[0].expires_at == later
    with pytest.raises(Exception, match="must expire in the future"):
        create_client("late", expires_at=timezone.now() - datetime.timedelta(seconds=1))


def test_it_refuses_an_expired_key_with_a_clear_message():
    key = "abcd1234.an-expired-key"
    APIClient.objects.create(
        name="old",
        prefix="abcd1234",
        key_hash=_hash(key),
        expires_at=timezone.make_aware(datetime.datetime(2025, 3, 31, 9, 30)),
    )
    response = keyed(key).get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This key expired on 2025-03-31 09:30; ask for a new one."
    assert APIClient.objects.get().last_used_at is None


def test_it_still_says_only_unknown_to_a_wrong_key_of_a_known_prefix():
    client, _key = create_client("reader")
    response = keyed(f"{client.prefix}.guessed").get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This key is unknown."


# --- Kept in Redis (api/key_cache.py) ---------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    """The real Redis of the test run, where production keeps its copies of keys."""
    settings.CACHES = {"default": settings.REDIS_CACHE}


def test_it_reads_a_used_key_from_redis_not_the_database(redis_cache, django_assert_num_queries):
    _client, key = create_client("reader")
    api = keyed(key)
    # the key, its first use, the page
    with django_assert_num_queries(3):
        assert api.get("/api/v1/agencies/").status_code == 200
    # the page only: the key is read from Redis, its use was just recorded
    with django_assert_num_queries(1):
        assert api.get("/api/v1/agencies/").status_code == 200


def test_it_refuses_a_key_kept_in_redis_from_the_request_after_its_revocation(
    redis_cache, django_capture_on_commit_callbacks
):
    client, key = create_client("reader")
    api = keyed(key)
    assert [api.get("/api/v1/agencies/").status_code for _ in range(2)] == [200, 200]
    with django_capture_on_commit_callbacks(execute=True):
        revoke(client)
    response = api.get("/api/v1/agencies/")
    assert response.status_code == 401
    assert "This key was revoked on" in response.json()["detail"]


def test_it_refuses_a_key_kept_in_redis_once_revoked_in_the_admin(
    redis_cache, django_capture_on_commit_callbacks, admin_client
):
    client, key = create_client("reader")
    api = keyed(key)
    assert api.get("/api/v1/agencies/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(LIST, {"action": "revoke", "_selected_action": [client.pk]})
    assert api.get("/api/v1/agencies/").status_code == 401


def test_it_never_puts_an_older_copy_over_a_revoked_key(
    redis_cache, django_capture_on_commit_callbacks
):
    client, key = create_client("reader")
    read_before = APIClient.objects.get()  # by a request that read the row just before
    with django_capture_on_commit_callbacks(execute=True):
        revoke(client)
    key_cache.keep(read_before)  # …and keeps its copy only after the revocation
    assert keyed(key).get("/api/v1/agencies/").status_code == 401


def test_it_refuses_a_key_kept_in_redis_once_deleted(
    redis_cache, django_capture_on_commit_callbacks
):
    client, key = create_client("reader")
    api = keyed(key)
    assert api.get("/api/v1/agencies/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        APIClient.objects.filter(pk=client.pk).delete()
    response = api.get("/api/v1/agencies/")
    assert (response.status_code, response.json()["detail"]) == (401, "This key is unknown.")


def test_it_refuses_a_key_kept_in_redis_the_moment_it_expires(redis_cache, monkeypatch):
    expiry = timezone.now() + datetime.timedelta(hours=1)
    _client, key = create_client("reader", expires_at=expiry)
    api = keyed(key)
    assert [api.get("/api/v1/agencies/").status_code for _ in range(2)] == [200, 200]
    later = expiry + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = api.get("/api/v1/agencies/")
    assert response.status_code == 401
    assert "This key expired on" in response.json()["detail"]


def test_it_refuses_a_wrong_secret_of_a_key_kept_in_redis(redis_cache):
    client, key = create_client("reader")
    assert keyed(key).get("/api/v1/agencies/").status_code == 200
    response = keyed(f"{client.prefix}.guessed").get("/api/v1/agencies/")
    assert (response.status_code, response.json()["detail"]) == (401, "This key is unknown.")


def test_it_charges_a_key_kept_in_redis_one_request_each_and_never_for_a_wrong_secret(
    redis_cache, settings
):
    rates = {"caller": "5/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client, key = create_client("reader")  # a fresh key: a budget of its own in Redis
    api = keyed(key)
    remaining = [api.get("/api/v1/agencies/")["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["4", "3", "2"]  # from the database, then twice from Redis
    guesses = [keyed(f"{client.prefix}.guessed").get("/api/v1/agencies/") for _ in range(3)]
    assert [guess.status_code for guess in guesses] == [401, 401, 401]
    answers = [api.get("/api/v1/agencies/") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60


def test_it_names_a_renamed_key_kept_in_redis_by_its_new_name(
    redis_cache, django_capture_on_commit_callbacks
):
    client, key = create_client("reader")
    api = keyed(key)
    assert api.get("/api/v1/agencies/").status_code == 200
    client.name = "portal"
    with django_capture_on_commit_callbacks(execute=True):
        client.save()
    assert api.get("/api/v1/agencies/?format=csv").status_code == 200  # logged
    assert AuditEntry.objects.get().actor == f"API client portal ({client.prefix})"


def test_it_reads_keys_from_the_database_when_redis_is_down(settings, django_assert_num_queries):
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": REDIS_DOWN}}
    settings.REDIS_URL = REDIS_DOWN
    client, key = create_client("reader")
    assert keyed(key).get("/api/v1/agencies/").status_code == 200
    revoke(client)
    assert keyed(key).get("/api/v1/agencies/").status_code == 401


# --- Scope -------------------------------------------------------------------------------


def program_world(code: str) -> None:
    """One row of every endpoint's kind, belonging to program `code`."""
    program = ProgramFactory(code=code)
    call = CallFactory(program=program, code=f"{code}-CALL")
    project = ProjectFactory(proposal__call=call, code=f"{code}-PJ")
    ReviewFactory(proposal=project.proposal)
    report = ReportFactory(project=project)
    for factory in (PaperFactory, PresentationFactory, EventFactory, ExchangeFactory):
        factory(report=report)
    HubFactory(project=project)
    TargetFactory(program=program)
    Evaluation.objects.create(
        program=program,
        kind="mid_term",
        as_of="2025-03-31",
        finalised_at="2025-04-01T00:00Z",
        snapshot={},
    )


@pytest.fixture
def two_programs():
    program_world("A")
    program_world("B")
    _client, key = create_client("everything")
    _client, scoped = create_client("only A", programs=Program.objects.filter(code="A"))
    return keyed(key), keyed(scoped)


LOOKUP = {"programs": "code", "calls": "code", "proposals": "ref", "projects": "code"}
PROGRAM_DATA = ["calls", "proposals", "projects", "reports", "papers", "presentations"]
PROGRAM_DATA += ["events", "exchanges", "hubs", "targets", "evaluations"]


def rows(api: Client, url: str) -> list[dict]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("endpoint", PROGRAM_DATA)
def test_it_shows_a_scoped_key_only_its_programs_data(two_programs, endpoint):
    everything, scoped = two_programs
    of_a = rows(everything, f"/api/v1/{endpoint}/?program=A")
    of_b = rows(everything, f"/api/v1/{endpoint}/?program=B")
    assert of_a and of_b
    assert rows(scoped, f"/api/v1/{endpoint}/") == of_a
    # another program's code names nothing this key may read: unknown, as any typo (404)
    assert scoped.get(f"/api/v1/{endpoint}/?program=B").status_code == 404
    lookup = LOOKUP.get(endpoint, "id")
    assert scoped.get(f"/api/v1/{endpoint}/{of_a[0][lookup]}/").status_code == 200
    assert scoped.get(f"/api/v1/{endpoint}/{of_b[0][lookup]}/").status_code == 404
    as_csv = _content(scoped.get(f"/api/v1/{endpoint}/?format=csv"))
    assert as_csv == _content(everything.get(f"/api/v1/{endpoint}/?format=csv&program=A"))


def _content(response) -> bytes:
    """A page's body, or a download's streamed one (api/downloads.py)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_shows_a_scoped_key_only_its_programs_and_their_indicators(two_programs):
    everything, scoped = two_programs
    assert [row["code"] for row in rows(scoped, "/api/v1/programs/")] == ["A"]
    assert scoped.get("/api/v1/programs/B/").status_code == 404
    assert scoped.get("/api/v1/programs/A/indicators/?as_of=2025-03-31").status_code == 200
    assert scoped.get("/api/v1/programs/B/indicators/?as_of=2025-03-31").status_code == 404
    assert everything.get("/api/v1/programs/B/indicators/?as_of=2025-03-31").status_code == 200
    # agencies belong to no program: every key reads them
    assert rows(scoped, "/api/v1/agencies/") == rows(everything, "/api/v1/agencies/")


def test_it_lets_a_scoped_write_key_write_only_its_programs_data():
    a, b = ProgramFactory(code="A"), ProgramFactory(code="B")
    theirs = TargetFactory(program=b)
    _client, key = create_client("loader of A", can_write=True, programs=[a])
    writer = keyed(key)
    target = {"indicator": "g1.proposals", "fiscal_year": 2026, "value": 3}
    assert writer.post("/api/v1/targets/", {**target, "program": "A"}).status_code == 201
    refused = writer.post("/api/v1/targets/", {**target, "program": "B"})
    assert refused.status_code == 404 and set(refused.json()) == {"program"}
    assert writer.patch(f"/api/v1/targets/{theirs.pk}/", {"value": 99}).status_code == 404
    mine = Target.objects.get(program=a)
    moved = writer.patch(f"/api/v1/targets/{mine.pk}/", {"program": "B"})
    assert moved.status_code == 404  # B names no program this key may read
    agency = {"code": "NIH", "name": "National Institutes of Health", "country": "US"}
    assert writer.post("/api/v1/agencies/", agency).status_code == 403  # shared by all
    assert Target.objects.filter(program=b).get() == theirs
    assert Target.objects.get(pk=theirs.pk).value == theirs.value


@pytest.mark.parametrize("endpoint", ["proposals", "papers", "projects", "programs"])
def test_it_lists_for_a_scoped_key_in_as_few_queries(django_assert_num_queries, endpoint):
    program_world("A")
    program_world("B")
    _client, key = create_client("only A", programs=[ProgramFactory(code="A")])
    api = keyed(key)
    queries = 4 if endpoint == "programs" else 3  # the key, its first use, the page (+ prefetch)
    with django_assert_num_queries(queries):
        assert len(api.get(f"/api/v1/{endpoint}/").json()["results"]) == 1


def test_it_makes_a_scoped_key_in_the_admin(admin_client):
    a = ProgramFactory(code="A")
    ProgramFactory(code="B")
    key = make_in_the_admin(admin_client, programs=[a.pk]).context["key"]
    assert APIClient.objects.get().program_ids == [a.pk]
    assert [row["code"] for row in rows(keyed(key), "/api/v1/programs/")] == ["A"]
    assert "A" in admin_client.get(LIST).text


def test_it_fails_closed_when_a_scoped_keys_program_is_gone():
    AgencyFactory()
    program = ProgramFactory(code="GONE")
    other = ProgramFactory(code="OTHER")
    _client, key = create_client("of a program closed since", programs=[program])
    program.delete()
    assert [row["code"] for row in rows(keyed(key), "/api/v1/programs/")] == []
    assert other.code not in keyed(key).get("/api/v1/programs/").text


# --- The command ---------------------------------------------------------------------------


def test_it_makes_an_expiring_scoped_key_from_the_command():
    a = ProgramFactory(code="A")
    out = io.StringIO()
    call_command(
        "create_api_client", "ministry", "--program", "A", "--expires", "2030-01-31", stdout=out
    )
    key = out.getvalue().strip().splitlines()[-1]
    client = APIClient.objects.get(name="ministry")
    assert client.program_ids == [a.pk]
    assert timezone.localtime(client.expires_at) == timezone.make_aware(
        datetime.datetime(2030, 2, 1)
    )
    assert "until 2030-02-01 00:00" in out.getvalue()
    assert [row["code"] for row in rows(keyed(key), "/api/v1/programs/")] == ["A"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--program", "NOPE"], "Unknown program"),
        (["--expires", "2020-01-01"], "must expire in the future"),
        (["--expires", "someday"], "YYYY-MM-DD"),
    ],
)
def test_it_refuses_bad_options_of_the_command(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_client", "ministry", *options, stdout=io.StringIO())
    assert not APIClient.objects.exists()
