"""Issue 15: outputs brought in from researchmap, ORCID, BibTeX, RIS and DOI lists as drafts
the PI confirms; the summary and what submitting asks; notices and reminders."""

import dataclasses
import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from projects import reminders, reporting, sources
from projects.models import (
    DraftOutput,
    LabStatistic,
    Notice,
    Paper,
    Reminder,
    ReportingPeriod,
    ReportStatus,
    ResearcherIds,
)
from projects.services import adopt, default_plan, reject
from tests.conftest import sign_in
from tests.factories import (
    EventFactory,
    ExchangeFactory,
    MemberFactory,
    PaperFactory,
    ProposalFactory,
    ReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EARLIER_DOI = "10.1016/j.immuni.2024.05.001"


@pytest.fixture
def report():
    """A FY2024 draft (1 April 2024 – 31 March 2025), with an accepted FY2023 before it
    that reported one of the papers researchmap lists again."""
    draft = ReportFactory(status=ReportStatus.DRAFT, fiscal_year=2024)
    earlier = ReportFactory(project=draft.project, fiscal_year=2023)
    PaperFactory(report=earlier, doi=EARLIER_DOI, title="An earlier year's paper, reported then")
    return draft


@pytest.fixture
def pi(report):
    return MemberFactory(project=report.project, user__language="en").user


def page(name: str, report) -> str:
    return reverse(f"projects:{name}", args=[report.pk])


def test_it_brings_the_fiscal_years_outputs_from_researchmap(client, report, pi, source_replay):
    sign_in(client, pi)
    response = client.post(
        page("bring_in", report), {"researchmap_id": "https://researchmap.jp/tanaka-taro/"}
    )
    assert response.status_code == 302
    assert ResearcherIds.objects.get(user=pi).researchmap_id == "tanaka-taro"  # linked once
    asked = [path for path in source_replay.requests if "published_papers" in path][0]
    assert "from_date=2024-04-01" in asked and "to_date=2025-03-31" in asked
    drafts = {d.title: d for d in report.drafts.all()}
    assert "Outside the window" not in drafts
    paper = drafts["腸管上皮における組織常在性記憶T細胞の維持機構"]
    assert (paper.doi, paper.international, paper.date) == (
        "10.1038/s41467-024-00001-1",
        True,
        datetime.date(2024, 6, 12),
    )
    assert drafts["Single-cell atlas of the ageing thymus"].doi == "10.1016/j.cell.2024.11.002"
    talk = drafts["記憶T細胞の局在"]
    assert (talk.kind, talk.country.code, talk.international) == ("presentation", "US", True)
    assert drafts["胸腺の老化"].venue == "日本免疫学会学術集会"
    earlier = drafts["An earlier year's paper, reported then"]
    assert earlier.duplicate
    text = client.get(page("report", report)).text
    assert "Already reported in the accepted FY2023" in text


def test_it_confirms_the_ticked_drafts_and_never_counts_an_earlier_years_paper(
    client, report, pi, source_replay
):
    sign_in(client, pi)
    client.post(page("bring_in", report), {"researchmap_id": "tanaka-taro"})
    every = list(report.drafts.values_list("pk", flat=True))
    client.post(page("drafts", report), {"draft": every, "action": "confirm"})
    assert report.papers.count() == 2 and report.presentations.count() == 2
    assert Paper.objects.filter(doi=EARLIER_DOI).count() == 1  # still only the FY2023 one
    assert list(report.drafts.values_list("duplicate", flat=True)) == [True]


def test_it_refuses_drafts_of_a_handed_in_report(report, source_replay):
    report.status = ReportStatus.SUBMITTED
    report.save()
    with pytest.raises(reporting.ValidationError):
        sources.bring_in(report, "tanaka-taro")
    assert DraftOutput.objects.count() == 0


def test_it_keeps_only_orcid_works_of_the_year_and_merges_spellings(report, source_replay):
    sources.bring_in(report, orcid="0000-0002-1825-0097")
    titles = set(report.drafts.values_list("title", flat=True))
    assert titles == {
        "Gut-resident T cells after infection",
        "Maintenance of tissue-resident memory T cells in the gut epithelium",
    }
    sources.bring_in(report, researchmap_id="tanaka-taro")
    # The same DOI from researchmap (other case, other title language) waits only once.
    assert report.drafts.filter(doi="10.1038/s41467-024-00001-1").count() == 1


def test_it_says_researchmap_could_not_be_reached_not_that_nothing_was_found(
    client, report, pi, settings
):
    settings.RESEARCHMAP_API_URL = "http://127.0.0.1:9"  # nothing listens there
    sign_in(client, pi)
    response = client.post(page("bring_in", report), {"researchmap_id": "tanaka-taro"}, follow=True)
    assert "researchmap could not be reached" in response.text
    assert "not found" not in response.text.replace("no “not found”", "")


def test_it_makes_rows_of_dois_when_crossref_is_down(client, report, pi, settings):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"
    sign_in(client, pi)
    dois = "\n".join(f"10.5555/down.{n}" for n in range(20))
    response = client.post(page("import_outputs", report), {"dois": dois}, follow=True)
    assert report.drafts.count() == 20  # pre-filled with what is known: the DOI
    assert set(report.drafts.values_list("problem", flat=True)) == {sources.UNREACHABLE}
    assert "Crossref could not be reached" in response.text
    assert "Not found" not in response.text
    every = list(report.drafts.values_list("pk", flat=True))
    client.post(page("drafts", report), {"draft": every, "action": "discard"})
    assert report.drafts.count() == 0  # dismissed


def test_it_fills_drafts_from_crossref_when_it_answers(report, crossref_replay):
    found, down = sources.from_dois("https://doi.org/10.1038/s41467-025-61234-5\n10.9999/nope")
    assert not down
    assert "Tissue-resident memory T cells" in found[0].title
    assert found[1].problem == sources.NOT_FOUND


BIBTEX = """
@article{tanaka2024,
  title = {A {BibTeX} paper on {T} cells},
  author = {Tanaka, Taro and Smith, John},
  journal = {Immunity},
  year = {2024}, month = {oct},
  doi = {https://doi.org/10.1016/J.IMMUNI.2024.10.009}
}
@article{again,
  title = {An earlier year's paper, reported then},
  journal = {Immunity}, year = {2024}, month = may,
  doi = {10.1016/j.immuni.2024.05.001}
}
@inproceedings{talk,
  title = {A talk at a meeting}, booktitle = {EMBO Workshop}, year = {2024}, month = {7}
}
"""

blank = " "  # RIS ends a record with "ER  - " and its trailing space
RIS = f"""TY  - JOUR
TI  - A RIS paper
AU  - Tanaka, Taro
JO  - Cell Reports
PY  - 2025/01/20/
DO  - 10.1016/j.celrep.2025.01.020
ER  - {blank}
"""


def test_it_reads_a_bibtex_file(client, report, pi):
    sign_in(client, pi)
    upload = io.BytesIO(BIBTEX.encode())
    upload.name = "mine.bib"
    client.post(page("import_outputs", report), {"file": upload})
    drafts = {d.title: d for d in report.drafts.all()}
    paper = drafts["A BibTeX paper on T cells"]
    assert (paper.doi, paper.date, paper.authors) == (
        "10.1016/j.immuni.2024.10.009",
        datetime.date(2024, 10, 1),
        "Tanaka, Taro; Smith, John",
    )
    assert drafts["An earlier year's paper, reported then"].duplicate
    assert drafts["A talk at a meeting"].kind == "presentation"


def test_it_reads_a_ris_file(report):
    found = sources.read_file(RIS.encode(), "export.ris")
    assert (found[0].title, found[0].venue, found[0].date) == (
        "A RIS paper",
        "Cell Reports",
        datetime.date(2025, 1, 20),
    )


def test_it_refuses_a_file_that_is_neither_with_a_message(client, report, pi):
    sign_in(client, pi)
    upload = io.BytesIO(b"\x00\x01 not bibtex")
    upload.name = "x.bib"
    response = client.post(page("import_outputs", report), {"file": upload}, follow=True)
    assert "No BibTeX entry could be read" in response.text
    assert report.drafts.count() == 0


# --- The summary and submitting -----------------------------------------------------------


def complete(report) -> None:
    LabStatistic.objects.create(
        report=report, events_held=1, researchers_invited=0, researchers_dispatched=0
    )
    report.buyout_used = True
    report.save()


def test_it_summarises_days_overdue_missing_and_warnings(report):
    ReportingPeriod.objects.create(
        program=report.project.proposal.call.program,
        fiscal_year=2024,
        opens_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 31),
    )
    PaperFactory(report=report, published_on=datetime.date(2031, 1, 1), title="Dated 2031")
    ExchangeFactory(
        report=report,
        start_date=datetime.date(2024, 10, 1),
        end_date=datetime.date(2024, 10, 3),
        purpose="",
    )
    found = reporting.summary(report, today=datetime.date(2026, 12, 2))
    assert found.days_overdue == 550
    assert found.counts["papers"] == 1 and found.counts["exchanges"] == 1
    assert [m.section for m in found.missing] == ["lab_statistics", "details"]
    messages = " ".join(w.message for w in found.warnings)
    assert "in the future" in messages and "short stay" in messages


