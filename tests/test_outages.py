"""Redis or the database down: pages and the API answer, quickly, and say what happened.

Redis and the database are down from start-up in another process (tests/outside.py): a
closed port for Redis, and for the database a port that accepts connections and never
answers, which is how a database behind a dead network path looks (a refused connection
would fail fast even without timeouts).
"""

import datetime
import logging
import socket

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from api.services import create_client
from aspire.cache import last_warnings
from evaluations.models import CommitteeMember, Evaluation, EvaluationReport, ReportFileStatus
from tests import outside
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:  # bound, then closed: nobody listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REDIS_DOWN = f"redis://127.0.0.1:{closed_port()}/0"


@pytest.fixture(autouse=True)
def _warnings_again():
    """Each test sees the warning that Redis is down, not just the first in a minute."""
    last_warnings.clear()


QUEUE_DOWN = "The job queue could not be reached, so nothing was started. Try again."


# --- Redis down -----------------------------------------------------------------------------

REQUESTS_WITH_REDIS_DOWN = """
import json, time
from django.test import Client
from accounts.models import User
client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
answers = {}
from tests.conftest import sign_in
sign_in(client, User.objects.get(pk=%(member)d))
answers["file"] = client.post("%(file_url)s", {"language": "en", "format": "pdf"}, follow=True)
started = time.monotonic()
answers["api"] = Client(raise_request_exception=False).get(
    "/api/v1/agencies/", HTTP_AUTHORIZATION="Token %(key)s"
)
seconds = time.monotonic() - started
print(json.dumps({
    "api_seconds": seconds,
    **{name: [r.status_code, r.content.decode()] for name, r in answers.items()},
}))
"""


@pytest.mark.django_db(transaction=True)  # the other process reads what the test made
def test_it_fails_the_jobs_with_a_message_and_serves_the_api_when_redis_is_down():
    evaluation = Evaluation.objects.create(
        program=ProgramFactory(), kind="mid_term", as_of=datetime.date(2025, 3, 31)
    )
    member = UserFactory(roles=["committee"], language="en")
    CommitteeMember.objects.create(evaluation=evaluation, name="Member", user=member)
    _client, key = create_client("ministry")
    script = REQUESTS_WITH_REDIS_DOWN % {
        "member": member.pk,
        "key": key,
        "file_url": reverse("evaluations:request_file", args=[evaluation.pk]),
    }
    answers = outside.run_script(script, REDIS_URL=REDIS_DOWN, REQUIRE_REDIS="true")

    status, page = answers["file"]
    assert status == 200  # the evaluation page again, not a 500
    assert page.count(QUEUE_DOWN) == 2  # the message, and the row in the table
    row = EvaluationReport.objects.get()
    assert (row.status, row.message) == (ReportFileStatus.FAILED, QUEUE_DOWN)
    assert f'action="{reverse("evaluations:retry_file", args=[evaluation.pk, row.pk])}"' in page

    status, body = answers["api"]
    assert status == 200, body  # not throttled, rather than the whole API down
    assert answers["api_seconds"] < 5


def test_it_lets_api_requests_through_when_the_throttle_cannot_reach_redis(
    client, settings, caplog
):
    settings.REDIS_URL = REDIS_DOWN
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": REDIS_DOWN}}
    _client, key = create_client("ministry")
    with caplog.at_level(logging.WARNING):
        response = client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert "Redis unreachable, API requests are not throttled" in caplog.text


def test_it_still_throttles_with_redis_up(client, settings):
    settings.CACHES = {"default": settings.REDIS_CACHE}  # the real Redis of the test run
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": "2/min"},
    }
    _client, key = create_client("ministry")  # a fresh key: a budget of its own in Redis
    statuses = [
        client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token {key}").status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_it_treats_redis_down_as_an_empty_cache(settings, caplog):
    settings.CACHES = {"default": {**settings.REDIS_CACHE, "LOCATION": REDIS_DOWN}}
    with caplog.at_level(logging.WARNING):
        cache.set("figures", [1, 2])
        assert cache.get("figures", "missing") == "missing"
        assert cache.add("figures", 3) is False
        assert cache.get_many(["figures"]) == {}
        with pytest.raises(ValueError):
            cache.incr("hits")  # as for a key the cache does not hold
        cache.delete("figures")
    assert "Redis unreachable, the cache misses" in caplog.text


# --- The database down ------------------------------------------------------------------------

REQUESTS_WITH_THE_DATABASE_DOWN = """
import json, time
from django.test import Client
answers = {}
for name, path, headers in [
    ("page", "/my/", {"HTTP_COOKIE": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
    ("api", "/api/v1/agencies/", {"HTTP_AUTHORIZATION": "Token abcdefgh.key"}),
]:
    started = time.monotonic()
    response = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="%(language)s").get(
        path, **headers
    )
    answers[name] = [response.status_code, time.monotonic() - started,
                     response.get("Retry-After"), response.content.decode()]
print(json.dumps(answers))
"""


@pytest.mark.parametrize(("pool", "language"), [("true", "ja"), ("false", "en")])
def test_it_answers_a_fast_503_when_the_database_does_not_answer(pool, language):
    with socket.create_server(("127.0.0.1", 0), backlog=64) as silent:  # never accepts
        port = silent.getsockname()[1]
        answers = outside.run_script(
            REQUESTS_WITH_THE_DATABASE_DOWN % {"language": language},
            DATABASE_URL=f"postgres://aspire@127.0.0.1:{port}/aspire",
            DATABASE_POOL=pool,
            DATABASE_CONNECT_TIMEOUT="1",
        )
    status, seconds, retry_after, page = answers["page"]
    assert (status, retry_after) == (503, "30")
    assert seconds < 10  # the pool's own default was 30 s, then a 500
    with translation.override(language):
        assert translation.gettext("Temporarily unavailable") in page
    status, seconds, retry_after, body = answers["api"]
    assert (status, retry_after) == (503, "30")
    assert seconds < 10
    assert '"code": "database_unavailable"' in body


def test_it_renders_the_503_page_without_a_request_or_the_database(
    django_assert_num_queries,
):
    with django_assert_num_queries(0), translation.override("ja"):
        page = render_to_string("503.html", {"message": "…"})
    assert '<html lang="ja">' in page
    assert "一時的に利用できません" in page
