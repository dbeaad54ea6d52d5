"""Proposals imported a batch at a time (exchange/batches.py): the contract's rules kept,
in a number of queries that does not grow with the rows of a batch, history written."""

import io

import pytest
from django.urls import reverse

from calls.models import Proposal, Researcher
from exchange.batches import BATCH
from exchange.services import import_table, read_table, write_csv
from tests.factories import CallFactory, ProposalFactory, ResearcherFactory

# Imports and uploads are jobs: here they run in the request, as in the demo.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]

HEADER = [
    "call",
    "ref",
    "title",
    "status",
    "jp_pi_name",
    "jp_pi_institution",
    "jp_pi_hindex",
    "partner_pi_name",
    "partner_pi_institution",
    "partner_pi_country",
    "partner_pi_hindex",
    "panel_score",
]


def proposals(call_code: str, count: int, start: int = 0) -> list[list[str]]:
    """Rows of new proposals, each with a new Japanese PI and a partner PI shared by all."""
    return [
        [call_code, f"NEW-{n:05d}", f"Proposal {n}", "submitted", f"PI {n}", "Kyoto", "12"]
        + ["Partner", "MIT", "US", "30", "7.5"]
        for n in range(start, start + count)
    ]


def table(rows: list[list[str]]) -> list[dict]:
    return read_table(write_csv([HEADER, *rows]), "proposals.csv")


def test_it_imports_proposals_in_the_same_number_of_queries_for_more_rows(
    django_assert_num_queries,
):
    call = CallFactory()
    # Two savepoints (the import's, the batched path's) and their releases; the proposals,
    # calls and researchers named; the new researchers; the ids of the new proposals. The
    # proposals and their history go in with COPY, which Django's cursor does not count.
    # Then, once, the touched calls' figures (calls/figures.py): the refresh lock, the
    # stale counts deleted and the new inserted, the same for the PIs' h-indexes.
    for count, start in ((3, 0), (60, 100)):
        with django_assert_num_queries(14):
            result = import_table("proposals", table(proposals(call.code, count, start)))
        assert result.created == count
    # Unchanged, the same file only reads.
    with django_assert_num_queries(7):
        assert import_table("proposals", table(proposals(call.code, 60, 100))).unchanged == 60


def test_it_stores_the_partner_country_of_the_proposals_it_creates():
    call = CallFactory()
    known = ResearcherFactory(name="Known", institution="ETH", country="CH")
    rows = proposals(call.code, 3)
    rows[1][7:11] = ["Known", "ETH", "", ""]  # a stored researcher, country not repeated
    rows[2][7:11] = ["", "", "", ""]  # no partner
    import_table("proposals", table(rows))
    stored = dict(Proposal.objects.values_list("ref", "partner_country"))
    assert stored == {"NEW-00000": "US", "NEW-00001": known.country, "NEW-00002": ""}


def test_it_keeps_the_history_of_what_an_import_creates_and_changes():
    call = CallFactory()
    import_table("proposals", table(proposals(call.code, 2)))
    proposal = Proposal.objects.get(ref="NEW-00000")
    assert [h.history_type for h in proposal.history.all()] == ["+"]
    assert proposal.history.get().title == "Proposal 0"
    changed = proposals(call.code, 2)
    changed[0][HEADER.index("title")] = "A better title"
    result = import_table("proposals", table(changed))
    assert (result.updated, result.unchanged) == (1, 1)
    assert [h.title for h in proposal.history.order_by("history_date")] == [
        "Proposal 0",
        "A better title",
    ]
    assert Proposal.objects.get(ref="NEW-00001").history.count() == 1


def test_it_records_who_imported_through_the_admin(admin_client, admin_user):
    call = CallFactory()
    url = reverse("exchange:import", args=["proposals"])
    content = write_csv([HEADER, *proposals(call.code, 1)])
    file = _upload(content, "proposals.csv")
    token = admin_client.post(url, {"file": file}).context["token"]
    admin_client.post(url, {"token": token})
    history = Proposal.objects.get(ref="NEW-00000").history.get()
    assert (history.history_type, history.history_user) == ("+", admin_user)


