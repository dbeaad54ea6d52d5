"""The reviewer's pages (issue 14): assignments, a proposal, its PDF, drafts, submissions,
refusals that save nothing, conflicts declared; staff's bulk assignment and workload."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls import conflicts, services
from calls.models import (
    ConflictOfInterest,
    ProposalDocument,
    Review,
    ReviewerAffiliation,
    ReviewPhase,
    validate_pdf,
)
from tests.conftest import sign_in
from tests.factories import (
    AgencyFactory,
    MemberFactory,
    PaperFactory,
    ProjectFactory,
    ProposalFactory,
    ResearcherFactory,
    ReviewFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def assigned(db, client):
    review = ReviewFactory(score=None, due_on=datetime.date(2026, 12, 24))
    call = review.proposal.call
    call.review_phase = ReviewPhase.REVIEWING
    call.save()
    sign_in(client, review.reviewer)
    return review


def _post(client, review, **data):
    url = reverse("reviews:save", args=[review.proposal_id])
    return client.post(url, {"version": review.version, **data})


def test_it_lists_the_reviewers_assignments_with_their_due_dates(client, assigned):
    ReviewFactory(score=None)  # someone else's
    page = client.get(reverse("reviews:mine")).content.decode()
    assert assigned.proposal.ref in page and "Dec. 24, 2026" in page
    assert page.count("/reviews/proposals/") == 1


def test_it_answers_404_for_a_proposal_not_assigned(client, assigned):
    stranger = ProposalFactory()
    assert client.get(reverse("reviews:proposal", args=[stranger.pk])).status_code == 404
    assert _post(client, Review(proposal=stranger, version=1), score=5).status_code == 404


def test_it_saves_a_draft_that_does_not_count_then_a_submission_that_does(client, assigned):
    response = _post(client, assigned, score="8", comment="Promising", draft="1")
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert (assigned.draft_score, assigned.score, assigned.status) == (Decimal(8), None, "draft")
    _post(client, assigned, score="9", comment="Strong", submit="1")
    assigned.refresh_from_db()
    assert (assigned.score, assigned.comment) == (Decimal(9), "Strong")
    assert assigned.status == "submitted" and assigned.submitted_at is not None
    reasons = [h.history_change_reason for h in assigned.history.order_by("history_id")]
    assert reasons[-2:] == ["draft", "submitted"]


@pytest.mark.parametrize("score", ["0", "11", "-3", "abc"])
def test_it_refuses_a_score_off_the_scale_and_saves_nothing(client, assigned, score):
    response = _post(client, assigned, score=score, submit="1")
    assert response.status_code == 400
    assert b"errorlist" in response.content
    assigned.refresh_from_db()
    assert assigned.score is None and assigned.draft_score is None and assigned.version == 1


def test_it_refuses_a_review_after_the_phase_closed_and_saves_nothing(client, assigned):
    call = assigned.proposal.call
    call.review_phase = ReviewPhase.CLOSED
    call.save()
    response = _post(client, assigned, score="7", submit="1")
    assert response.status_code == 400
    assert b"closed to scoring" in response.content
    assigned.refresh_from_db()
    assert assigned.score is None


def test_it_refuses_an_edit_that_would_overwrite_another_one(client, assigned):
    services.save_review(assigned, assigned.version, Decimal(6), "", True, assigned.reviewer)
    response = _post(client, assigned, score="3", submit="1")  # started from version 1
    assert response.status_code == 409
    assigned.refresh_from_db()
    assert assigned.score == Decimal(6)


def test_it_shows_the_pdf_to_the_reviewer_and_not_to_another(client, assigned, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = ProposalDocument.objects.create(
        proposal=assigned.proposal, file=SimpleUploadedFile("p.pdf", PDF)
    )
    url = reverse("reviews:document", args=[assigned.proposal_id, document.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    sign_in(client, UserFactory(roles=["reviewer"]))
    assert client.get(url).status_code == 404


def test_it_accepts_only_pdfs_of_limited_size(settings):
    validate_pdf(SimpleUploadedFile("p.pdf", PDF))
    with pytest.raises(ValidationError, match="PDF"):
        validate_pdf(SimpleUploadedFile("p.pdf", b"PK\x03\x04 a zip"))
    with pytest.raises(ValidationError, match="PDF"):
        validate_pdf(SimpleUploadedFile("p.exe", PDF))
    settings.PROPOSAL_FILE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="larger"):
        validate_pdf(SimpleUploadedFile("p.pdf", PDF))


def test_it_removes_the_assignment_when_the_reviewer_declares_a_conflict(client, assigned):
    url = reverse("reviews:conflict", args=[assigned.proposal_id])
    assert client.post(url, {"reason": "My former student"}).status_code == 302
    assert not Review.objects.filter(pk=assigned.pk).exists()
    conflict = ConflictOfInterest.objects.get(proposal=assigned.proposal)
    assert conflict.reason == "My former student"
    with pytest.raises(ValidationError, match="declared"):
        services.assign_reviewer(assigned.proposal, assigned.reviewer)


def test_it_shows_others_scores_only_in_a_panel_that_allows_it(client, assigned):
    other = ReviewFactory(proposal=assigned.proposal, score=Decimal(3), comment="Weak design")
    services.save_review(assigned, 1, Decimal(8), "", True, assigned.reviewer)
    url = reverse("reviews:proposal", args=[assigned.proposal_id])
    assert other.comment not in client.get(url).content.decode()
    call = assigned.proposal.call
    call.review_phase = ReviewPhase.PANEL
    call.save()
    assert other.comment not in client.get(url).content.decode()  # the call does not allow it
    call.reviewers_see_scores = True
    call.save()
    assert other.comment in client.get(url).content.decode()


@pytest.mark.parametrize("size", [2, 6])
@pytest.mark.django_db
def test_it_lists_assignments_in_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    reviewer = UserFactory(roles=["reviewer"])
    for _ in range(size):
        ReviewFactory(reviewer=reviewer, score=None)
    sign_in(client, reviewer)
    # session, user, the user's groups (the second-factor rule asks the roles), the
    # reviews with their proposals, calls and PIs.
    with django_assert_num_queries(4):
        assert client.get(reverse("reviews:mine")).status_code == 200


# --- Conflicts found -------------------------------------------------------------------


def test_it_finds_a_past_institution_within_the_years_and_not_before(db, settings):
    settings.CONFLICT_YEARS = 3
    proposal = ProposalFactory(jp_pi=ResearcherFactory(institution="京都大学"))
    reviewer = UserFactory(roles=["reviewer"], institution="Osaka University")
    this_year = datetime.date.today().year
    affiliation = ReviewerAffiliation.objects.create(
        reviewer=reviewer, institution="京都大学", end_year=this_year - 5
    )
    assert conflicts.conflicts_of(reviewer, proposal) == []
    affiliation.end_year = this_year - 2
    affiliation.save()
    [found] = conflicts.conflicts_of(reviewer, proposal)
    assert found.kind == "institution" and "京都大学" in found.reason


def test_it_finds_the_staff_of_an_agency_of_the_partner_country(db):
    proposal = ProposalFactory(partner_pi=ResearcherFactory(country="US"))
    reviewer = UserFactory(roles=["reviewer"])
    ReviewerAffiliation.objects.create(reviewer=reviewer, agency=AgencyFactory(country="US"))
    assert [c.kind for c in conflicts.conflicts_of(reviewer, proposal)] == ["agency"]
    other = ProposalFactory(partner_pi=ResearcherFactory(country="DE"))
    assert conflicts.conflicts_of(reviewer, other) == []


def test_it_finds_coauthors_in_openalex(db, openalex_replay):
    reviewer = UserFactory(roles=["reviewer"])
    ResearcherFactory(user=reviewer, orcid="0000-0002-1825-0097")
    by_orcid = ProposalFactory(jp_pi=ResearcherFactory(orcid="0000-0001-5109-3700"))
    by_name = ProposalFactory(partner_pi=ResearcherFactory(name="Maria  GARCIA"))
    stranger = ProposalFactory()
    found = conflicts.find_conflicts(reviewer, [by_orcid, by_name, stranger])
    assert set(found) == {by_orcid.pk, by_name.pk}
    assert "OpenAlex" in found[by_orcid.pk][0].reason


def test_it_still_checks_the_rest_when_openalex_does_not_answer(db, settings):
    settings.OPENALEX_API_URL = "http://127.0.0.1:9"  # nothing listens there
    reviewer = UserFactory(roles=["reviewer"], institution="Tohoku University")
    ResearcherFactory(user=reviewer, orcid="0000-0002-1825-0097")
    proposal = ProposalFactory(jp_pi=ResearcherFactory(institution="Tohoku University"))
    assert [c.kind for c in conflicts.conflicts_of(reviewer, proposal)] == ["institution"]


def test_it_finds_coauthors_in_the_papers_aspire_holds(db):
    pi = ResearcherFactory(name="Taro Yamada")
    proposal = ProposalFactory(jp_pi=pi)
    reviewer = UserFactory(roles=["reviewer"], full_name="Hanako Sato")
    PaperFactory(authors="Hanako Sato, Taro Yamada, Ken Ito")
    [found] = conflicts.conflicts_of(reviewer, proposal)
    assert found.kind == "coauthor" and "Taro Yamada" in found.reason


def test_it_finds_a_reviewer_in_a_project_the_pi_led(db):
    project = ProjectFactory()
    reviewer = UserFactory(roles=["reviewer"])
    MemberFactory(project=project, user=reviewer)
    later = ProposalFactory(jp_pi=project.proposal.jp_pi)
    assert [c.kind for c in conflicts.conflicts_of(reviewer, later)] == ["coauthor"]


# --- Staff ------------------------------------------------------------------------------


def test_it_assigns_in_bulk_and_refuses_conflicted_pairs_with_the_reason(admin_client):
    free = UserFactory(roles=["reviewer"], institution="Nagoya University")
    conflicted = UserFactory(roles=["reviewer"], institution="Hokkaido University")
    proposals = [ProposalFactory(jp_pi=ResearcherFactory(institution="Hokkaido University"))]
    proposals.append(ProposalFactory())
    data = {
        "action": "assign_reviewers",
        "_selected_action": [p.pk for p in proposals],
        "reviewers": [free.pk, conflicted.pk],
    }
    url = reverse("admin:calls_proposal_changelist")
    preview = admin_client.post(url, data).content.decode()
    assert "Hokkaido University" in preview and "Refused" in preview
    assert not Review.objects.exists()
    admin_client.post(url, {**data, "apply": "1"})
    made = set(Review.objects.values_list("proposal", "reviewer"))
    first, second = (p.pk for p in proposals)
    assert made == {(first, free.pk), (second, free.pk), (second, conflicted.pk)}


def test_it_shows_each_reviewers_workload(admin_client):
    reviewer = UserFactory(roles=["reviewer"], full_name="Busy Reviewer")
    ReviewFactory(reviewer=reviewer, score=None, due_on=datetime.date(2020, 1, 1))
    ReviewFactory(reviewer=reviewer, score=None)
    ReviewFactory(reviewer=reviewer)
    page = admin_client.get(reverse("admin:calls_review_workload")).content.decode()
    assert "Busy Reviewer</a></td><td>3</td><td>2</td><td><strong>1</strong></td><td>1</td>" in page


def test_it_shows_mean_median_and_spread_on_the_call_page(admin_client):
    proposal = ProposalFactory()
    for score in (2, 3, 9):
        ReviewFactory(proposal=proposal, score=score)
    page = admin_client.get(reverse("admin:calls_call_change", args=[proposal.call_id]))
    text = page.content.decode()
    assert "4.67" in text and "3.00" in text and "7.00 ⚠" in text


def test_it_lets_an_officer_add_and_invite_a_reviewer(db, client):
    officer = UserFactory(roles=["staff"], is_staff=True)
    from accounts.roles import grant_role_permissions

    grant_role_permissions()
    sign_in(client, officer)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.reviewer@example.org",
            "full_name": "New Reviewer",
            "language": "en",
            "as_reviewer": "on",
            "invite": "on",
            "usable_password": "false",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    [message] = mail.outbox
    assert "/accounts/reset/" in message.body
    from accounts.models import User

    user = User.objects.get(email="new.reviewer@example.org")
    assert user.has_role("reviewer") and not user.has_usable_password()
    # An officer neither sees nor changes staff accounts.
    assert client.get(reverse("admin:accounts_user_change", args=[officer.pk])).status_code == 302


@pytest.mark.parametrize("size", [2, 8])
def test_it_shows_the_workload_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, size
):
    for _ in range(size):
        ReviewFactory(score=None)
    # 1 session, 2 user, 3 the device of the second factor, 4 the reviewers with their
    # counts, 5 the calls of the filter
    with django_assert_num_queries(5):
        page = admin_client.get(reverse("admin:calls_review_workload")).content.decode()
    assert page.count("?reviewer__id__exact=") == size


def test_it_offers_an_officer_reviewers_only_in_the_reviewer_picker(db, client):
    from accounts.roles import grant_role_permissions

    grant_role_permissions()
    officer = UserFactory(roles=["staff"], is_staff=True)
    sign_in(client, officer)
    UserFactory(roles=["reviewer"], full_name="Picker Reviewer")
    UserFactory(roles=["pi"], full_name="Picker PI")
    query = "term=Picker&app_label=calls&model_name=review&field_name=reviewer"
    response = client.get(f"{reverse('admin:autocomplete')}?{query}")
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Picker Reviewer"]
