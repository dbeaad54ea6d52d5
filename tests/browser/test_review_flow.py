"""In a real browser (Debian's Chromium, headless): an invited reviewer sets a password,
signs in, opens an assigned proposal's PDF, saves a draft, submits a score, sees the
others' scores only in the panel phase of a call that allows it, and cannot open a
proposal not assigned to them (issue 14's "Done when")."""

import os
import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import sync_playwright

from accounts import invitations
from calls.models import ProposalDocument, Review, ReviewPhase
from tests.browser import follow
from tests.factories import CallFactory, ProposalFactory, ReviewFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "a-long-reviewer-passphrase-42"


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), f"Install Debian's chromium ({CHROMIUM}): make system"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_it_takes_an_invited_reviewer_from_the_invitation_to_the_panel(
    browser, live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path
    call = CallFactory(review_phase=ReviewPhase.REVIEWING, reviewers_see_scores=True)
    proposal = ProposalFactory(call=call)
    ProposalDocument.objects.create(
        proposal=proposal, title="Proposal form", file=SimpleUploadedFile("form.pdf", PDF)
    )
    ReviewFactory(proposal=proposal, score=Decimal(4), comment="The other reviewer's view")
    reviewer = UserFactory(roles=["reviewer"], email="invited@example.org", language="en")
    reviewer.set_unusable_password()
    reviewer.save()
    Review.objects.create(proposal=proposal, reviewer=reviewer)
    unassigned = ProposalFactory(call=call)
    started = time.monotonic()

    invitations.invite(reviewer)
    link = re.search(r"http\S+/accounts/reset/\S+", mail.outbox[0].body).group(0)
    page = browser.new_page()
    page.goto(link)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    follow(page, "main form button[type=submit]")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "invited@example.org")
    page.fill("#id_password", PASSWORD)
    follow(page, "main form button[type=submit]")
    assert page.url.endswith("/reviews/"), page.url

    follow(page, f"#assignments a:has-text('{proposal.ref}')")
    pdf_link = page.locator("#documents a").first.get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{pdf_link}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == PDF

    page.fill("#id_score", "8")
    page.fill("#id_comment", "Sound plan, weak budget")
    follow(page, "button[name=draft]")
    assert "Draft saved." in page.inner_text("main")
    assert Review.objects.get(reviewer=reviewer).score is None  # a draft does not count

    page.fill("#id_score", "9")
    follow(page, "button[name=submit]")
    assert "Your review was submitted." in page.inner_text("main")
    assert Review.objects.get(reviewer=reviewer).score == Decimal(9)
    assert "The other reviewer's view" not in page.content()  # reviewing: only their own

    call.review_phase = ReviewPhase.PANEL
    call.save()
    page.reload()
    assert "The other reviewer's view" in page.inner_text("#others")

    response = page.goto(f"{live_server.url}/reviews/proposals/{unassigned.pk}/")
    assert response.status == 404
    print(f"reviewer flow: {time.monotonic() - started:.1f} s")
