"""Imports and uploads as jobs (issue 12, exchange/imports.py): the request keeps the file and
answers at once; a worker imports it; the page follows the job and shows its result; one
person may run only so many at a time."""

import io

import pytest
from django.urls import reverse

from aspire.jobs import JobStatus
from exchange import imports
from exchange.models import ImportJob
from exchange.services import write_xlsx
from programs.models import FundingAgency
from projects.models import Paper, ReportStatus
from tests.celery_worker import real_worker, wait_for
from tests.conftest import sign_in
from tests.factories import MemberFactory, ReportFactory

AGENCIES = b"code,name,name_ja,country\nNIH,National Institutes of Health,,US\n"


def upload(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def papers(report) -> io.BytesIO:
    header = ["project", "fiscal_year", "doi", "title", "journal", "published_on"]
    header += ["international_coauthored"]
    row = [report.project.code, str(report.fiscal_year), "", "Joint work", "", "2024-06-01", "yes"]
    return upload(write_xlsx([header, row]), "papers.xlsx")


@pytest.mark.django_db(transaction=True)  # the worker's threads read committed data
def test_it_imports_a_pi_upload_on_a_real_worker_and_shows_the_result(client):
    report = ReportFactory(status=ReportStatus.DRAFT)
    pi = MemberFactory(project=report.project).user
    sign_in(client, pi)
    with real_worker(concurrency=1):
        answer = client.post(
            reverse("report_upload", args=[report.pk, "papers"]), {"file": papers(report)}
        )
        job = ImportJob.objects.get()
        assert answer.status_code == 302 and answer.url == reverse("exchange:job", args=[job.pk])
        job = wait_for(job, JobStatus.DONE, JobStatus.FAILED)
    assert job.status == JobStatus.DONE, job.message
    assert job.result["errors"] == []
    assert Paper.objects.filter(report=report, title="Joint work").exists()
    progress = client.get(reverse("exchange:job_progress", args=[job.pk])).json()
    assert progress == {"status": "done", "finished": True, "done": 1, "total": 1}
    shown = client.get(reverse("exchange:job", args=[job.pk]), follow=True)
    assert shown.redirect_chain[-1][0].startswith(reverse("projects:report", args=[report.pk]))
    assert "papers.xlsx: 1 added, 0 updated, 0 unchanged." in shown.text
    assert bytes(ImportJob.objects.get().content) == b""  # the file is not kept once done


@pytest.mark.django_db(transaction=True)
def test_it_previews_and_imports_a_staff_file_on_a_real_worker(admin_client):
    url = reverse("exchange:import", args=["agencies"])
    with real_worker(concurrency=1):
        admin_client.post(url, {"file": upload(AGENCIES, "agencies.csv")})
        preview = wait_for(ImportJob.objects.get(), JobStatus.DONE, JobStatus.FAILED)
        page = admin_client.get(reverse("exchange:job", args=[preview.pk]))
        assert "agencies.csv is ready: 1 to create, 0 to update, 0 unchanged." in page.text
        assert not FundingAgency.objects.exists()  # a preview writes nothing
        admin_client.post(url, {"token": page.context["token"]})
        job = wait_for(ImportJob.objects.exclude(pk=preview.pk).get(), JobStatus.DONE)
    assert job.status == JobStatus.DONE and not job.preview
    done = admin_client.get(reverse("exchange:job", args=[job.pk]), follow=True)
    assert "Agencies.csv imported: 1 created, 0 updated, 0 unchanged." in done.text
    assert FundingAgency.objects.filter(code="NIH").exists()


@pytest.mark.django_db
def test_it_shows_a_waiting_job_with_a_progress_bar_that_polls(admin_client):
    url = reverse("exchange:import", args=["agencies"])
    answer = admin_client.post(url, {"file": upload(AGENCIES, "agencies.csv")})
    job = ImportJob.objects.get()  # queued once the transaction commits, which tests never do
    assert answer.url == reverse("exchange:job", args=[job.pk])
    page = admin_client.get(answer.url)
    assert 'class="import-progress"' in page.text
    assert reverse("exchange:job_progress", args=[job.pk]) in page.text
    assert "exchange/progress.js" in page.text
    progress = admin_client.get(reverse("exchange:job_progress", args=[job.pk])).json()
    assert progress == {"status": "pending", "finished": False, "done": 0, "total": 0}


@pytest.mark.django_db
def test_it_refuses_an_upload_over_the_per_user_cap_and_keeps_nothing(admin_client, settings):
    settings.IMPORT_JOBS_PER_USER = 2
    url = reverse("exchange:import", args=["agencies"])
    for _ in range(2):  # waiting for a worker (tests never commit, so none takes them)
        admin_client.post(url, {"file": upload(AGENCIES, "agencies.csv")})
    refused = admin_client.post(url, {"file": upload(AGENCIES, "agencies.csv")})
    assert refused.status_code == 429
    assert "2 of your imports are still running, and at most 2 may run at a time" in refused.text
    assert ImportJob.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_a_pi_upload_over_the_cap_with_a_message(client, settings):
    settings.IMPORT_JOBS_PER_USER = 1
    report = ReportFactory(status=ReportStatus.DRAFT)
    sign_in(client, MemberFactory(project=report.project).user)
    target = reverse("report_upload", args=[report.pk, "papers"])
    client.post(target, {"file": papers(report)})
    refused = client.post(target, {"file": papers(report)}, follow=True)
    assert "1 of your imports are still running, and at most 1 may run at a time" in refused.text
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_it_shows_a_job_only_to_whoever_started_it(admin_client, client):
    admin_client.post(
        reverse("exchange:import", args=["agencies"]), {"file": upload(AGENCIES, "a.csv")}
    )
    job = ImportJob.objects.get()
    report = ReportFactory(status=ReportStatus.DRAFT)
    sign_in(client, MemberFactory(project=report.project).user)
    assert client.get(reverse("exchange:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("exchange:job_progress", args=[job.pk])).status_code == 404
    assert client.post(reverse("exchange:retry_job", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_it_runs_a_job_once_and_offers_a_failed_one_again(admin_client, admin_user):
    job = imports.start(kind="agencies", filename="a.csv", content=AGENCIES, by=admin_user)
    imports.run(job.pk)
    imports.run(job.pk)  # delivered twice: the second run finds it done
    job.refresh_from_db()
    assert (job.status, job.result["created"], FundingAgency.objects.count()) == ("done", 1, 1)
    failed = imports.start(kind="agencies", filename="b.csv", content=AGENCIES, by=admin_user)
    ImportJob.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED, message="lost")
    page = admin_client.get(reverse("exchange:job", args=[failed.pk]))
    assert "lost" in page.text and reverse("exchange:retry_job", args=[failed.pk]) in page.text
    admin_client.post(reverse("exchange:retry_job", args=[failed.pk]))
    assert ImportJob.objects.get(pk=failed.pk).status == JobStatus.PENDING


ROWS = 5_000  # the suite's size; 100,000 through these pages has no benchmark yet


@pytest.mark.django_db(transaction=True)
def test_it_imports_thousands_of_proposals_through_the_admin_on_a_real_worker(admin_client):
    from calls.models import Proposal
    from exchange.services import write_csv
    from tests.factories import CallFactory
    from tests.test_exchange_batches import HEADER, proposals

    call = CallFactory()
    content = write_csv([HEADER, *proposals(call.code, ROWS)])
    url = reverse("exchange:import", args=["proposals"])
    with real_worker(concurrency=1):
        admin_client.post(url, {"file": upload(content, "proposals.csv")})
        preview = wait_for(ImportJob.objects.get(), JobStatus.DONE, JobStatus.FAILED)
        page = admin_client.get(reverse("exchange:job", args=[preview.pk]))
        assert f"proposals.csv is ready: {ROWS} to create" in page.text
        admin_client.post(url, {"token": page.context["token"]})
        job = wait_for(ImportJob.objects.exclude(pk=preview.pk).get(), JobStatus.DONE)
    done = admin_client.get(reverse("exchange:job", args=[job.pk]), follow=True)
    assert f"Proposals.csv imported: {ROWS} created, 0 updated, 0 unchanged." in done.text
    assert Proposal.objects.count() == ROWS
