"""Issue 16, item 3: the committee is not handed the unfunded proposals' titles and PIs at
any door (accounts.rules.visible_proposals and its helpers), while staff still are, and an
adopted proposal stays in the committee's sight. Each door: the admin's lists, change and
history pages, autocompletes and home; the call page; documents; rejection notices;
exports; the dashboard and its drill-downs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from calls.models import (
    Call,
    ConflictOfInterest,
    Proposal,
    ProposalDocument,
    Researcher,
    Review,
    ReviewReminder,
)
from projects.models import Notice
from tests.conftest import sign_in
from tests.factories import (
    CallFactory,
    ConflictFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ResearcherFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 3, 31)
# What no committee page may hold: the unfunded proposals' titles, PIs and references.
REJECTED_TITLE = "Zq-Rejected-Title-8841"
PENDING_TITLE = "Zq-Pending-Title-3307"
UNFUNDED_NAMES = ["Zq-Unfunded-JP-PI", "Zq-Unfunded-Partner-PI", "Zq-Pending-PI"]
UNFUNDED_REFS = ["ZQ-REJ-1", "ZQ-PEND-1"]
WITHHELD = [REJECTED_TITLE, PENDING_TITLE, *UNFUNDED_NAMES]
FUNDED_TITLE = "Zq-Funded-Title-5512"
FUNDED_PI = "Zq-Funded-PI"


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    program = ProgramFactory(code="ZQ")
    call = CallFactory(program=program, code="ZQCALL", adoptable_score=Decimal(6))
    rejected = ProposalFactory(
        call=call,
        ref="ZQ-REJ-1",
        title=REJECTED_TITLE,
        status="rejected",
        panel_score=Decimal(9),  # adoptable, not adopted: the dashboard's list
        jp_pi=ResearcherFactory(name="Zq-Unfunded-JP-PI"),
        partner_pi=ResearcherFactory(name="Zq-Unfunded-Partner-PI", country="US"),
    )
    pending = ProposalFactory(
        call=call,
        ref="ZQ-PEND-1",
        title=PENDING_TITLE,
        status="submitted",
        jp_pi=ResearcherFactory(name="Zq-Pending-PI"),
        partner_pi=None,
    )
    ReviewFactory(proposal=pending, score=None)  # a review missing: the home panel lists it
    funded = ProposalFactory(
        call=call,
        ref="ZQ-FUND-1",
        title=FUNDED_TITLE,
        status="adopted",
        panel_score=Decimal(9),
        jp_pi=ResearcherFactory(name=FUNDED_PI),
        partner_pi=None,
    )
    ProjectFactory(proposal=funded, code="ZQPROJ", title=FUNDED_TITLE)
    document = ProposalDocument.objects.create(proposal=rejected, title=f"{REJECTED_TITLE} PDF")
    document.file.save("zq.pdf", _pdf())
    pi_user = UserFactory(roles=["pi"], full_name="Zq-Unfunded-JP-PI")
    notice = Notice.objects.create(
        kind="rejected",
        recipient=pi_user,
        proposal=rejected,
        subject=f"Not adopted: {REJECTED_TITLE}",
        body=REJECTED_TITLE,
    )
    review = ReviewFactory(proposal=rejected)
    ReviewReminder.objects.create(
        review=review, kind="overdue", sent_on=datetime.date(2025, 1, 2), days_to_due=-1
    )
    ConflictFactory(proposal=rejected)
    return {
        "program": program,
        "call": call,
        "rejected": rejected,
        "pending": pending,
        "funded": funded,
        "document": document,
        "notice": notice,
        "staff": UserFactory(roles=["staff"], is_staff=True),
        "committee": UserFactory(roles=["committee"], is_staff=True),
    }


def _pdf():
    from django.core.files.base import ContentFile

    return ContentFile(b"%PDF-1.4 zq\n%%EOF\n")


def _autocomplete(model, field: str, term: str) -> str:
    query = f"app_label=calls&model_name={model}&field_name={field}&term={term}"
    return reverse("admin:autocomplete") + "?" + query


def _export(kind: str, **extra) -> str:
    from urllib.parse import urlencode

    return reverse("exchange:export", args=[kind]) + "?" + urlencode({"format": "csv", **extra})


def _figure(world, code: str) -> str:
    path = reverse("evaluations:figure", args=[world["program"].code, code])
    return f"{path}?as_of={AS_OF.isoformat()}"


# Each door: its address in the world, and what staff read there (None: nothing of an
# unfunded proposal's title or names shows even to staff, the answer's code is checked).
DOORS = {
    "proposal list": (lambda w: url(Proposal), REJECTED_TITLE),
    "proposal list searched by PI": (lambda w: url(Proposal) + "?q=Zq-Unfunded", REJECTED_TITLE),
    "proposal change page": (lambda w: url(Proposal, "change", w["rejected"].pk), REJECTED_TITLE),
    "proposal history": (lambda w: url(Proposal, "history", w["rejected"].pk), None),
    "review list": (lambda w: url(Review), None),
    "reminders of reviews": (lambda w: url(ReviewReminder), "ZQ-REJ-1"),
    "conflicts of interest": (lambda w: url(ConflictOfInterest), "ZQ-REJ-1"),
    "call page": (lambda w: url(Call, "change", w["call"].pk), REJECTED_TITLE),
    "researcher list": (lambda w: url(Researcher) + "?q=Zq", "Zq-Unfunded-JP-PI"),
    "researcher page": (
        lambda w: url(Researcher, "change", w["rejected"].jp_pi.pk),
        "Zq-Unfunded-JP-PI",
    ),
    "researcher autocomplete": (
        lambda w: _autocomplete("proposal", "jp_pi", "Zq"),
        "Zq-Unfunded-JP-PI",
    ),
    "proposal autocomplete": (
        lambda w: _autocomplete("proposaldocument", "proposal", "ZQ-"),
        "ZQ-REJ-1",
    ),
    "document list": (lambda w: url(ProposalDocument), REJECTED_TITLE),
    "document page": (lambda w: url(ProposalDocument, "change", w["document"].pk), REJECTED_TITLE),
    "document file": (
        lambda w: reverse("reviews:document", args=[w["rejected"].pk, w["document"].pk]),
        None,
    ),
    "rejection notices": (lambda w: url(Notice), "Zq-Unfunded-JP-PI"),
    "rejection notice page": (lambda w: url(Notice, "change", w["notice"].pk), REJECTED_TITLE),
    "admin home": (lambda w: reverse("admin:index"), PENDING_TITLE),
    "export of every proposal": (lambda w: _export("proposals"), REJECTED_TITLE),
    "export of the list's selection": (
        lambda w: _export("proposals", filters=f"id__in={w['rejected'].pk},{w['funded'].pk}"),
        REJECTED_TITLE,
    ),
    "export of the list as filtered": (
        lambda w: _export("proposals", filters="status__exact=rejected"),
        REJECTED_TITLE,
    ),
    "drill-down of proposals": (lambda w: _figure(w, "g1.proposals"), REJECTED_TITLE),
    "drill-down of the adoption rate": (lambda w: _figure(w, "g1.adoption_rate"), REJECTED_TITLE),
    "drill-down of the adoptable": (lambda w: _figure(w, "g1.adoptable"), REJECTED_TITLE),
    "drill-down of the unfunded": (lambda w: _figure(w, "g1.adoptable_not_adopted"), None),
    # A median's rows name each PI with an h-index: the adopted proposals' PIs only.
    "drill-down of the Japanese PIs' h-index": (
        lambda w: _figure(w, "g1.jp_pi_hindex_median"),
        None,
    ),
    "drill-down of the partner PIs' h-index": (
        lambda w: _figure(w, "g1.partner_pi_hindex_median"),
        None,
    ),
    "dashboard": (
        lambda w: reverse("evaluations:dashboard", args=["ZQ"]) + f"?as_of={AS_OF}",
        REJECTED_TITLE,
    ),
    "API by the session": (lambda w: "/api/v1/proposals/", REJECTED_TITLE),
}


def _text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8-sig", "replace")


@pytest.mark.parametrize("door", list(DOORS))
def test_it_hands_the_committee_no_unfunded_title_or_name(client, world, door):
    address, _staff_sees = DOORS[door]
    sign_in(client, world["committee"])
    response = client.get(address(world))
    assert response.status_code in (200, 403, 404)
    text = _text(response)
    for withheld in WITHHELD:
        assert withheld not in text, f"{door} hands the committee {withheld}"
    if door not in ("drill-down of the unfunded", "dashboard") and response.status_code == 200:
        for ref in UNFUNDED_REFS:  # nothing to look the proposal up by, either
            assert ref not in text, f"{door} hands the committee {ref}"


@pytest.mark.parametrize("door", list(DOORS))
def test_it_still_hands_staff_every_proposal(client, world, door):
    address, staff_sees = DOORS[door]
    sign_in(client, world["staff"])
    response = client.get(address(world))
    assert response.status_code == 200
    if staff_sees is not None:
        assert staff_sees in _text(response)


@pytest.mark.parametrize(
    "door",
    [
        "proposal change page",
        "proposal history",
        "researcher page",
        "document page",
        "document file",
        "rejection notice page",
    ],
)
def test_it_answers_the_committee_404_for_an_unfunded_record(client, world, door):
    sign_in(client, world["committee"])
    assert client.get(DOORS[door][0](world)).status_code == 404


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        (lambda w: url(Proposal), FUNDED_TITLE),
        (lambda w: url(Proposal, "change", w["funded"].pk), FUNDED_TITLE),
        (lambda w: url(Proposal, "history", w["funded"].pk), "ZQ-FUND-1"),
        (lambda w: url(Call, "change", w["call"].pk), FUNDED_TITLE),
        (lambda w: url(Researcher) + "?q=Zq", FUNDED_PI),
        (lambda w: _autocomplete("proposal", "jp_pi", "Zq"), FUNDED_PI),
        (lambda w: _autocomplete("proposaldocument", "proposal", "ZQ-"), "ZQ-FUND-1"),
        (lambda w: _export("proposals"), FUNDED_TITLE),
        (lambda w: _figure(w, "g1.proposals"), FUNDED_TITLE),
        (lambda w: "/api/v1/proposals/", FUNDED_TITLE),
    ],
)
def test_it_keeps_adopted_proposals_in_the_committees_sight(client, world, address, shown):
    sign_in(client, world["committee"])
    response = client.get(address(world))
    assert response.status_code == 200
    assert shown in _text(response)


def test_it_counts_the_withheld_rows_of_a_drill_down(client, world):
    """The figure stays right: three proposals counted, two of them shown as withheld."""
    sign_in(client, world["committee"])
    response = client.get(_figure(world, "g1.proposals"))
    assert response.context["count"] == 3
    cells = [cells for _row, cells in response.context["rows"]]
    assert sum("(withheld)" in row for row in cells) == 2
    assert [row for row in cells if FUNDED_TITLE in row]


def test_it_shows_unfunded_titles_without_names_where_the_program_says(client, world):
    program = world["program"]
    program.unfunded_disclosure = "titles"
    program.save()
    sign_in(client, world["committee"])
    for address in (
        _figure(world, "g1.adoptable_not_adopted"),
        reverse("evaluations:dashboard", args=["ZQ"]) + f"?as_of={AS_OF}",
    ):
        text = _text(client.get(address))
        assert REJECTED_TITLE in text  # adoptable and not funded: the program shows it
        assert not any(name in text for name in UNFUNDED_NAMES)
        assert url(Proposal, "change", world["rejected"].pk) not in text  # it would be 404
    # Not adoptable, so not what the program's setting speaks of: still withheld.
    assert PENDING_TITLE not in _text(client.get(_figure(world, "g1.proposals")))
    assert client.get(url(Proposal, "change", world["rejected"].pk)).status_code == 404


def test_it_exports_from_the_list_action_only_what_the_committee_sees(client, world):
    sign_in(client, world["committee"])
    response = client.post(
        url(Proposal),
        {
            "action": "export_selected",
            "_selected_action": [world["rejected"].pk, world["funded"].pk],
        },
    )
    assert response.status_code == 302
    export = client.get(response["Location"] + "&format=csv")
    text = _text(export)
    assert FUNDED_TITLE in text and REJECTED_TITLE not in text


def test_it_leaves_api_keys_every_proposal(client, world):
    from api.services import create_client

    _client, key = create_client("zq-ministry")
    response = client.get("/api/v1/proposals/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert REJECTED_TITLE in response.text and PENDING_TITLE in response.text


def test_it_lists_the_committees_proposals_in_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, world["committee"])
    counts = []
    for more in (1, 6):
        for _n in range(more):
            ProposalFactory(call=world["call"], status="adopted")
            ProposalFactory(call=world["call"], status="rejected")
        client.get(url(Proposal))  # the session and permission caches warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(Proposal)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_shows_a_withdrawn_proposal_left_out_of_a_figure_as_withheld(client, world):
    ProposalFactory(call=world["call"], ref="ZQ-WD-1", title="Zq-Withdrawn", status="withdrawn")
    sign_in(client, world["committee"])
    response = client.get(_figure(world, "g1.proposals"))
    assert [str(row) for row, _reason in response.context["excluded"]] == ["(withheld)"]
    assert "ZQ-WD-1" not in response.text and "Zq-Withdrawn" not in response.text
    sign_in(client, world["staff"])
    assert "ZQ-WD-1" in client.get(_figure(world, "g1.proposals")).text


def test_it_keeps_a_pi_of_an_adopted_proposal_among_the_committees_researchers(world):
    """A PI of both an adopted and an unfunded proposal is a funded PI: named; a PI of
    unfunded proposals only is not (accounts.rules.visible_researchers)."""
    from accounts.rules import visible_researchers

    both = world["rejected"].partner_pi
    ProposalFactory(call=world["call"], status="adopted", partner_pi=None, jp_pi=both)
    names = set(
        visible_researchers(world["committee"], Researcher.objects.all()).values_list(
            "name", flat=True
        )
    )
    assert {FUNDED_PI, both.name} <= names
    assert not names & {"Zq-Unfunded-JP-PI", "Zq-Pending-PI"}
    assert visible_researchers(world["staff"], Researcher.objects.all()).count() == (
        Researcher.objects.count()
    )


def test_it_shows_everything_to_staff_who_sit_on_the_committee_too(client, world):
    both = UserFactory(roles=["staff", "committee"], is_staff=True)
    sign_in(client, both)
    assert REJECTED_TITLE in client.get(url(Proposal)).text
    assert client.get(url(Proposal, "change", world["rejected"].pk)).status_code == 200


def test_it_links_the_committees_call_figures_only_to_the_adopted(client, world):
    """A link from "received" would open a list of the adopted only: fewer than it says."""
    dashboard = reverse("evaluations:dashboard", args=["ZQ"]) + f"?as_of={AS_OF}"
    sign_in(client, world["committee"])
    text = client.get(dashboard).text
    assert "status__exact=adopted" in text and "adoptable=yes" not in text
    sign_in(client, world["staff"])
    assert "adoptable=yes" in client.get(dashboard).text
