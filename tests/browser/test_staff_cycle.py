"""Issue 13's "Done when", in a real browser: a program officer of the staff group (not a
superuser), in Japanese, runs a whole call cycle from their own files.

Reviewers come from a Shift_JIS (cp932) CSV as Japanese Excel saves it; one is invited and
sets a password from the mail's link; the three are assigned in bulk to the call's
proposals, where one pair is refused for a conflict of interest (the reviewer works at the
PI's institution, calls/conflicts.py); the scores come from a reviews file; the call page
ranks the proposals; the two best are adopted on the decision page with a start date and a
budget a fiscal year (the second below the adoptable score, with the reason); the adopted PI
is told (a recorded notice, mailed) and finds the project on their page; an overdue PI is
reminded from the officers' home; the ranked, filtered proposal list goes to XLSX and comes
back through the import, whose preview changes nothing.

The officer's clicks (a click, a choice, a typed field and a chosen file each count one)
and the seconds of the cycle are printed and written to CYCLE_TIMINGS.
"""

import datetime
import io
import json
import os
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from playwright.sync_api import Page

from accounts.models import User
from calls.models import Proposal, ProposalStatus, Review, ReviewPhase
from programs.fiscal import fiscal_year, fiscal_year_start
from projects.models import Notice, NoticeKind, Project, ReminderKind, ReportingPeriod, ReportStatus
from tests.browser import follow
from tests.browser.test_report_flow import browser  # noqa: F401  (the fixture)
from tests.conftest import totp_code
from tests.factories import (
    CallFactory,
    MemberFactory,
    ProgramFactory,
    ProposalFactory,
    ReportFactory,
    ResearcherFactory,
    SupportTypeFactory,
    UserFactory,
)
from tests.japanese import data_values, english

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

MEASURED = Path(os.environ.get("CYCLE_TIMINGS", "/tmp/aspire-cycle-timings.json"))
PASSWORD = "a-long-reviewer-passphrase-13"

# Japanese Excel's CSV: cp932, CRLF, no BOM, headed with the labels the pages show.
REVIEWERS_CSV = (
    "メールアドレス,氏名,所属機関,査読者コード,言語\n"
    "mori@example.jp,森 葵,東北大学,R-001,日本語\n"
    "ito@example.jp,伊藤 髙志,名古屋大学,R-002,日本語\n"
    "kato@example.jp,加藤 恵,京都大学,R-003,日本語\n"  # 京都大学: CYC-B's PI works there
)
# 受付番号, 査読者 (by reviewer code), 評点 in full-width digits as some offices type them.
REVIEWS_CSV = (
    "受付番号,査読者,評点,コメント\n"
    "CYC-A,R-001,4,\n"
    "CYC-A,R-002,5,\n"
    "CYC-A,R-003,4,\n"
    "CYC-B,R-001,８,独創的①\n"
    "CYC-B,R-002,9,\n"
    "CYC-C,R-001,6,\n"
    "CYC-C,R-002,5,予算が過大\n"
    "CYC-C,R-003,5,\n"
)