def test_it_shares_a_researcher_made_in_one_batch_with_the_next():
    call = CallFactory()
    rows = proposals(call.code, BATCH + 1)
    result = import_table("proposals", table(rows))
    assert result.created == BATCH + 1
    assert Researcher.objects.filter(name="Partner", institution="MIT").count() == 1
    assert Proposal.objects.filter(partner_pi__name="Partner").count() == BATCH + 1


def test_it_names_the_first_row_of_a_ref_given_twice_in_another_batch():
    call = CallFactory()
    rows = proposals(call.code, BATCH)
    rows.append(list(rows[0]))  # the last row, in the second batch, repeats the first
    result = import_table("proposals", table(rows))
    assert result.errors == [
        f"row {BATCH + 2}, column ref: this row names the same record as row 2."
    ]
    assert not Proposal.objects.exists()  # all or nothing: the first batch is rolled back
    assert not Researcher.objects.exists()


def test_it_reports_every_problem_of_a_batch_in_row_order():
    call = CallFactory()
    rows = proposals(call.code, 4)
    rows[0][HEADER.index("panel_score")] = "11"
    rows[1][HEADER.index("call")] = "NOPE"
    rows[2][HEADER.index("status")] = "lost"
    rows[3][HEADER.index("jp_pi_hindex")] = "-1"
    result = import_table("proposals", table(rows))
    assert result.errors == [
        "row 2, column panel_score: Ensure this value is less than or equal to 10.",
        "row 3, column call: unknown call 'NOPE'.",
        "row 4, column status: 'lost' is not one of submitted, under_review, adopted, "
        "rejected, withdrawn.",
        "row 5, column jp_pi_hindex: Ensure this value is greater than or equal to 0.",
    ]
    assert not Proposal.objects.exists()


def test_it_reports_a_bad_value_on_every_row_that_repeats_it():
    # The check of a number is kept by value (aspire/validation.py): each row still says it.
    call = CallFactory()
    rows = proposals(call.code, 3)
    for row in rows:
        row[HEADER.index("panel_score")] = "11"
    result = import_table("proposals", table(rows))
    message = "column panel_score: Ensure this value is less than or equal to 10."
    assert result.errors == [f"row {number}, {message}" for number in (2, 3, 4)]


def test_it_keeps_a_known_pi_and_writes_no_researcher_for_rows_that_agree_with_it():
    call = CallFactory()
    known = ResearcherFactory(name="Partner", institution="MIT", country="US", h_index=30)
    result = import_table("proposals", table(proposals(call.code, 3)))
    assert result.created == 3
    assert Researcher.objects.filter(name="Partner").get() == known
    assert set(Proposal.objects.values_list("partner_pi", flat=True)) == {known.pk}


def test_it_refuses_a_new_pi_fact_that_disagrees_with_an_earlier_row_of_another_batch():
    call = CallFactory()
    known = ResearcherFactory(name="PI 0", institution="Kyoto", h_index=12)
    rows = proposals(call.code, BATCH + 1)
    rows[-1][HEADER.index("jp_pi_name")] = "PI 0"
    rows[-1][HEADER.index("jp_pi_hindex")] = "13"
    result = import_table("proposals", table(rows))
    assert result.errors == [
        f"row {BATCH + 2}, column jp_pi_hindex: row 2 gives the same researcher another value."
    ]
    known.refresh_from_db()
    assert known.h_index == 12


def test_it_updates_a_pi_named_by_an_existing_proposal():
    proposal = ProposalFactory(jp_pi__h_index=5)
    pi = proposal.jp_pi
    row = [proposal.call.code, proposal.ref, proposal.title, proposal.status, pi.name]
    row += [pi.institution, "6", "", "", "", "", ""]
    result = import_table("proposals", table([row]))
    assert (result.updated, result.unchanged) == (1, 0)
    pi.refresh_from_db()
    assert pi.h_index == 6
    proposal.refresh_from_db()
    assert proposal.partner_pi is None
    assert proposal.history.count() == 2  # the factory's save, then the import's update


def _upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file
