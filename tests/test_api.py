"""The REST API: keys, what each caller may see, lists, errors and the indicators."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient as Client

from api.models import APIClient
from api.services import create_client, revoke
from evaluations.models import CommitteeMember, Evaluation, Target
from projects.models import ReportStatus
from tests.conftest import sign_in
from tests.factories import (
    AgencyFactory,
    CallFactory,
    EventFactory,
    ExchangeFactory,
    HubFactory,
    MemberFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def api_as(user) -> Client:
    api = Client()
    sign_in(api, user)
    return api


# --- Keys ---------------------------------------------------------------------------------


def test_it_answers_401_without_a_key(client):
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_prints_the_new_key_alone_on_the_last_line_and_keeps_only_its_hash():
    out = io.StringIO()
    call_command("create_api_client", "ministry", "--write", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    stored = APIClient.objects.get(name="ministry")
    assert stored.can_write
    assert key not in str(APIClient.objects.values().get())
    api = Client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/agencies/").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_it_refuses_a_second_client_of_the_same_name():
    create_client("ministry")
    with pytest.raises(Exception, match="exists already"):
        call_command("create_api_client", "ministry", stdout=io.StringIO())


def test_it_stops_a_revoked_key_at_once(keyed):
    assert keyed.get("/api/v1/agencies/").status_code == 200
    revoke(APIClient.objects.get())
    assert keyed.get("/api/v1/agencies/").status_code == 401


def test_it_refuses_a_wrong_key():
    api = Client()
    api.credentials(HTTP_AUTHORIZATION="Token abcdefgh.not-the-key")
    assert api.get("/api/v1/agencies/").status_code == 401


def test_it_lets_only_write_keys_write(keyed, writer):
    data = {"code": "NIH", "name": "National Institutes of Health", "country": "US"}
    assert keyed.post("/api/v1/agencies/", data).status_code == 403
    assert writer.post("/api/v1/agencies/", data).status_code == 201
    bad = writer.post("/api/v1/agencies/", {"code": "X", "name": "", "country": "ZZ"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"name", "country"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/programs/A%00B/indicators/",  # a code in the path
        "/api/v1/calls/A%00B/",
        "/api/v1/proposals/?program=A%00B",  # a lookup by code
        "/api/v1/proposals/?search=A%00",
    ],
)
def test_it_answers_a_nul_character_with_400(keyed, url):
    assert keyed.get(url).status_code == 400


def test_it_refuses_a_target_whose_program_code_holds_a_nul_character(writer):
    ProgramFactory(code="ASPIRE")
    data = {"program": "ASP\x00IRE", "indicator": "g1.proposals", "fiscal_year": 2025, "value": 3}
    form = writer.post("/api/v1/targets/", data)  # refused before the view
    assert form.status_code == 400
    sent_as_json = writer.post("/api/v1/targets/", data, format="json")
    assert sent_as_json.status_code == 400
    assert set(sent_as_json.json()) == {"program"}
    assert not Target.objects.exists()


# --- What each caller sees ------------------------------------------------------------------


def test_it_never_shows_reviews_or_reviewers_to_a_key_holder(keyed):
    review = ReviewFactory(reviewer__email="secret.reviewer@example.org", comment="Weak aims")
    body = keyed.get("/api/v1/proposals/").content.decode()
    assert review.proposal.ref in body
    assert "secret.reviewer" not in body and "Weak aims" not in body
    assert '"final_score":7.0' in body  # a number, not a string


def test_it_shows_a_pi_only_their_projects(client):
    mine = MemberFactory()
    other = ProjectFactory()
    api = api_as(mine.user)
    codes = [row["code"] for row in api.get("/api/v1/projects/").json()["results"]]
    assert codes == [mine.project.code]
    assert api.get(f"/api/v1/projects/{other.code}/").status_code == 404


def test_it_shows_a_reviewer_only_assigned_proposals():
    review = ReviewFactory()
    other = ProposalFactory()
    api = api_as(review.reviewer)
    refs = [row["ref"] for row in api.get("/api/v1/proposals/").json()["results"]]
    assert refs == [review.proposal.ref]
    assert api.get(f"/api/v1/proposals/{other.ref}/").status_code == 404


def test_it_keeps_drafts_from_key_holders_and_the_committee(keyed):
    PaperFactory(report__status=ReportStatus.DRAFT, title="Unfinished")
    PaperFactory(report__status=ReportStatus.ACCEPTED, title="Published")
    for api in [keyed, api_as(UserFactory(roles=["committee"]))]:
        titles = [row["title"] for row in api.get("/api/v1/papers/").json()["results"]]
        assert titles == ["Published"]


def test_it_shows_only_finalised_evaluations(keyed):
    program = ProgramFactory()
    Evaluation.objects.create(program=program, kind="mid_term", as_of="2025-03-31")
    assert keyed.get("/api/v1/evaluations/").json()["results"] == []


# --- Lists ------------------------------------------------------------------------------------


def build(endpoint: str, rows: int) -> None:
    """`rows` records behind one endpoint, with distinct parents where it matters."""
    report = ReportFactory()
    builders = {
        "agencies": lambda: AgencyFactory.create_batch(rows),
        "programs": lambda: ProgramFactory.create_batch(rows),
        "calls": lambda: [
            call.partner_agencies.add(AgencyFactory()) for call in CallFactory.create_batch(rows)
        ],
        "proposals": lambda: [
            ReviewFactory(proposal=p) for p in ProposalFactory.create_batch(rows)
        ],
        "projects": lambda: ProjectFactory.create_batch(rows),
        "reports": lambda: ReportFactory.create_batch(rows),
        "papers": lambda: PaperFactory.create_batch(rows, report=report),
        "presentations": lambda: PresentationFactory.create_batch(rows, report=report),
        "events": lambda: EventFactory.create_batch(rows, report=report),
        "exchanges": lambda: ExchangeFactory.create_batch(rows, report=report),
        "hubs": lambda: HubFactory.create_batch(rows, project=report.project),
        "targets": lambda: [TargetFactory(fiscal_year=2000 + n) for n in range(rows)],
    }
    builders[endpoint]()


LIST_QUERIES = {
    # every list: the key (1) and its first use (1), the page (1) — never a count; and:
    # (the key from the database: the tests' cache is not Redis, where production reads
    # it; test_api_keys counts that)
    "agencies": 3,
    "programs": 4,  # + support types (prefetch)
    "calls": 4,  # + partner agencies (prefetch)
    "proposals": 3,
    "projects": 3,
    "reports": 3,
    "papers": 3,
    "presentations": 3,
    "events": 3,
    "exchanges": 3,
    "hubs": 3,
    "targets": 3,
}


@pytest.mark.parametrize("rows", [5, 200])
@pytest.mark.parametrize("endpoint", LIST_QUERIES)
def test_it_lists_in_a_fixed_number_of_queries(keyed, django_assert_num_queries, endpoint, rows):
    build(endpoint, rows)
    with django_assert_num_queries(LIST_QUERIES[endpoint]):
        response = keyed.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert min(rows, 50) <= len(response.json()["results"]) <= 50
    # a later page costs the same: the key (its use was just recorded) and the page
    with django_assert_num_queries(LIST_QUERIES[endpoint] - 1):
        assert keyed.get(response.json()["next"] or f"/api/v1/{endpoint}/").status_code == 200


def test_it_pages_lists_of_fifty(keyed):
    AgencyFactory.create_batch(60)
    page = keyed.get("/api/v1/agencies/").json()
    assert (len(page["results"]), page["previous"]) == (50, None)
    rest = keyed.get(page["next"]).json()
    assert (len(rest["results"]), rest["next"]) == (10, None)
    back = keyed.get(rest["previous"]).json()
    assert back["results"] == page["results"]
    assert back["previous"] is None


def crawl(api: Client, url: str) -> list[dict]:
    """Every row of a list, following `next` to the end."""
    rows = []
    while url:
        page = api.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


@pytest.mark.parametrize("ordering", ["ref", "-ref", "final_score", "-final_score", "status"])
def test_it_pages_every_row_once_in_any_order(keyed, ordering):
    """Ties and NULLs (proposals without a score) neither skip nor repeat a row."""
    for n, proposal in enumerate(ProposalFactory.create_batch(9)):
        if n % 3:
            ReviewFactory(proposal=proposal, score=n % 2 + 5)  # ties, and some with no score
    rows = crawl(keyed, f"/api/v1/proposals/?ordering={ordering}&page_size=2")
    expected = keyed.get(f"/api/v1/proposals/?ordering={ordering}&page_size=50").json()
    assert [row["ref"] for row in rows] == [row["ref"] for row in expected["results"]]
    assert len({row["ref"] for row in rows}) == 9


def test_it_pages_backwards_to_the_same_rows(keyed):
    PaperFactory.create_batch(7)
    first = keyed.get("/api/v1/papers/?page_size=3&ordering=-published_on").json()
    second = keyed.get(first["next"]).json()
    assert keyed.get(second["previous"]).json()["results"] == first["results"]


PLAIN_LISTS = ["proposals", "papers", "presentations", "events", "exchanges"]


@pytest.mark.parametrize("zone, offset", [("Asia/Tokyo", "+09:00"), ("UTC", "Z")])
@pytest.mark.parametrize("endpoint", PLAIN_LISTS)
def test_it_lists_what_the_serializer_shows(keyed, endpoint, settings, zone, offset):
    """The plain `.values()` lists answer exactly what the detail serializer would, moments
    in the active time zone included (UTC written `Z`, as DRF writes it)."""
    settings.TIME_ZONE = zone
    build(endpoint, 3)
    listed = keyed.get(f"/api/v1/{endpoint}/").json()["results"]
    lookup = "ref" if endpoint == "proposals" else "id"
    for row in listed:
        assert row["updated_at"].endswith(offset)
        assert keyed.get(f"/api/v1/{endpoint}/{row[lookup]}/").json() == row


def test_it_rounds_a_listed_final_score_as_the_serializer_does(keyed):
    proposal = ProposalFactory()
    for score in (7, 7, 8):  # a mean of 7.333…
        ReviewFactory(proposal=proposal, score=score)
    listed = keyed.get("/api/v1/proposals/").json()["results"]
    assert [row["final_score"] for row in listed] == [7.33]
    assert keyed.get(f"/api/v1/proposals/{proposal.ref}/").json() == listed[0]


def test_it_answers_page_numbers_with_400(keyed):
    PaperFactory()
    response = keyed.get("/api/v1/papers/?page=2")
    assert response.status_code == 400
    assert set(response.json()) == {"page"}


@pytest.mark.parametrize("cursor", ["nonsense", "eyJ2IjpbImEiXSwiYiI6ZmFsc2V9"])
def test_it_answers_a_cursor_no_link_gave_with_404_naming_it(keyed, cursor):
    # As DRF's own cursor pagination: the cursor addresses a page, and there is none.
    PaperFactory()
    response = keyed.get(f"/api/v1/papers/?cursor={cursor}")
    assert response.status_code == 404
    assert set(response.json()) == {"cursor"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_it_answers_a_cursor_on_a_download_with_404_naming_it(keyed, fmt):
    # A download is whole: a cursor would name a page of it that is not there.
    PaperFactory()
    response = keyed.get(f"/api/v1/papers/?format={fmt}&cursor=%02")
    assert response.status_code == 404 and set(response.json()) == {"cursor"}


@pytest.mark.parametrize("query", ["ordering=", "page_size=", "cursor=", "format=", "year="])
def test_it_reads_an_empty_value_as_no_value(keyed, query):
    # A form sends every field, touched or not: the schema says `allowEmptyValue`.
    PaperFactory()
    query = query.replace("year", "fiscal_year")
    response = keyed.get(f"/api/v1/papers/?{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_it_filters_and_orders(keyed):
    AgencyFactory(code="B", country="GB")
    AgencyFactory(code="A", country="US")
    AgencyFactory(code="C", country="US")
    rows = keyed.get("/api/v1/agencies/?country=US&ordering=-code").json()["results"]
    assert [row["code"] for row in rows] == ["C", "A"]


def test_it_gives_any_list_as_csv(keyed):
    AgencyFactory(code="NIH", name="National Institutes of Health", country="US")
    response = keyed.get("/api/v1/agencies/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "code,name,name_ja,country",
        "NIH,National Institutes of Health,,US",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "papers/?fiscal_year=abc",
        "papers/?published_on_after=2025-02-30",
        "proposals/?status=maybe",
        "calls/?kind=party",
    ],
)
def test_it_answers_bad_query_parameters_with_400(keyed, query):
    response = keyed.get(f"/api/v1/{query}")
    assert response.status_code == 400
    assert response.json()  # the field and what is wrong


def test_it_limits_the_rate_per_key(keyed, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": "3/min"},
    }
    statuses = [keyed.get("/api/v1/agencies/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- Indicators ---------------------------------------------------------------------------


def test_it_gives_the_same_indicators_as_the_command(keyed, demo):
    out = io.StringIO()
    call_command("indicators", "ASPIRE", "--as-of", "2025-03-31", "--format", "json", stdout=out)
    response = keyed.get(
        "/api/v1/programs/ASPIRE/indicators/?as_of=2025-03-31", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["indicators"]["g2.intl_coauthored_papers"]["value"] == 18


def test_it_answers_304_when_the_figures_did_not_change(keyed, demo):
    url = "/api/v1/programs/ASPIRE/indicators/?as_of=2025-03-31"
    first = keyed.get(url)
    assert first["Last-Modified"]
    again = keyed.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_it_refuses_a_bad_date_and_an_unknown_program(keyed):
    ProgramFactory(code="ASPIRE")
    bad = keyed.get("/api/v1/programs/ASPIRE/indicators/?as_of=2025-02-30")
    assert bad.status_code == 400
    assert "as_of" in bad.json()
    assert keyed.get("/api/v1/programs/NOPE/indicators/").status_code == 404


# --- Schema and docs ------------------------------------------------------------------------


def test_it_serves_the_schema_and_local_docs(keyed, client):
    assert "openapi" in keyed.get("/api/schema/?format=json").json()
    docs = client.get(reverse("docs")).content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs


@pytest.mark.parametrize("rows", [2, 20])
def test_it_lists_evaluations_in_a_fixed_number_of_queries(keyed, django_assert_num_queries, rows):
    for n in range(rows):
        evaluation = Evaluation.objects.create(
            program=ProgramFactory(),
            kind="mid_term",
            as_of="2025-03-31",
            finalised_at="2025-04-01T00:00Z",
            snapshot={},
        )
        CommitteeMember.objects.create(evaluation=evaluation, name=f"Member {n}")
    # the key and its first use, the page, the members (prefetch)
    with django_assert_num_queries(4):
        assert len(keyed.get("/api/v1/evaluations/").json()["results"]) == rows


@pytest.mark.parametrize(
    "factory, endpoint, dated",
    [
        (PaperFactory, "papers", "published_on"),
        (PresentationFactory, "presentations", "presented_on"),
        (EventFactory, "events", "held_on"),
        (ExchangeFactory, "exchanges", "start_date"),
    ],
)
def test_it_flags_an_output_dated_before_its_project(keyed, factory, endpoint, dated):
    # The project starts 2024-01-01 (the factory): the day before is not the grant's.
    before = factory(**{dated: datetime.date(2023, 12, 31)})
    factory(report=before.report, **{dated: datetime.date(2024, 1, 1)})
    listed = keyed.get(f"/api/v1/{endpoint}/?ordering={dated}").json()["results"]
    assert [row["before_project"] for row in listed] == [True, False]
    assert keyed.get(f"/api/v1/{endpoint}/{before.pk}/").json()["before_project"] is True
