"""The review figures a proposal stores (issue 18, calls/scores.py): after every door that
writes a review — the reviewer's page, the admin (inline, review page, bulk deletion), the
import (service and command), the demo, the synthetic data's COPY — the stored count, mean
and spread equal those computed from the raw reviews, and `differences` is empty; a
corrupted row is reported. Lists ordered by score and filtered by the partner's country give
what the raw rows give, in a fixed number of queries. (No API endpoint writes reviews.)"""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Avg, Max, Min
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient as Client

from api.services import create_client
from calls import scores, services
from calls.models import Proposal, Review, ReviewPhase
from evaluations import synthetic
from exchange.services import import_table
from tests.conftest import sign_in
from tests.factories import (
    CallFactory,
    ProgramFactory,
    ProposalFactory,
    ResearcherFactory,
    ReviewFactory,
    UserFactory,
)
from tests.test_admin import form_data
from tests.test_admin import url as admin_url
from tests.test_api import crawl
from tests.test_exchange import rows_of

pytestmark = pytest.mark.django_db


def computed(proposal: Proposal) -> tuple:
    """The figures from the raw reviews, as PostgreSQL aggregates them (avg() unrounded)."""
    scored = Review.objects.filter(proposal=proposal, score__isnull=False)
    found = scored.aggregate(mean=Avg("score"), high=Max("score"), low=Min("score"))
    spread = None if found["high"] is None else found["high"] - found["low"]
    return scored.count(), found["mean"], spread


def stored(proposal: Proposal) -> tuple:
    row = Proposal.objects.with_scores().get(pk=proposal.pk)
    return row.review_count, row.review_mean, row.review_spread


def assert_exact(*proposals: Proposal) -> None:
    for proposal in proposals:
        assert stored(proposal) == computed(proposal), proposal.ref
        assert str(stored(proposal)[1]) == str(computed(proposal)[1])  # the same digits
        assert scores.differences(proposal.call.program) == []


@pytest.fixture
def proposal():
    return ProposalFactory(call__review_phase=ReviewPhase.REVIEWING)


# --- The doors ----------------------------------------------------------------------------


def test_it_keeps_the_exact_mean_of_an_uneven_split(proposal):
    for score in ("7", "7", "8.5"):
        ReviewFactory(proposal=proposal, score=Decimal(score))
    assert stored(proposal)[0] == 3
    assert stored(proposal)[1] == computed(proposal)[1] == Decimal("7.5")
    ReviewFactory(proposal=proposal, score=Decimal(6))
    assert_exact(proposal)
    assert str(stored(proposal)[1]) == "7.1250000000000000"  # avg()'s own scale, kept


def test_it_counts_a_submission_on_the_reviewers_page_and_not_a_draft(client, proposal):
    ReviewFactory(proposal=proposal, score=Decimal(4))
    review = ReviewFactory(proposal=proposal, score=None)
    sign_in(client, review.reviewer)
    address = reverse("reviews:save", args=[proposal.pk])
    client.post(address, {"version": review.version, "score": "9", "comment": "draft"})
    assert stored(proposal) == (1, Decimal(4), Decimal(0))  # a draft counts in nothing
    review.refresh_from_db()
    data = {"version": review.version, "score": "9", "comment": "Good", "submit": "1"}
    assert client.post(address, data).status_code == 302
    assert stored(proposal) == (2, Decimal("6.5"), Decimal(5))
    assert_exact(proposal)


def test_it_drops_the_score_of_a_reviewer_who_declares_a_conflict(client, proposal):
    ReviewFactory(proposal=proposal, score=Decimal(4))
    review = ReviewFactory(proposal=proposal, score=Decimal(8))
    proposal.call.review_phase = ReviewPhase.ASSIGNMENT  # conflicts are declared then
    proposal.call.save()
    services.declare_conflict(review, "My former student")
    assert stored(proposal) == (1, Decimal(4), Decimal(0))
    assert_exact(proposal)


def test_it_keeps_the_figures_through_the_admins_review_inline(admin_client, proposal):
    ReviewFactory(proposal=proposal, score=Decimal(5))
    change = admin_url(Proposal, "change", proposal.pk)
    data = form_data(admin_client.get(change))
    added = {"reviews-TOTAL_FORMS": 2, "reviews-1-reviewer": UserFactory(roles=["reviewer"]).pk}
    assert admin_client.post(change, data | added | {"reviews-1-score": "8"}).status_code == 302
    assert stored(proposal) == (2, Decimal("6.5"), Decimal(3))
    data = form_data(admin_client.get(change))
    data["reviews-0-score"] = "9"
    assert admin_client.post(change, data).status_code == 302
    assert stored(proposal)[1] == computed(proposal)[1]
    data = form_data(admin_client.get(change))
    data["reviews-0-DELETE"] = "on"
    assert admin_client.post(change, data).status_code == 302
    assert stored(proposal)[0] == 1
    assert_exact(proposal)


