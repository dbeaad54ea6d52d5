"""In a real browser: two invited members write their opinions, the chair finalises.

The demo is loaded; two seats of its committee are invited (an account and a mail with a
set-password link, evaluations/invitations.py), choose their password from the link, sign
in past the second factor and each add an opinion; the chair sees the unsaved-change
warning, then confirms what becomes frozen and finalises.
"""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts import two_factor
from evaluations.invitations import invite
from evaluations.models import CommitteeMember, Evaluation, Opinion
from tests.browser import follow
from tests.browser.test_report_flow import browser, sign_in  # noqa: F401 (fixture)

PASSWORD = "a-long-Committee-passphrase-2025"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Evaluation.objects.get(program__code="ASPIRE", kind="mid_term")


def test_it_lets_two_members_write_opinions_and_the_chair_finalise(browser, live_server, demo):  # noqa: F811
    members = []
    for number, name in enumerate(["木下 賢吾", "佐久間 一郎"], start=1):
        seat = CommitteeMember.objects.get(evaluation=demo, name=name)
        seat.email = f"member{number}@aspire.example"
        seat.save()
        invite(seat, live_server.url)
        link = re.search(r"http\S+", mail.outbox[-1].body).group(0)
        page = browser.new_page()
        page.goto(link)  # the set-password form, from the invitation
        page.fill("#id_new_password1", PASSWORD)
        page.fill("#id_new_password2", PASSWORD)
        follow(page, "main form button[type=submit]")
        page.close()
        user = CommitteeMember.objects.get(pk=seat.pk).user
        two_factor.enrol(user)  # the app the member would set up on first sign-in
        members.append((seat, user))

    page_url = f"{live_server.url}/evaluations/{demo.pk}/"
    for seat, user in members:
        page = sign_in_with(browser, live_server, user.email)
        page.goto(page_url)
        page.fill("#id_opinion1-text", f"{seat.name}の意見")
        page.fill("#id_opinion1-text_en", f"Opinion of {seat.name}")
        opinion = page.locator("#goal1 form", has=page.locator("#id_opinion1-text"))
        with page.expect_navigation():
            opinion.locator("button[type=submit]").click()
        assert f"{seat.name}の意見" in page.content()
        page.close()
    texts = list(
        Opinion.objects.filter(member__evaluation=demo, goal=1).values_list("text", flat=True)
    )
    assert texts[-2:] == ["木下 賢吾の意見", "佐久間 一郎の意見"]  # in the order entered

    chair = sign_in(browser, live_server, "committee@aspire.example")
    chair.goto(page_url)
    assert chair.locator(".unsaved-note").is_hidden()
    chair.fill("#id_goal1-assessment", "changed")
    assert chair.locator(".unsaved-note").is_visible()  # warned before leaving it unsaved
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.goto(f"{page_url}finalise/")
    assert "木下 賢吾" in chair.content() and "佐久間 一郎" in chair.content()
    demo.refresh_from_db()
    assert not demo.is_final  # the confirmation alone changes nothing
    follow(chair, "main form button[type=submit]")
    demo.refresh_from_db()
    assert demo.is_final
    assert demo.assessments.get(goal=1).assessment.startswith("我が国と")  # unsaved: not saved
    assert chair.refused == []


def sign_in_with(browser, live_server, email: str):  # noqa: F811
    """sign_in of test_report_flow with this test's password."""
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    follow(page, "main form button[type=submit]")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import totp_code

    device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
    page.fill("#id_code", totp_code(device))
    follow(page, "main form button[type=submit]")
    return page
