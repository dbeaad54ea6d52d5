"""Import jobs in the admin (issue 12, exchange/admin.py): staff read who imported which
file, how far it got and what it wrote; nobody adds, changes or deletes a job there."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from aspire.jobs import JobStatus
from exchange import imports
from exchange.models import ImportJob
from tests.conftest import sign_in
from tests.factories import ImportJobFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:exchange_importjob_changelist")


def change_page(job: ImportJob) -> str:
    return reverse("admin:exchange_importjob_change", args=[job.pk])


@pytest.fixture
def officer(client):
    return sign_in(client, UserFactory(roles=["staff"], is_staff=True, email="officer@example.org"))


def test_it_lists_the_jobs_with_who_status_progress_and_rows_written(client, officer):
    ImportJobFactory(filename="agencies.csv", requested_by=officer)
    running = ImportJobFactory(
        kind="proposals", filename="proposals.csv", status=JobStatus.RUNNING, result={}
    )
    cache.set(imports._progress_key(running.pk), {"done": 1500, "total": 20000})  # as a worker
    failed = ImportJobFactory(status=JobStatus.FAILED, message="The import stopped with an error")
    ImportJobFactory(filename="preview.csv", preview=True, result={"rows": 4, "created": 4})
    page = client.get(LIST)
    assert page.status_code == 200
    rows = {job.filename: job for job in page.context["cl"].result_list}
    assert (rows["agencies.csv"].rows, rows["agencies.csv"].written) == (3, 3)
    assert rows["preview.csv"].written == 0  # a preview writes nothing
    assert rows[failed.filename].written == 0  # an import is all or nothing
    assert "1,500 of 20,000 rows" in page.text and "3 of 3 rows" in page.text
    assert officer.full_name in page.text and "The import stopped with an error" in page.text
    # Its own page is its requester's: linked for the officer's job only.
    assert page.text.count(reverse("exchange:job", args=[rows["agencies.csv"].pk])) == 1
    assert reverse("exchange:job", args=[running.pk]) not in page.text


def test_it_filters_by_status_and_kind_and_finds_by_file_name_or_person(client, officer):
    ImportJobFactory(filename="agencies.csv", requested_by=officer)
    ImportJobFactory(kind="proposals", filename="proposals.csv", status=JobStatus.FAILED)

    def listed(**query: str) -> list[str]:
        return [job.filename for job in client.get(LIST, query).context["cl"].result_list]

    assert listed(status__exact="failed") == ["proposals.csv"]
    assert listed(kind="agencies") == ["agencies.csv"]
    assert listed(q="proposals.csv") == ["proposals.csv"]
    assert listed(q="officer@example") == ["agencies.csv"]


def test_it_shows_a_jobs_page_with_its_result_and_first_problems(client, officer):
    errors = [f"Row {n}: unknown call." for n in range(2, 32)]
    result = {"errors": errors, "error_count": 30, "rows": 30}
    job = ImportJobFactory(filename="calls.csv", kind="calls", requested_by=officer, result=result)
    page = client.get(change_page(job))
    assert page.status_code == 200
    assert "Nothing was imported: 30 problems." in page.text
    assert "Row 21: unknown call." in page.text and "Row 22: unknown call." not in page.text
    assert reverse("exchange:job", args=[job.pk]) in page.text
    done = ImportJobFactory(filename="agencies.csv")
    page = client.get(change_page(done))
    assert "agencies.csv imported: 3 created, 0 updated, 0 unchanged." in page.text
    assert "Only the person who started it sees its page." in page.text


@pytest.mark.parametrize("who", ["officer", "superuser"])
def test_it_lets_nobody_add_change_or_delete_a_job(client, officer, admin_client, who):
    client = client if who == "officer" else admin_client
    job = ImportJobFactory(filename="agencies.csv")
    assert client.get(reverse("admin:exchange_importjob_add")).status_code == 403
    page = client.get(change_page(job))
    assert page.status_code == 200 and 'name="_save"' not in page.text  # read only
    client.post(change_page(job), {"filename": "other.csv", "status": "failed"})
    delete = reverse("admin:exchange_importjob_delete", args=[job.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(LIST, {"action": "delete_selected", "_selected_action": [job.pk], "post": "yes"})
    assert "delete_selected" not in client.get(LIST).text
    job.refresh_from_db()
    assert (job.filename, job.status) == ("agencies.csv", JobStatus.DONE)


def test_it_lists_import_jobs_among_an_officers_records(client, officer):
    page = client.get(reverse("admin:index")).text
    assert LIST in page
    assert page.index("Records") < page.index(LIST)


def test_it_keeps_the_jobs_from_the_committee_and_the_pis(client):
    job = ImportJobFactory()
    sign_in(client, UserFactory(roles=["committee"], is_staff=True))
    assert client.get(LIST).status_code == 403
    assert client.get(change_page(job)).status_code == 403
    assert LIST not in client.get(reverse("admin:index")).text
    client.logout()
    sign_in(client, MemberFactory().user)  # a PI: not staff, so not in the admin at all
    assert client.get(LIST).status_code == 302
    assert client.get(change_page(job)).status_code == 302


def test_it_lists_jobs_in_the_same_number_of_queries_for_more_rows(
    client, officer, django_assert_num_queries
):
    def listed_in(count: int) -> None:
        ImportJob.objects.all().delete()
        for number in range(count):  # many people, many kinds: nothing fetched a row
            status = [JobStatus.DONE, JobStatus.RUNNING, JobStatus.FAILED][number % 3]
            ImportJobFactory(kind=["agencies", "calls"][number % 2], status=status)
        # The session, its user, their second factor, permissions and groups; the count,
        # the page's rows (with their requesters) and the kinds for the filter.
        with django_assert_num_queries(9):
            page = client.get(LIST)
        assert len(page.context["cl"].result_list) == count

    listed_in(2)
    listed_in(12)