def test_it_keeps_the_figures_through_the_review_admin(admin_client, proposal):
    other = ProposalFactory(call=proposal.call)
    data = {"proposal": proposal.pk, "reviewer": UserFactory(roles=["reviewer"]).pk}
    assert admin_client.post(admin_url(Review, "add"), data | {"score": "6"}).status_code == 302
    review = Review.objects.get()
    ReviewFactory(proposal=proposal, score=Decimal(10))
    assert stored(proposal) == (2, Decimal(8), Decimal(4))
    change = admin_url(Review, "change", review.pk)
    moved = form_data(admin_client.get(change)) | {"proposal": other.pk}
    assert admin_client.post(change, moved).status_code == 302  # to another proposal
    assert stored(proposal) == (1, Decimal(10), Decimal(0))
    assert stored(other) == (1, Decimal(6), Decimal(0))
    delete = admin_url(Review, "delete", review.pk)
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert stored(other) == (0, None, None)
    assert_exact(proposal, other)


def test_it_keeps_the_figures_when_staff_delete_reviews_in_bulk(admin_client, proposal):
    reviews = [ReviewFactory(proposal=proposal, score=Decimal(n)) for n in (3, 6, 9)]
    data = {
        "action": "delete_selected",
        "_selected_action": [reviews[0].pk, reviews[1].pk],
        "post": "yes",
    }
    assert admin_client.post(admin_url(Review), data).status_code == 302
    assert stored(proposal) == (1, Decimal(9), Decimal(0))
    assert_exact(proposal)


def test_it_keeps_the_figures_through_the_import(proposal):
    kept = ReviewFactory(proposal=proposal, score=Decimal(4))
    newcomer = UserFactory(roles=["reviewer"])
    text = (
        "proposal,reviewer,score,comment\n"
        f"{proposal.ref},{kept.reviewer.email},5,\n"
        f"{proposal.ref},{newcomer.email},9,\n"
    )
    result = import_table("reviews", rows_of(text))
    assert result.ok and (result.created, result.updated) == (1, 1)
    assert stored(proposal) == (2, Decimal(7), Decimal(4))
    assert import_table("reviews", rows_of(text), dry_run=True).ok  # a preview writes nothing
    assert_exact(proposal)


def test_it_keeps_the_figures_through_the_import_command(proposal, tmp_path):
    reviewer = UserFactory(roles=["reviewer"])
    path = tmp_path / "reviews.csv"
    path.write_text(f"proposal,reviewer,score,comment\n{proposal.ref},{reviewer.email},7.5,\n")
    call_command("import_data", "reviews", str(path), stdout=io.StringIO())
    assert stored(proposal) == (1, Decimal("7.5"), Decimal(0))
    assert_exact(proposal)


def test_it_keeps_the_figures_of_the_demo():
    call_command("load_demo", stdout=io.StringIO())
    assert scores.differences("ASPIRE") == []
    assert Proposal.objects.filter(call__program__code="ASPIRE", score_count=3).exists()


def test_it_keeps_the_figures_of_the_synthetic_data_set_refreshed_set_based():
    synthetic.generate("S")
    assert scores.differences(synthetic.PROGRAM) == []
    assert not Proposal.objects.filter(score_count=0).exists()  # three reviews each
    # already exact: the set-based refresh writes no row again
    assert scores.refresh_set(Proposal.objects.all()) == 0


def test_it_resets_the_figures_of_a_proposal_whose_reviews_are_gone_set_based(proposal):
    ReviewFactory(proposal=proposal, score=Decimal(5))
    Review.objects.all()._raw_delete(connection.alias)  # as SQL would, behind the ORM
    assert scores.refresh_set(Proposal.objects.all()) == 1
    assert stored(proposal) == (0, None, None)


