"""Outputs written by other systems through the API (issue 17): a university's research
information system pushes its papers into the draft reports of its programs' projects,
through the report page's door (projects.reporting), with the key in the history."""

import pytest
from rest_framework.test import APIClient as Client

from projects.models import Event, Paper, ReportStatus
from tests.conftest import keyed_client
from tests.factories import (
    EventFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

PAPER = {
    "doi": "10.1234/pushed.1",
    "title": "A pushed paper",
    "journal": "Cell",
    "published_on": "2024-07-01",
    "international_coauthored": True,
}


@pytest.fixture
def draft():
    return ReportFactory(status=ReportStatus.DRAFT, fiscal_year=2024)


def client_for(*programs, can_write=True) -> Client:
    name = "university-ris" if can_write else "read-only"
    return keyed_client(name, can_write=can_write, programs=programs)


def _program(report):
    return report.project.proposal.call.program


def _post(api, report, **changes):
    body = PAPER | {"project": report.project.code, "fiscal_year": report.fiscal_year} | changes
    return api.post("/api/v1/papers/", body, format="json")


def test_it_adds_a_paper_to_a_draft_report_with_the_key_in_its_history(draft):
    response = _post(client_for(_program(draft)), draft)
    assert response.status_code == 201, response.json()
    paper = Paper.objects.get()
    assert (paper.report, paper.project, paper.doi) == (draft, draft.project, PAPER["doi"])
    assert response["Location"].endswith(f"/api/v1/papers/{paper.pk}/")
    assert response["ETag"] == f'"{paper.version}"'
    entry = paper.history.get()
    assert entry.history_user is None
    assert entry.history_change_reason.startswith("API client university-ris (")


def test_it_answers_409_with_the_address_of_a_paper_there_already(draft):
    api = client_for(_program(draft))
    first = _post(api, draft).json()
    response = _post(api, draft, doi=PAPER["doi"].upper())  # a DOI ignores case
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert response["Location"].endswith(f"/api/v1/papers/{first['id']}/")
    assert Paper.objects.count() == 1


def test_it_changes_a_paper_with_if_match_and_refuses_a_stale_copy(draft):
    api = client_for(_program(draft))
    created = _post(api, draft)
    address, tag = created["Location"], created["ETag"]
    changed = api.patch(address, {"journal": "Science"}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 200, changed.json()
    assert Paper.objects.get().journal == "Science"
    stale = api.patch(address, {"journal": "Lancet"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert Paper.objects.get().journal == "Science"
    assert Paper.objects.get().history.count() == 2  # created, changed: not the refusal


def test_it_deletes_a_paper_of_a_draft(draft):
    api = client_for(_program(draft))
    address = _post(api, draft)["Location"]
    assert api.delete(address).status_code == 204
    assert not Paper.objects.exists()


def test_it_refuses_every_write_to_a_report_handed_in(draft):
    api = client_for(_program(draft))
    address = _post(api, draft)["Location"]
    draft.status = ReportStatus.SUBMITTED
    draft.save()
    assert _post(api, draft, doi="10.1234/late", title="Late").status_code == 409
    patch = api.patch(address, {"journal": "Science"}, format="json")
    assert (patch.status_code, patch.json()["code"]) == (409, "frozen")
    assert api.delete(address).status_code == 409
    assert Paper.objects.get().journal == PAPER["journal"]


def test_it_keeps_a_key_to_the_projects_of_its_programs(draft):
    other = client_for(ProgramFactory())
    response = _post(other, draft)
    assert response.status_code == 404 and "project" in response.json()
    stored = PaperFactory(report=draft)
    patch = other.patch(f"/api/v1/papers/{stored.pk}/", {"journal": "X"}, format="json")
    assert patch.status_code == 404
    assert Paper.objects.count() == 1


def test_it_refuses_a_read_key_and_a_year_without_report(draft):
    assert _post(client_for(_program(draft), can_write=False), draft).status_code == 403
    # No report of that year: named like an unknown project, 404 with the field
    response = _post(client_for(_program(draft)), draft, fiscal_year=2030)
    assert response.status_code == 404 and "fiscal_year" in response.json()
    assert not Paper.objects.exists()


def test_it_refuses_what_the_report_page_refuses(draft):
    # The same rules as the page: a paper another year of the project reported already.
    earlier = ReportFactory(project=draft.project, fiscal_year=2023)
    PaperFactory(report=earlier, doi="10.1234/old", title="Old")
    response = _post(client_for(_program(draft)), draft, doi="10.1234/old", title="Old")
    assert response.status_code == 409, response.json()
    assert Paper.objects.count() == 1


# --- PUT by natural key: create or replace -----------------------------------------------


def _put(api, report, query: str, headers=None, **changes):
    body = PAPER | {"project": report.project.code, "fiscal_year": report.fiscal_year} | changes
    body = {name: value for name, value in body.items() if value is not None}
    return api.put(f"/api/v1/papers/by-key/?{query}", body, format="json", headers=headers or {})


def test_it_creates_then_replaces_a_paper_put_at_its_natural_key(draft):
    api = client_for(_program(draft))
    query = f"project={draft.project.code}&doi={PAPER['doi']}"
    created = _put(api, draft, query)
    assert created.status_code == 201, created.json()
    paper = Paper.objects.get()
    assert created["Location"].endswith(f"/api/v1/papers/{paper.pk}/")
    replaced = _put(api, draft, query, journal=None, title="Retitled")  # journal left out
    assert replaced.status_code == 200, replaced.json()
    assert replaced["Location"] == created["Location"]
    paper.refresh_from_db()
    assert (paper.title, paper.journal) == ("Retitled", "")  # the row is the body
    again = _put(api, draft, query, journal=None, title="Retitled")
    assert again.status_code == 200 and Paper.objects.count() == 1
    entries = list(paper.history.order_by("history_date"))
    assert [entry.history_type for entry in entries] == ["+", "~"]  # the same again: nothing
    assert all(e.history_change_reason.startswith("API client university-ris (") for e in entries)


def test_it_puts_a_paper_without_a_doi_at_its_title(draft):
    api = client_for(_program(draft))
    query = f"project={draft.project.code}&title=Untitled+work"
    assert _put(api, draft, query, doi="", title="Untitled work").status_code == 201
    assert _put(api, draft, query, doi="", title="Untitled work", journal="X").status_code == 200
    assert Paper.objects.get().journal == "X"


def test_it_honours_if_match_and_if_none_match_on_a_put(draft):
    api = client_for(_program(draft))
    query = f"project={draft.project.code}&doi={PAPER['doi']}"
    absent = _put(api, draft, query, headers={"If-Match": '"1"'})
    assert absent.status_code == 412 and not Paper.objects.exists()
    tag = _put(api, draft, query)["ETag"]
    assert _put(api, draft, query, headers={"If-None-Match": "*"}).status_code == 412
    assert _put(api, draft, query, journal="Nature", headers={"If-Match": tag}).status_code == 200
    stale = _put(api, draft, query, journal="Lancet", headers={"If-Match": tag})
    assert stale.status_code == 412 and Paper.objects.get().journal == "Nature"


def test_it_writes_the_row_its_address_names_whatever_the_body_says(draft):
    api = client_for(_program(draft))
    other = _put(api, draft, f"project={draft.project.code}&doi=10.1234/other")
    assert other.status_code == 201 and Paper.objects.get().doi == "10.1234/other"
    unnamed = _put(api, draft, "")
    assert unnamed.status_code == 400 and set(unnamed.json()) == {"project"}
    unknown = _put(api, draft, f"project={draft.project.code}&doi={PAPER['doi']}&x=1")
    assert unknown.status_code == 400 and "x" in unknown.json()
    by_body = _put(api, draft, f"project={draft.project.code}")  # a paper: named by its DOI
    assert by_body.status_code == 201 and Paper.objects.count() == 2
    assert _put(api, draft, f"project={draft.project.code}").status_code == 200


def test_it_keeps_a_handed_in_report_frozen_to_a_put(draft):
    api = client_for(_program(draft))
    query = f"project={draft.project.code}&doi={PAPER['doi']}"
    _put(api, draft, query)
    draft.status = ReportStatus.SUBMITTED
    draft.save()
    refused = _put(api, draft, query, journal="Changed")
    assert refused.status_code == 409 and refused.json()["code"] == "frozen"
    assert Paper.objects.get().journal == PAPER["journal"]


def test_it_puts_a_presentation_at_its_title_and_day(draft):
    api = client_for(_program(draft))
    body = {
        "project": draft.project.code,
        "fiscal_year": draft.fiscal_year,
        "title": "Talk",
        "conference": "ICML",
        "country": "US",
        "presented_on": "2024-07-01",
        "international": True,
    }
    key = f"project={draft.project.code}&title=Talk&presented_on=2024-07-01"
    url = f"/api/v1/presentations/by-key/?{key}"
    assert api.put(url, body, format="json").status_code == 201
    replaced = api.put(url, body | {"conference": "NeurIPS"}, format="json")
    assert replaced.status_code == 200, replaced.json()
    assert draft.presentations.get().conference == "NeurIPS"
    missing = api.put(url.split("&presented_on")[0], body, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"presented_on"}


def test_it_puts_an_event_at_its_title_and_day_and_only_with_a_write_key(draft):
    body = {
        "project": draft.project.code,
        "fiscal_year": draft.fiscal_year,
        "kind": "workshop",
        "title": "Joint workshop",
        "held_on": "2024-09-10",
        "country": "JP",
        "participants": 40,
    }
    key = f"project={draft.project.code}&title=Joint+workshop&held_on=2024-09-10"
    url = f"/api/v1/events/by-key/?{key}"
    refused = client_for(_program(draft), can_write=False).put(url, body, format="json")
    assert refused.status_code == 403 and not draft.events.exists()
    api = client_for(_program(draft))
    assert api.put(url, body, format="json").status_code == 201
    assert api.put(url, body | {"participants": 45}, format="json").status_code == 200
    assert list(draft.events.values_list("participants", flat=True)) == [45]


def test_it_documents_the_keys_title_as_long_as_the_kinds_title(draft):
    # schemathesis found it: an event's title in the address was documented with a
    # paper's 1,000 characters, so a "valid" long title was refused with a 400.
    schema = Client().get("/api/schema/?format=json").json()["paths"]
    for kind, model in (("events", Event), ("papers", Paper)):
        put = schema[f"/api/v1/{kind}/by-key/"]["put"]["parameters"]
        title = next(p for p in put if p["name"] == "title")["schema"]
        assert title["maxLength"] == model._meta.get_field("title").max_length
    api = client_for(_program(draft))
    url = f"/api/v1/events/by-key/?project=NOPE&title={'0' * 500}&held_on=2024-09-10"
    body = {"fiscal_year": 2024, "kind": "workshop", "country": "JP", "participants": 1}
    response = api.put(url, body, format="json")
    assert response.status_code == 404 and "project" in response.json()


# --- What a PUT by natural key costs, however many rows are there ----------------------------

# Each kind's body, the query naming its key, and a change for the replacing PUT.
BY_KEY = {
    "papers": (PAPER, f"doi={PAPER['doi']}", {"journal": "Nature"}),
    "presentations": (
        {
            "title": "Talk",
            "conference": "ICML",
            "country": "US",
            "presented_on": "2024-07-01",
            "international": True,
        },
        "title=Talk&presented_on=2024-07-01",
        {"conference": "NeurIPS"},
    ),
    "events": (
        {
            "kind": "workshop",
            "title": "Joint workshop",
            "held_on": "2024-09-10",
            "country": "JP",
            "participants": 40,
        },
        "title=Joint+workshop&held_on=2024-09-10",
        {"participants": 45},
    ),
}
OUTPUT_FACTORIES = {
    "papers": PaperFactory,
    "presentations": PresentationFactory,
    "events": EventFactory,
}

# A PUT that creates: the transaction of the request (its savepoint and release); the key
# and its first use recorded; the project by its code among the key's programs; the report
# of its fiscal year (the project comes with it, read just before); the row its key
# names, not there; then projects.reporting.add_row: its savepoint and release, the report
# locked, the same output in another of the project's reports (reported_elsewhere, one
# query however many), the insert and its history row, the figures of the output's report
# (indicators.md, kept by projects/figures.py: stale ones deleted, the new inserted);
# last the audit entry of the write.
PUT_CREATES = 16
# A PUT that replaces: the same up to the row its key names, found (no first use of the
# key: its use was recorded by the creating PUT, to the minute); that row within the key's
# scope; then projects.reporting.edit_row: its savepoint and release, the report locked,
# aspire.versions.save_edit's savepoint and release and its row locked, the rules
# (check_row: the stored row and its report, the same output elsewhere), the report the
# output's save takes its project from, the ORM's guard (aspire/frozen.py: the stored row
# and its report again), the update and its history row, the figures (deleted, inserted);
# the audit entry. The answer's project is the report's, read already.
PUT_REPLACES = 24
# A paper's change may change the key it is counted under: the figures read the stored
# key first (projects.figures._remember).
PAPER_KEY_BEFORE = 1


@pytest.mark.parametrize("size", [1, 20])
@pytest.mark.parametrize("kind", BY_KEY)
def test_it_puts_by_natural_key_in_a_fixed_number_of_queries(
    draft, django_assert_num_queries, kind, size
):
    # The rows among which the key is looked for: in this report and in last year's.
    OUTPUT_FACTORIES[kind].create_batch(size, report=draft)
    earlier = ReportFactory(project=draft.project, fiscal_year=2023)
    OUTPUT_FACTORIES[kind].create_batch(size, report=earlier)
    body, key, change = BY_KEY[kind]
    body = body | {"project": draft.project.code, "fiscal_year": draft.fiscal_year}
    url = f"/api/v1/{kind}/by-key/?project={draft.project.code}&{key}"
    api = client_for(_program(draft))
    with django_assert_num_queries(PUT_CREATES):
        assert api.put(url, body, format="json").status_code == 201
    replacing = PUT_REPLACES + (PAPER_KEY_BEFORE if kind == "papers" else 0)
    with django_assert_num_queries(replacing):
        assert api.put(url, body | change, format="json").status_code == 200
