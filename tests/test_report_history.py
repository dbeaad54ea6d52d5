"""The report page's history says what changed, field by field (projects/history.py)."""

import re

import pytest
from django.urls import reverse

from projects import history, reporting
from projects.models import Paper, ReportStatus
from tests.conftest import sign_in
from tests.factories import MemberFactory, ReportFactory, UserFactory, complete_report
from tests.test_reports import PAPER, post_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return ReportFactory(status=ReportStatus.DRAFT)


@pytest.fixture
def pi(report):
    return MemberFactory(project=report.project).user


def _history(html: str) -> str:
    """The history section's text, tags and runs of white space taken out."""
    section = re.search(r'<section id="history">(.*?)</section>', html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def _edit_journal(client, report, journal: str) -> None:
    paper = Paper.objects.get(report=report)
    data = {**PAPER, "journal": journal, "version": paper.version}
    client.post(reverse("projects:edit", args=[report.pk, "papers", paper.pk]), data)


def test_it_says_which_fields_changed_from_what_to_what(client, report, pi):
    sign_in(client, pi)
    post_paper(client, report)
    _edit_journal(client, report, "Nature")
    text = _history(client.get(reverse("projects:report", args=[report.pk])).text)
    assert "paper “Joint work” added" in text
    assert "paper “Joint work” changed" in text
    assert "Journal: Cell → Nature" in text
    assert str(pi) in text


def test_it_says_it_in_the_page_language(client, settings, report, pi):
    settings.LANGUAGE_CODE = "ja"
    sign_in(client, pi)
    post_paper(client, report)
    _edit_journal(client, report, "Nature")
    url = reverse("projects:report", args=[report.pk])
    text = _history(client.get(url, HTTP_ACCEPT_LANGUAGE="ja").text)
    assert "掲載誌: Cell → Nature" in text  # the field's name in Japanese
    assert "論文" in text  # 論文「Joint work」 once the lead compiles locale/ja/pending/pireport.py


def test_it_shows_the_reports_own_changes_and_a_removal(client, report, pi):
    sign_in(client, pi)
    post_paper(client, report)
    paper = Paper.objects.get(report=report)
    client.post(
        reverse("projects:delete", args=[report.pk, "papers", paper.pk]),
        {"version": paper.version},
    )
    report = complete_report(report)
    reporting.submit(report, confirmed=True)
    staff = UserFactory(roles=["staff"])
    reporting.return_report(report, "Add the workshop of May.", staff)
    changes = history.report_history(report).changes
    returned = changes[0]
    assert returned.subject == "the report" and returned.reason == "Add the workshop of May."
    assert ("status", "Submitted", "Returned") in [
        (field.label, field.before, field.after) for field in returned.fields
    ]
    assert changes[1].fields[0].after == "Submitted"
    assert any(change.action == "removed" and "Joint work" in change.subject for change in changes)
    text = _history(client.get(reverse("projects:report", args=[report.pk])).text)
    assert "Status: Draft → Submitted" in text
    assert "paper “Joint work” removed" in text


def test_it_leaves_out_saves_that_changed_nothing_anyone_typed(client, report, pi):
    sign_in(client, pi)
    post_paper(client, report)
    _edit_journal(client, report, "Cell")  # saved again, as it was
    assert [change.action for change in history.report_history(report).changes] == [
        "added",
        "opened",
    ]