@pytest.mark.django_db(transaction=True)
def test_it_counts_both_of_two_reviewers_submitting_at_once():
    """Each submission recomputes under the proposal's lock, after the other committed."""
    proposal = ProposalFactory(call__review_phase=ReviewPhase.REVIEWING)
    reviews = [ReviewFactory(proposal=proposal, score=None) for _ in range(2)]
    barrier, errors = threading.Barrier(2), []

    def submit(review: Review, score: int) -> None:
        try:
            barrier.wait()
            services.save_review(review, review.version, Decimal(score), "", True, review.reviewer)
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    pairs = zip(reviews, (4, 9), strict=True)
    threads = [threading.Thread(target=submit, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored(proposal) == (2, Decimal("6.5"), Decimal(5))


# --- Checking -----------------------------------------------------------------------------


def test_it_reports_a_corrupted_row_and_only_that_one(proposal):
    ReviewFactory(proposal=proposal, score=Decimal(6))
    sound = ReviewFactory(proposal__call=proposal.call, score=Decimal(8)).proposal
    Proposal.objects.filter(pk=proposal.pk).update(score_mean=Decimal(9), score_count=4)
    found = scores.differences(proposal.call.program)
    assert len(found) == 1 and proposal.ref in found[0] and sound.ref not in found[0]
    assert "9" in found[0] and "6" in found[0]  # what is stored, what the reviews give
    scores.refresh([proposal.pk])
    assert scores.differences(proposal.call.program.code) == []


def test_it_reports_a_stale_partner_country(proposal):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        Proposal.objects.filter(pk=proposal.pk).update(partner_country="FR")
    found = scores.differences(proposal.call.program)
    assert len(found) == 1 and "FR" in found[0] and "US" in found[0]


# --- The partner's country ------------------------------------------------------------------


def test_it_stores_the_partner_country_whoever_changes_it():
    proposal = ProposalFactory(partner_pi__country="DE")
    assert Proposal.objects.get(pk=proposal.pk).partner_country == "DE"
    researcher = proposal.partner_pi
    researcher.country = "FR"
    researcher.save()
    assert Proposal.objects.get(pk=proposal.pk).partner_country == "FR"
    proposal.partner_pi = ResearcherFactory(country="KR")
    proposal.save()
    assert Proposal.objects.get(pk=proposal.pk).partner_country == "KR"
    Proposal.objects.filter(pk=proposal.pk).update(partner_pi=None, partner_country="GB")
    assert Proposal.objects.get(pk=proposal.pk).partner_country == ""  # what a writer sent
    assert scores.differences(proposal.call.program) == []


def test_it_sets_right_a_partner_country_an_insert_gives_wrong():
    # A writer may give the country (the proposals import's COPY does): kept where it is
    # the partner PI's, set right where it is not, in the same statement.
    call, pi = CallFactory(), ResearcherFactory()
    german, french = ResearcherFactory(country="DE"), ResearcherFactory(country="FR")
    given = {"A": (german, "DE"), "B": (french, "US"), "C": (None, "GB"), "D": (french, "")}
    Proposal.objects.bulk_create(
        Proposal(call=call, ref=ref, title=ref, jp_pi=pi, partner_pi=partner, partner_country=c)
        for ref, (partner, c) in given.items()
    )
    stored = dict(Proposal.objects.order_by("ref").values_list("ref", "partner_country"))
    assert stored == {"A": "DE", "B": "FR", "C": "", "D": "FR"}
    assert scores.differences(call.program) == []


# --- The lists ---------------------------------------------------------------------------


@pytest.fixture
def keyed():
    _client, key = create_client("scores")
    api = Client()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def scored_world(size: int) -> None:
    program = ProgramFactory()
    calls = CallFactory.create_batch(2, program=program)
    countries = ["US", "DE", "FR"]
    for n in range(size):
        proposal = ProposalFactory(
            call=calls[n % 2],
            partner_pi=ResearcherFactory(country=countries[n % 3]) if n % 5 else None,
            panel_score=Decimal("6.25") if n % 7 == 0 else None,
        )
        for k in range(n % 4):  # none to three reviews: ties, NULLs, uneven means
            ReviewFactory(proposal=proposal, score=Decimal(3 + (n * (k + 1)) % 8))


def expected_by_score(descending: bool, ties_descending: bool = False) -> list[str]:
    """The proposals by final score from the raw reviews, NULLs where PostgreSQL puts them
    (first descending, last ascending), ties by primary key."""
    rows = []
    for proposal in Proposal.objects.order_by("pk"):
        mean = computed(proposal)[1]
        rows.append((proposal.panel_score if proposal.panel_score is not None else mean, proposal))
    tie = -1 if ties_descending else 1
    present = [row for row in rows if row[0] is not None]
    present.sort(key=lambda row: ((-row[0] if descending else row[0]), tie * row[1].pk))
    missing = sorted((row for row in rows if row[0] is None), key=lambda row: tie * row[1].pk)
    ordered = missing + present if descending else present + missing
    return [proposal.ref for _score, proposal in ordered]


@pytest.mark.parametrize("ordering", ["final_score", "-final_score"])
def test_it_orders_by_the_score_its_reviews_give(keyed, ordering):
    scored_world(40)
    rows = crawl(keyed, f"/api/v1/proposals/?ordering={ordering}&page_size=7")
    assert [row["ref"] for row in rows] == expected_by_score(ordering.startswith("-"))
    for row in rows[:5]:
        proposal = Proposal.objects.get(ref=row["ref"])
        final = proposal.panel_score if proposal.panel_score is not None else computed(proposal)[1]
        assert row["final_score"] == (None if final is None else float(round(final, 2)))


def test_it_filters_by_the_partner_pis_country(keyed):
    scored_world(30)
    for country in ["US", "DE", "BR"]:
        rows = crawl(keyed, f"/api/v1/proposals/?partner_country={country}&page_size=4")
        expected = Proposal.objects.filter(partner_pi__country=country).order_by("ref")
        assert [row["ref"] for row in rows] == [p.ref for p in expected]
        assert all(row["partner_pi"]["country"] == country for row in rows)


@pytest.mark.parametrize("column, descending", [("-6", True), ("6", False)])
def test_it_ranks_the_admins_proposals_by_the_score_their_reviews_give(
    admin_client, column, descending
):
    scored_world(20)
    page = admin_client.get(admin_url(Proposal) + f"?o={column}")  # the final score
    refs = [proposal.ref for proposal in page.context["cl"].result_list]
    assert refs == expected_by_score(descending, ties_descending=True)  # the admin adds -pk


@pytest.mark.parametrize("size", [5, 120])
@pytest.mark.parametrize("query", ["?ordering=-final_score", "?partner_country=US"])
def test_it_orders_and_filters_in_a_fixed_number_of_queries(
    keyed, django_assert_num_queries, size, query
):
    scored_world(size)
    # 1 the key, 2 its first use, 3 the page (the stored score and country: no subquery)
    with django_assert_num_queries(3):
        response = keyed.get(f"/api/v1/proposals/{query}")
    assert response.status_code == 200
    assert 0 < len(response.json()["results"]) <= 50
    nxt = response.json()["next"] or f"/api/v1/proposals/{query}"
    # a later page: the key (its use was just recorded), the page
    with django_assert_num_queries(2):
        assert keyed.get(nxt).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_it_refreshes_a_submissions_figures_and_its_calls_in_as_many_queries(
    django_assert_num_queries, size, proposal
):
    for _ in range(size):
        ReviewFactory(proposal=proposal, score=Decimal(5))
    review = ReviewFactory(proposal=proposal, score=None)
    review.score = Decimal(9)
    # 1 the review, 2 its history row, 3 the proposal locked, 4 its figures recomputed,
    # then its call's (calls/figures.py): 5 the call's refresh lock, 6 the stored counts
    # that no longer hold deleted, 7 the new ones inserted, 8-9 the same for its PIs'
    # h-indexes
    with django_assert_num_queries(9):
        review.save(update_fields=["score"])
    assert stored(proposal)[0] == size + 1


def test_it_leaves_the_figures_alone_on_a_write_that_cannot_change_them(
    django_assert_num_queries, proposal
):
    review = ReviewFactory(proposal=proposal, score=None)  # an assignment
    review.due_on = datetime.date(2027, 1, 31)
    # 1 the review, 2 its history row: no refresh
    with django_assert_num_queries(2):
        review.save(update_fields=["due_on"])


@pytest.mark.parametrize("size", [60, 200])
def test_it_reads_the_unscored_apart_only_on_the_page_where_scores_end_going_up(keyed, size):
    scored_world(size)
    query = "/api/v1/proposals/?ordering=final_score&page_size=25"
    url, costs, refs = query, [], []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = keyed.get(url).json()
        costs.append(len(queries))
        refs += [row["ref"] for row in page["results"]]
        url = page["next"]
    assert refs == expected_by_score(descending=False)
    unscored = [r for r in refs if Proposal.objects.get(ref=r).score_final is None]
    boundary = refs.index(unscored[0]) // 25  # the page on which the scores end
    # 1 the key, 2 its first use, 3 the page; later pages: the key, the page; the page
    # where the scores end (if not the first) also its unscored rows
    expected = [3] + [2] * (len(costs) - 1)
    if boundary:
        expected[boundary] += 1
    assert costs == expected
