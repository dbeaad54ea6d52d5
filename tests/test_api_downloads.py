"""Issue 17: a strict API (400 naming the parameter) and complete downloads, equal to
`export_data` row for row."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient as Client

from api.services import create_client
from exchange.kinds import KINDS
from programs.models import FundingAgency
from tests.factories import (
    AgencyFactory,
    LabStatisticFactory,
    PaperFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


# --- Strict ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("proposals/?fiscal_year=2024", "fiscal_year"),  # a parameter proposals do not have
        ("papers/?doi=10.1/x", "doi"),
        ("proposals/?search=x", "search"),
        ("proposals/?ordering=title", "ordering"),  # an ordering not offered
        ("proposals/?ordering=ref,status", "ordering"),
        ("proposals/?page_size=0", "page_size"),
        ("proposals/?page_size=abc", "page_size"),
        ("proposals/?page_size=501", "page_size"),
        ("papers/?international_coauthored=maybe", "international_coauthored"),
        ("proposals/?program=A%20B", "program"),  # no code at all
        ("projects/?updated_since=yesterday", "updated_since"),
        ("agencies/NOPE/?country=US", "country"),  # a detail takes no filter
    ],
)
def test_it_answers_400_naming_the_parameter(keyed, query, parameter):
    ProgramFactory(code="ASPIRE")
    response = keyed.get(f"/api/v1/{query}")
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(("value", "count"), [("TRUE", 1), ("1", 1), ("False", 2), ("0", 2)])
def test_it_reads_booleans_in_any_case_and_as_digits(keyed, value, count):
    report = ReportFactory(status="accepted")
    PaperFactory(report=report, international_coauthored=True)
    PaperFactory.create_batch(2, report=report, international_coauthored=False)
    response = keyed.get(f"/api/v1/papers/?international_coauthored={value}")
    assert len(response.json()["results"]) == count


def test_it_names_no_model_in_a_404_and_answers_json_in_any_format(keyed):
    missing = keyed.get("/api/v1/agencies/NOPE/")
    assert missing.status_code == 404
    assert (
        missing.json() == {"detail": "Not found.", "code": "not_found"}
        or "Agency" not in (missing.json()["detail"])
    )
    bad = keyed.get("/api/v1/agencies/?format=csv&ordering=nope")
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/json")


def test_it_gives_scores_and_targets_as_numbers(keyed):
    ReviewFactory(score=7)
    row = keyed.get("/api/v1/proposals/").json()["results"][0]
    assert row["final_score"] == 7.0


def test_it_accepts_the_key_as_a_bearer_token():
    _client, key = create_client("bearer")
    api = Client()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/agencies/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Bearer nope.nope")
    assert api.get("/api/v1/agencies/").status_code == 401


def test_it_lists_only_what_changed_since(keyed):
    old = AgencyFactory(code="OLD")
    type(old).objects.filter(pk=old.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    AgencyFactory(code="NEW")
    rows = keyed.get("/api/v1/agencies/?updated_since=2021-01-01T00:00:00Z").json()["results"]
    assert [row["code"] for row in rows] == ["NEW"]


# --- Downloads ------------------------------------------------------------------------------

ENDPOINT_OF_KIND = {
    "agencies": "agencies",
    "programs": "programs",
    "calls": "calls",
    "proposals": "proposals",
    "reviews": "reviews",
    "projects": "projects",
    "budgets": "budgets",
    "targets": "targets",
    "publications": "papers",
    "presentations": "presentations",
    "events": "events",
    "exchanges": "exchanges",
    "hubs": "hubs",
    "lab_statistics": "lab-statistics",
    "surveys": "surveys",
}


def test_it_has_an_endpoint_for_every_kind():
    # Reviewers are accounts, people the API does not list (personal data, staff's pages).
    assert set(ENDPOINT_OF_KIND) == set(KINDS) - {"reviewers"}


@pytest.mark.parametrize("kind", list(ENDPOINT_OF_KIND))
def test_it_downloads_every_kind_as_export_data_writes_it(staff, demo, kind):
    """Staff see drafts, and so does export_data (it has no reader to narrow for): both
    sides hold the rows of draft reports alike. Keys and the committee get handed-in
    reports' rows only, as export_data's export_table(user=...) does for them."""
    out = io.StringIO()
    call_command("export_data", kind, stdout=out)
    response = staff.get(f"/api/v1/{ENDPOINT_OF_KIND[kind]}/?format=csv")
    assert response.status_code == 200
    assert body(response).splitlines() == out.getvalue().splitlines()
    assert len(out.getvalue().splitlines()) > 1  # the demo has rows of every kind


def test_it_streams_every_row_not_a_page(keyed):
    AgencyFactory.create_batch(120)
    lines = body(keyed.get("/api/v1/agencies/?format=csv")).splitlines()
    assert len(lines) == 121


def test_it_keeps_the_filters_in_a_download(keyed):
    AgencyFactory(code="A", country="US")
    AgencyFactory(code="B", country="GB")
    lines = body(keyed.get("/api/v1/agencies/?format=jsonl&country=US")).splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["A"]


def test_it_types_json_lines_and_xlsx(keyed):
    program = ProgramFactory(code="P")
    program.targets.create(indicator="g1.proposals", fiscal_year=2025, value=12)
    row = json.loads(body(keyed.get("/api/v1/targets/?format=jsonl")))
    assert row == {"program": "P", "indicator": "g1.proposals", "fiscal_year": 2025, "value": 12}
    response = keyed.get("/api/v1/targets/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[2]] == ["P", "g1.proposals", 2025, 12]


def test_it_keeps_drafts_and_travellers_from_keys(keyed, staff):
    from tests.factories import ExchangeFactory

    ExchangeFactory(report__status="draft", person="Draft Person")
    ExchangeFactory(report__status="accepted", person="Hanako Sato")
    keyed_lines = body(keyed.get("/api/v1/exchanges/?format=csv")).splitlines()
    assert len(keyed_lines) == 2 and "person" not in keyed_lines[0]
    assert "Hanako Sato" not in "".join(keyed_lines)
    staff_text = body(staff.get("/api/v1/exchanges/?format=csv"))
    assert "Hanako Sato" in staff_text and "Draft Person" in staff_text


def test_it_shows_reviews_and_survey_answers_to_staff_only(keyed, staff):
    ReviewFactory(score=5)
    SurveyFactory()
    for endpoint in ["reviews", "surveys"]:
        assert keyed.get(f"/api/v1/{endpoint}/").status_code == 403
        assert len(staff.get(f"/api/v1/{endpoint}/").json()["results"]) == 1


# --- Query counts of the new lists ------------------------------------------------------------


def _build(endpoint: str, rows: int) -> None:
    if endpoint == "budgets":
        for n, project in enumerate(ProjectFactory.create_batch(rows)):
            project.budgets.create(fiscal_year=2020 + n % 5, amount_yen=1000)
    elif endpoint == "lab-statistics":
        LabStatisticFactory.create_batch(rows, report__status="accepted")
    elif endpoint == "reviews":
        for proposal in ProposalFactory.create_batch(rows):
            ReviewFactory(proposal=proposal, score=6)
    elif endpoint == "surveys":
        SurveyFactory.create_batch(rows)


NEW_LISTS = {
    # the key and its use (2), then the page (1): related rows are joined, never queried
    # per row.
    "budgets": 3,
    "lab-statistics": 3,
}
# A staff session: the session, its user, the user's roles and TOTP device (4), the page (1).
STAFF_LISTS = {"reviews": 5, "surveys": 5}


@pytest.mark.parametrize("rows", [3, 60])
@pytest.mark.parametrize("endpoint", NEW_LISTS)
def test_it_lists_the_new_kinds_in_a_fixed_number_of_queries(
    keyed, django_assert_num_queries, endpoint, rows
):
    _build(endpoint, rows)
    with django_assert_num_queries(NEW_LISTS[endpoint]):
        response = keyed.get(f"/api/v1/{endpoint}/")
    assert len(response.json()["results"]) == min(rows, 50)


@pytest.mark.parametrize("rows", [3, 60])
@pytest.mark.parametrize("endpoint", STAFF_LISTS)
def test_it_lists_reviews_and_surveys_in_a_fixed_number_of_queries(
    staff, django_assert_num_queries, endpoint, rows
):
    _build(endpoint, rows)
    staff.get(f"/api/v1/{endpoint}/")  # the session's first use is recorded once
    with django_assert_num_queries(STAFF_LISTS[endpoint]):
        response = staff.get(f"/api/v1/{endpoint}/")
    assert len(response.json()["results"]) == min(rows, 50)


# --- Headers --------------------------------------------------------------------------------


def test_it_tells_the_remaining_budget(keyed, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": "5/min"},
    }
    first, second = keyed.get("/api/v1/agencies/"), keyed.get("/api/v1/agencies/")
    assert first["X-RateLimit-Limit"] == "5"
    assert int(first["X-RateLimit-Remaining"]) - int(second["X-RateLimit-Remaining"]) == 1


def test_it_compresses_the_api_but_not_the_pages(keyed, client):
    AgencyFactory.create_batch(30)
    api = keyed.get("/api/v1/agencies/", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip"
    page = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert not page.has_header("Content-Encoding")


def test_it_allows_only_listed_origins(keyed, settings):
    denied = keyed.get("/api/v1/agencies/", HTTP_ORIGIN="https://elsewhere.example")
    assert not denied.has_header("Access-Control-Allow-Origin")
    settings.CORS_ALLOWED_ORIGINS = ["https://ris.example.ac.jp"]
    allowed = keyed.get("/api/v1/agencies/", HTTP_ORIGIN="https://ris.example.ac.jp")
    assert allowed["Access-Control-Allow-Origin"] == "https://ris.example.ac.jp"


def test_it_serves_the_schema_in_english_whatever_the_language(client, settings):
    settings.LANGUAGE_CODE = "ja"
    ja = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="ja").content
    en = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").content
    assert ja == en
    schema = json.loads(ja)
    names = [*schema["components"]["schemas"], *schema["paths"]]
    for path in schema["paths"].values():
        for operation in path.values():
            names.append(operation["operationId"])
            names += [parameter["name"] for parameter in operation.get("parameters", [])]
            for parameter in operation.get("parameters", []):
                names += [str(value) for value in parameter["schema"].get("enum", [])]
    for component in schema["components"]["schemas"].values():
        names += [str(value) for value in component.get("enum", [])]
        names += list(component.get("properties", {}))
    assert all(name.isascii() for name in names)
    assert "of annual reports" in ja.decode() and "shared/design" not in ja.decode()


# --- Indicators as a table and their definitions -----------------------------------------------


def test_it_gives_the_indicators_in_long_format_as_the_document(keyed, demo):
    document = keyed.get("/api/v1/programs/ASPIRE/indicators/?as_of=2025-03-31").json()
    rows = keyed.get("/api/v1/indicators/?program=ASPIRE&as_of=2025-03-31").json()
    assert [row["code"] for row in rows] == list(document["indicators"])
    papers = next(row for row in rows if row["code"] == "g2.intl_coauthored_papers")
    assert papers["value"] == 18 and papers["as_of"] == "2025-03-31"
    csv_lines = keyed.get("/api/v1/indicators/?program=ASPIRE&format=csv").content.decode()
    assert csv_lines.splitlines()[0].split(",")[:4] == ["program", "code", "goal", "as_of"]
    assert len(csv_lines.splitlines()) == len(rows) + 1
    # a well-formed code naming no program: 404 naming it, as in every filter
    unknown = keyed.get("/api/v1/indicators/?program=aspire")
    assert unknown.status_code == 404 and set(unknown.json()) == {"program"}


def test_it_defines_every_indicator_in_both_languages(keyed):
    rows = keyed.get("/api/v1/indicators/definitions/").json()
    proposals = next(row for row in rows if row["code"] == "g1.proposals")
    assert proposals["label_en"] == "Proposals"
    assert proposals["label_ja"] != "Proposals" and proposals["definition_en"]
    assert proposals["definition_ja"] != proposals["definition_en"]


# --- Codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["A B/C", "-X", "x" * 41])
def test_it_refuses_codes_outside_the_documented_set_or_clashing_in_case(writer, code):
    AgencyFactory(code="AMED")
    data = {"code": code, "name": "Agency", "country": "JP"}
    response = writer.post("/api/v1/agencies/", data, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_it_never_renames_a_code_through_the_api(writer):
    AgencyFactory(code="NWO", country="NL")
    response = writer.patch("/api/v1/agencies/NWO/", {"code": "NWO2"}, format="json")
    assert response.status_code == 400 and "code" in response.json()
    assert writer.get("/api/v1/agencies/NWO/").status_code == 200
    renamed = writer.patch("/api/v1/agencies/NWO/", {"name": "Dutch Research Council"})
    assert renamed.status_code == 200


@pytest.mark.parametrize(
    ("orcid", "valid"),
    [("0000-0002-1825-0097", True), ("0000-0001-5109-3700", True), ("0000-0002-1694-233X", True)]
    + [("0000-0002-1825-0098", False)],
)
def test_it_checks_the_orcid_check_digit(orcid, valid):
    from django.core.exceptions import ValidationError

    from tests.factories import ResearcherFactory

    researcher = ResearcherFactory.build(orcid=orcid)
    if valid:
        researcher.full_clean()
    else:
        with pytest.raises(ValidationError, match="check digit"):
            researcher.full_clean()


def test_it_shows_the_pis_identifiers(keyed):
    ProposalFactory(jp_pi__orcid="0000-0002-1825-0097", jp_pi__erad_number="12345678")
    pi = keyed.get("/api/v1/proposals/").json()["results"][0]["jp_pi"]
    assert (pi["orcid"], pi["erad_number"]) == ("0000-0002-1825-0097", "12345678")


def test_it_answers_a_code_taken_in_another_case_with_409(writer):
    AgencyFactory(code="AMED")
    data = {"code": "amed", "name": "Agency", "country": "JP"}
    response = writer.post("/api/v1/agencies/", data, format="json")
    assert response.status_code == 409 and set(response.json()) == {"code"}
    assert FundingAgency.objects.count() == 1


@pytest.mark.parametrize("body", [{"country": {}}, {"name_ja": 0}, {"name": True}])
def test_it_refuses_what_is_not_text_where_text_belongs(writer, body):
    # django-countries read `{}` as no country and DRF `0` as "0": an agency lost its country.
    AgencyFactory(code="NWO", country="NL", name_ja="オランダ研究会議")
    response = writer.patch("/api/v1/agencies/NWO/", body, format="json")
    assert response.status_code == 400 and set(response.json()) == set(body)
    agency = FundingAgency.objects.get(code="NWO")
    assert (agency.country.code, agency.name_ja) == ("NL", "オランダ研究会議")


def test_it_takes_a_put_that_repeats_the_code_and_refuses_another(writer):
    AgencyFactory(code="NWO", country="NL")
    record = {"code": "NWO", "name": "Dutch Research Council", "name_ja": "", "country": "NL"}
    assert writer.put("/api/v1/agencies/NWO/", record).status_code == 200
    renamed = writer.put("/api/v1/agencies/NWO/", {**record, "code": "NWO2"})
    assert renamed.status_code == 400 and set(renamed.json()) == {"code"}


def test_it_reads_updated_since_with_any_offset_rfc_3339_allows(keyed):
    AgencyFactory(code="NWO")
    later = keyed.get("/api/v1/agencies/?updated_since=2999-01-01T00:00:00%2B18:28")
    earlier = keyed.get("/api/v1/agencies/?updated_since=0001-01-01T00:00:00%2B23:59")
    assert later.status_code == earlier.status_code == 200
    assert (len(later.json()["results"]), len(earlier.json()["results"])) == (0, 1)