def test_it_refuses_to_submit_what_is_required_and_missing(report):
    with pytest.raises(reporting.ValidationError, match="lab-wide statistics are missing"):
        reporting.submit(report, confirmed=True)
    complete(report)
    PaperFactory(report=report, published_on=datetime.date(2030, 1, 1))
    with pytest.raises(reporting.ValidationError, match="confirm"):
        reporting.submit(report)  # a warning: asked to confirm
    reporting.submit(report, confirmed=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_it_takes_a_null_return_only_for_a_finished_year_and_confirmed():
    running = ReportFactory(status=ReportStatus.DRAFT, fiscal_year=2026)
    with pytest.raises(reporting.ValidationError, match="once the fiscal year has ended"):
        reporting.submit(
            running, nothing_to_report=True, confirmed=True, today=datetime.date(2026, 12, 2)
        )
    ended = ReportFactory(status=ReportStatus.DRAFT, fiscal_year=2024)
    with pytest.raises(reporting.ValidationError, match="confirm"):
        reporting.submit(ended, nothing_to_report=True)
    reporting.submit(ended, nothing_to_report=True, confirmed=True)


def test_it_asks_to_confirm_on_the_page_before_submitting(client, report, pi):
    complete(report)
    sign_in(client, pi)
    response = client.post(page("submit", report))
    assert response.status_code == 200 and "Yes, submit" in response.text
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    client.post(page("submit", report), {"confirmed": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- Notices and reminders ------------------------------------------------------------------


def test_it_tells_the_pi_of_a_return_with_the_comment_in_their_language(
    report, pi, django_capture_on_commit_callbacks
):
    pi.language = "ja"
    pi.save()
    staff = UserFactory(roles=["staff"])
    complete(report)
    reporting.submit(report, confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        reporting.return_report(report, "受入機関を書いてください。", by=staff)
    notice = Notice.objects.get(kind="returned")
    assert (notice.recipient, notice.sent_by, notice.comment) == (
        pi,
        staff,
        "受入機関を書いてください。",
    )
    assert notice.sent_at is not None
    assert "受入機関を書いてください。" in mail.outbox[-1].body
    assert mail.outbox[-1].to == [pi.email]
    # The comment stays in the history after the report is submitted again.
    reporting.submit(report, confirmed=True)
    assert report.history.filter(status="returned", staff_comment__contains="受入機関").exists()


def test_it_tells_the_pi_of_acceptance_adoption_and_rejection(
    report, pi, django_capture_on_commit_callbacks
):
    complete(report)
    reporting.submit(report, confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        reporting.accept(report)
    adopted_pi, rejected_pi = UserFactory(), UserFactory()
    adoptable = ProposalFactory(status="under_review", jp_pi__user=adopted_pi)
    rejected = ProposalFactory(status="under_review", jp_pi__user=rejected_pi)
    with django_capture_on_commit_callbacks(execute=True):
        plan = dataclasses.replace(default_plan(adoptable), reason="Panel's choice")
        adopt(adoptable, plan)
        reject(type(rejected).objects.filter(pk=rejected.pk))
    kinds = set(Notice.objects.values_list("kind", "recipient"))
    assert kinds == {("accepted", pi.pk), ("adopted", adopted_pi.pk), ("rejected", rejected_pi.pk)}
    assert len(mail.outbox) == 3


def test_it_reminds_now_once_a_day_saying_what_is_missing(report, pi, settings):
    settings.REPORTS_CONTACT = "reports@amed.example"
    ReportingPeriod.objects.create(
        program=report.project.proposal.call.program,
        fiscal_year=2024,
        opens_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 31),
    )
    staff = UserFactory(roles=["staff"])
    reminder = reminders.remind_now(report, staff)
    again = reminders.remind_now(report, staff)
    assert reminder.pk == again.pk and len(mail.outbox) == 1
    assert Reminder.objects.get().sent_by == staff
    body = mail.outbox[0].body
    assert "lab-wide statistics are missing" in body
    assert "nothing to report" in body  # FY2024 has ended
    assert "reports@amed.example" in body


def test_it_sends_the_reminders_of_a_given_day_from_the_command(report, pi):
    ReportingPeriod.objects.create(
        program=report.project.proposal.call.program,
        fiscal_year=2024,
        opens_on=datetime.date(2025, 4, 1),
        due_on=datetime.date(2025, 5, 31),
    )
    out = io.StringIO()
    call_command("send_reminders", "--date", "2025-05-24", stdout=out)
    assert "1 reminders of 2025-05-24 sent." in out.getvalue()
    assert "due on May 31, 2025" in mail.outbox[0].body


def test_it_brings_in_presentations_pasted_from_excel(client, report, pi):
    sign_in(client, pi)
    paste = "演題\t学会\t日付\t国際\t国\n"
    paste += "Barrier tissues\tICI 2024\t2024/8/20\tはい\tDEU\n"
    paste += "胸腺の老化\t日本免疫学会\t2024-12-04\t\t\n"
    client.post(page("import_outputs", report), {"paste": paste, "kind": "presentation"})
    drafts = {d.title: d for d in report.drafts.all()}
    assert set(drafts) == {"Barrier tissues", "胸腺の老化"}  # the header row skipped
    talk = drafts["Barrier tissues"]
    assert (talk.date, talk.international, talk.country.code) == (
        datetime.date(2024, 8, 20),
        True,
        "DE",
    )
    client.post(page("drafts", report), {"draft": [d.pk for d in drafts.values()]})
    assert report.presentations.count() == 2


def test_it_brings_in_events_pasted_from_excel(client, report, pi):
    EventFactory(
        report=report.project.reports.get(fiscal_year=2023),
        title="Kick-off",
        held_on=datetime.date(2024, 3, 1),
    )
    sign_in(client, pi)
    paste = "種別\t名称\t開催日\t国\t参加者数\n"
    paste += "ワークショップ\tJoint workshop\t2024/9/10\tドイツ\t１，２００\n"
    paste += "Symposium\t国際シンポジウム\t2024-11-02\t\t45\n"
    paste += "懇親会\tNo kind\t2024-12-01\tJP\t\n"
    paste += "workshop\tKick-off\t2024/3/1\t\t\n"  # reported in FY2023
    client.post(page("import_outputs", report), {"paste": paste, "kind": "event"})
    drafts = {d.title: d for d in report.drafts.all()}
    assert set(drafts) == {"Joint workshop", "国際シンポジウム", "No kind", "Kick-off"}
    workshop = drafts["Joint workshop"]
    assert (workshop.kind, workshop.event_kind, workshop.date) == (
        "event",
        "workshop",
        datetime.date(2024, 9, 10),
    )
    assert (workshop.country.code, workshop.participants) == ("DE", 1200)
    assert drafts["No kind"].problem == sources.INCOMPLETE  # 懇親会 is no kind of ours
    assert drafts["Kick-off"].duplicate
    text = client.get(page("report", report)).text
    assert "the kind of event" in text and "Already reported in" in text
    client.post(page("drafts", report), {"draft": [d.pk for d in drafts.values()]})
    held = {event.title: event for event in report.events.all()}
    assert set(held) == {"Joint workshop", "国際シンポジウム"}  # the other two left to fix
    assert (held["国際シンポジウム"].kind, held["国際シンポジウム"].participants) == (
        "symposium",
        45,
    )
    assert report.drafts.count() == 2


def test_it_gives_a_section_template_that_uploads_back_as_it_is(
    client, report, pi, settings, jobs_in_process
):
    import openpyxl

    settings.LANGUAGE_CODE = "ja"
    sign_in(client, pi)
    url = reverse("report_template", args=[report.pk, "presentations"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert "演題" in header or "題名" in header or any("題" in str(h) for h in header)
    assert sheet.cell(2, 1).value == report.project.code and sheet.cell(2, 2).value == 2024
    assert sheet.data_validations.dataValidation  # drop-downs for the choices and yes/no
    yes = sheet.data_validations.dataValidation[0].formula1.strip('"').split(",")[0]
    values = {"presented_on": datetime.date(2024, 9, 1), "international": yes}
    for name in ["title", "conference"]:
        values[name] = f"テンプレート {name}"
    columns = {h: i for i, h in enumerate(header, start=1)}
    from exchange.kinds import KINDS

    spec = KINDS["presentations"]
    for name, value in values.items():
        sheet.cell(2, columns[spec.label(name)]).value = value
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "presentations.xlsx"
    client.post(reverse("report_upload", args=[report.pk, "presentations"]), {"file": out})
    talk = report.presentations.get()
    assert (talk.title, talk.international) == ("テンプレート title", True)