def cp932(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp932")


class Officer:
    """The officer's page, counting what they do: a click, a choice, a typed field and a
    chosen file each count one. Every page they reach is read for English."""

    def __init__(self, page: Page):
        self.page, self.clicks, self.english = page, 0, {}
        self.reading = 0.0  # seconds the test spends reading pages for English

    def _read(self) -> None:
        began = time.monotonic()
        found = english(self.page.content(), data_values())
        if found:
            self.english[self.page.url] = found
        self.reading += time.monotonic() - began

    def click(self, selector: str) -> None:
        self.clicks += 1
        follow(self.page, selector)  # every click of the officer's loads a page
        self._read()

    def fill(self, selector: str, value: str) -> None:
        self.clicks += 1
        self.page.fill(selector, value)

    def check(self, selector: str) -> None:
        self.clicks += 1
        self.page.check(selector)

    def select(self, selector: str, value: str) -> None:
        self.clicks += 1
        self.page.select_option(selector, value)

    def upload(self, selector: str, name: str, content: bytes, mime: str) -> None:
        self.clicks += 1
        self.page.set_input_files(selector, {"name": name, "mimeType": mime, "buffer": content})

    def action(self, name: str) -> None:
        """An action of an admin list on the ticked rows: chosen, then 実行."""
        self.select("select[name=action]", name)
        self.click("#changelist-form button[name=index]")

    def text(self, selector: str = "main, #content") -> str:
        return self.page.inner_text(selector)


def sign_in(browser, url: str, email: str, password: str, **context) -> Page:  # noqa: F811
    page = browser.new_context(locale="ja-JP", **context).new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    follow(page, "main form button[type=submit]")
    return page


@pytest.fixture
def cycle(transactional_db, jobs_in_process):
    """A closed call of three proposals, its support type's ranges, the adopted PI's
    account, and a running project whose PI is late with last year's report."""
    program = ProgramFactory(code="CYC", name="サイクル事業")
    support = SupportTypeFactory(
        program=program,
        code="L",
        name="大型",
        min_annual_budget_yen=10_000_000,
        max_annual_budget_yen=50_000_000,
        min_years=1,
        max_years=5,
    )
    today = timezone.localdate()
    call = CallFactory(
        program=program,
        code="CYC-2026",
        title="令和8年度公募",
        support_type=support,
        open_date=today - datetime.timedelta(days=200),
        close_date=today - datetime.timedelta(days=100),
        adoptable_score=Decimal(6),
        review_phase=ReviewPhase.REVIEWING,
        review_due_on=today + datetime.timedelta(days=30),
    )
    pi = UserFactory(email="sato@example.jp", full_name="佐藤 花子", roles=["pi"], language="ja")
    pis = [
        ResearcherFactory(name="山田 太郎", institution="東京大学"),
        ResearcherFactory(name="佐藤 花子", institution="京都大学", user=pi),
        ResearcherFactory(name="鈴木 一郎", institution="大阪大学"),
    ]
    for letter, jp_pi in zip("ABC", pis, strict=True):
        ProposalFactory(
            call=call,
            ref=f"CYC-{letter}",
            title=f"国際共同研究 {letter}",
            jp_pi=jp_pi,
            partner_pi=ResearcherFactory(name=f"Partner {letter}", country="US"),
            requested_annual_budget_yen=30_000_000,
            requested_years=3,
        )
    late = ReportFactory(
        status=ReportStatus.DRAFT,
        fiscal_year=fiscal_year(today) - 1,
        project__code="CYC-2024-001",
        project__proposal__call__program=program,
        project__proposal__call__code="CYC-2024",
    )
    MemberFactory(project=late.project, user__email="late@example.jp", user__full_name="遅延 一郎")
    ReportingPeriod.objects.create(
        program=program,
        fiscal_year=late.fiscal_year,
        opens_on=today - datetime.timedelta(days=300),
        due_on=today - datetime.timedelta(days=10),
    )
    officer = UserFactory(
        email="officer@aspire.example",
        full_name="事業 担当",
        roles=["staff"],
        is_staff=True,
        language="ja",
    )
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    return {"call": call, "officer": officer, "pi": pi, "late": late}


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_whole_call_cycle_as_an_officer(browser, live_server, settings, cycle, tmp_path):  # noqa: F811
    settings.SITE_URL = live_server.url
    url, call, late = live_server.url, cycle["call"], cycle["late"]
    officer_user = cycle["officer"]
    assert not officer_user.is_superuser
    started = time.monotonic()

    # Signing in: e-mail, password, then the authenticator app's code.
    page = browser.new_context(locale="ja-JP").new_page()
    page.goto(f"{url}/accounts/login/")
    act = Officer(page)
    act.fill("#id_username", officer_user.email)
    act.fill("#id_password", "secret-password")
    act.click("main form button[type=submit]")
    act.fill("#id_code", totp_code(TOTPDevice.objects.get(user=officer_user)))
    act.click("main form button[type=submit]")
    assert page.url.endswith("/admin/"), page.url

    # 1. Reviewers from Japanese Excel's CSV, through the users list's import.
    act.click("a[href='/admin/accounts/user/']")
    act.click("a.exchange-import")
    act.upload("#id_file", "査読者.csv", cp932(REVIEWERS_CSV), "text/csv")
    act.click("#content form[enctype] input[type=submit]")
    assert page.inner_text("td.created") == "3", act.text()
    act.click("input[name=token] ~ .submit-row input[type=submit]")
    reviewers = {user.reviewer_code: user for user in User.objects.filter(groups__name="reviewer")}
    assert reviewers["R-002"].full_name == "伊藤 髙志"  # cp932's own 髙
    assert not reviewers["R-001"].has_usable_password()

    # 2. One of them is invited and chooses a password from the mail's link.
    act.check(f"input.action-select[value='{reviewers['R-001'].pk}']")
    act.action("send_invitation")
    invitation = next(message for message in mail.outbox if "mori@example.jp" in message.to)
    link = re.search(r"http\S+/accounts/reset/\S+", invitation.body).group(0)
    reviewer = browser.new_context(locale="ja-JP").new_page()
    reviewer.goto(link)
    reviewer.fill("#id_new_password1", PASSWORD)
    reviewer.fill("#id_new_password2", PASSWORD)
    follow(reviewer, "main form button[type=submit]")
    reviewer = sign_in(browser, url, "mori@example.jp", PASSWORD)
    assert reviewer.url.endswith("/reviews/"), reviewer.url

    # 3. The three reviewers on the call's three proposals at once: one pair is refused.
    act.click("a[href='/admin/']")
    act.click("#content-main a[href='/admin/calls/proposal/']")
    act.click(f"#changelist-filter a[href*='call__id__exact={call.pk}']")
    act.check("#action-toggle")
    act.action("assign_reviewers")
    for user in reviewers.values():
        act.check(f"#assign input[name=reviewers][value='{user.pk}']")
    act.click("#assign input[name=check]")
    refused = page.inner_text("#plan tr.refused")
    assert "CYC-B" in refused and "京都大学" in refused, refused
    act.click("#assign input[name=apply]")
    assert Review.objects.filter(proposal__call=call, score__isnull=True).count() == 8
    assert not Review.objects.filter(proposal__ref="CYC-B", reviewer=reviewers["R-003"]).exists()

    # 4. The scores, from the reviews file (Shift_JIS too), through the reviews list.
    act.click("a[href='/admin/']")
    act.click("#content-main a[href='/admin/calls/review/']")
    act.click("a.exchange-import")
    act.upload("#id_file", "査読結果.csv", cp932(REVIEWS_CSV), "text/csv")
    act.click("#content form[enctype] input[type=submit]")
    assert page.inner_text("td.updated") == "8", act.text()
    act.click("input[name=token] ~ .submit-row input[type=submit]")
    assert Review.objects.filter(proposal__call=call, score__isnull=True).count() == 0

    # 5. The call's page ranks them, best first.
    act.click("a[href='/admin/']")
    act.click(f"#calls-by-stage a[href='/admin/calls/call/{call.pk}/change/']")
    ranked = page.locator("#proposals-group tbody tr td.field-ref").all_inner_texts()
    assert [ref.strip() for ref in ranked][:3] == ["CYC-B", "CYC-C", "CYC-A"], ranked

    # 6. The two best adopted: start date, years and budget a fiscal year; CYC-C is below
    # the adoptable score (5.33 against 6), so the page asks why.
    act.click("a[href='/admin/']")
    act.click(f"#calls-by-stage a[href$='call__id__exact={call.pk}']")
    act.check(f"input.action-select[value='{Proposal.objects.get(ref='CYC-B').pk}']")
    act.check(f"input.action-select[value='{Proposal.objects.get(ref='CYC-C').pk}']")
    act.action("adopt")
    start = fiscal_year_start(fiscal_year(timezone.localdate()) + 1)
    assert page.input_value("#id_plan-0-start_date") == start.isoformat()  # FY-aligned
    assert page.locator("tr.below-threshold").count() == 1
    act.fill("#id_plan-1-annual_budget_yen", "20000000")
    act.fill("#id_plan-1-years", "2")
    act.fill("#id_plan-1-reason", "相手国機関との連携の戦略的重要性")
    act.click("table.adoption ~ .submit-row input[type=submit]")
    adopted = Project.objects.get(code="CYC-B")
    assert (adopted.start_date, adopted.end_date) == (start, datetime.date(start.year + 3, 3, 31))
    assert [b.amount_yen for b in adopted.budgets.order_by("fiscal_year")] == [30_000_000] * 3
    second = Project.objects.get(code="CYC-C")
    assert [b.amount_yen for b in second.budgets.all()] == [20_000_000] * 2
    assert Proposal.objects.get(ref="CYC-C").history.first().history_change_reason

    # 7. The PI is told: a notice recorded (the officer sees it), mailed, and on their page
    # with the new project.
    notice = Notice.objects.get(recipient=cycle["pi"], kind=NoticeKind.ADOPTED)
    assert notice.sent_at is not None and notice.sent_by == officer_user
    act.click("a[href='/admin/']")
    act.click("#content-main a[href='/admin/projects/notice/']")
    assert "佐藤 花子" in act.text("#result_list") and "CYC-B" in act.text("#result_list")
    pi_page = sign_in(browser, url, "sato@example.jp", "secret-password")
    assert "提案 CYC-B が採択されました" in pi_page.inner_text("#decisions")
    assert "CYC-B — 国際共同研究 B" in pi_page.inner_text("section.project h2")

    # 8. The late PI, reminded from the officers' home.
    act.click("a[href='/admin/']")
    sent_before = len(mail.outbox)
    act.click(f"#late-reports form[action='/reports/{late.pk}/remind/'] button")
    assert late.reminders.filter(kind=ReminderKind.BY_STAFF, sent_by=officer_user).exists()
    assert any("late@example.jp" in message.to for message in mail.outbox[sent_before:])

    # 9. The ranked list of the call to XLSX, and back through the import: nothing changes.
    act.click("#content-main a[href='/admin/calls/proposal/']")
    act.click(f"#changelist-filter a[href*='call__id__exact={call.pk}']")
    act.click("th.column-final_score .text a")  # ascending
    act.click("th.column-final_score .text a")  # descending: the ranking
    act.click("a.exchange-export")
    act.check("input[name=format][value=xlsx]")
    with page.expect_download() as download:
        act.clicks += 1
        page.click("#content form input[type=submit]")
    xlsx = tmp_path / "proposals.xlsx"
    download.value.save_as(xlsx)
    rows = list(load_workbook(io.BytesIO(xlsx.read_bytes())).worksheets[0].values)
    assert [row[rows[0].index("ref")] for row in rows[1:]] == ["CYC-B", "CYC-C", "CYC-A"]
    page.go_back()
    page.go_back()
    act.click("a.exchange-import")
    act.upload("#id_file", xlsx.name, xlsx.read_bytes(), "application/octet-stream")
    act.click("#content form[enctype] input[type=submit]")
    preview = [page.inner_text(f"td.{cell}") for cell in ("created", "updated", "unchanged")]
    assert preview == ["0", "0", "3"], act.text()

    seconds = time.monotonic() - started - act.reading
    measured = {"officer_clicks": act.clicks, "seconds": round(seconds, 1)}
    measured["seconds_reading_for_english"] = round(act.reading, 1)  # the test's, not the app's
    print(f"\nstaff cycle: {act.clicks} clicks by the officer, {seconds:.1f} s", measured)
    MEASURED.write_text(json.dumps(measured, indent=1))
    assert act.english == {}, act.english
    assert Proposal.objects.get(ref="CYC-A").status != ProposalStatus.ADOPTED
