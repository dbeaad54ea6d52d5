"""Imports and uploads as jobs (issue 12): the request keeps the file and returns at once.

A staff preview, the import that confirms it and a PI's upload into a report each become
an ImportJob row, worked through by `exchange.tasks.run_import` on the `imports` queue
(CELERY_TASK_ROUTES), so that a large or hostile file never holds a web worker: the page
follows the job with a progress bar and shows its result, row by row, once it is done.
The job is one of aspire/jobs.py's: a lease renewed by a heartbeat, taken over when its
worker dies, given up after three claims, failed with a message when Redis cannot be
reached, with a retry button. The import and the row's result are written in one
transaction, so a job run twice imports once. The demo (JOBS_EAGER) runs it in the request.

One person may have IMPORT_JOBS_PER_USER imports waiting or running at a time.
"""

import dataclasses
import datetime
import logging
import types
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from aspire import jobs
from aspire.jobs import JobStatus
from exchange.models import ImportJob
from exchange.services import (
    ImportResult,
    UnreadableFile,
    import_file,
    import_for_report,
    read_table,
)

logger = logging.getLogger(__name__)

# A preview waits this long for its confirmation.
PREVIEW_LIFETIME = datetime.timedelta(hours=24)
# What a result keeps to show: the first problems and changes (a page lists 500).
LISTED = 1000


# --- Starting ----------------------------------------------------------------------------


def start(
    *,
    kind: str,
    filename: str,
    content: bytes,
    by: User,
    report=None,
    preview: bool = False,
    since: datetime.datetime | None = None,
    file_since: bool = True,
) -> ImportJob:
    """Keep the file as a job and queue it; refused (ValidationError, nothing kept) when
    the person has IMPORT_JOBS_PER_USER imports waiting or running already."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=by.pk)  # two uploads at once count one by one
        _check_cap(by)
        job = ImportJob.objects.create(
            kind=kind,
            filename=filename[:255],
            content=content,
            requested_by=by,
            report=report,
            preview=preview,
            since=since,
            file_since=file_since,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        _queue(job.pk)
    # Done already when it ran in the request; the file is not read back.
    job.refresh_from_db(fields=["status", "message", "result", "confirmed", "attempts"])
    return job


def _check_cap(by: User) -> None:
    active = ImportJob.objects.filter(
        requested_by=by, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    ).exclude(jobs.retryable())  # a job stopped or lost in the queue no longer counts
    count, limit = active.count(), settings.IMPORT_JOBS_PER_USER
    if count >= limit:
        message = _(
            "%(count)d of your imports are still running, and at most %(limit)d may run at "
            "a time: wait until one is done, then upload the file again."
        )
        raise ValidationError(message % {"count": count, "limit": limit}, code="too_many_jobs")


def _queue(job_id: int) -> None:
    from exchange.tasks import run_import  # the tasks module sits on top of this one

    if current_app.conf.task_always_eager:  # the demo has no worker: in the request
        run(job_id)
        return
    jobs.queue_on_commit(run_import, job_id, lambda message: jobs.fail(ImportJob, job_id, message))


def confirm(preview_id: int, by: User, kind: str, overwrite: bool) -> ImportJob | None:
    """Import the file a preview of `by` checked, once; None when there is no such preview
    (another's, expired, not fine, or confirmed already). Ticked, `overwrite` replaces what
    the preview listed as changed since the export; changes after the preview are still
    refused: nobody has seen them."""
    with transaction.atomic():
        fresh = timezone.now() - PREVIEW_LIFETIME
        previews = ImportJob.objects.filter(
            pk=preview_id,
            requested_by=by,
            kind=kind,
            report=None,
            preview=True,
            confirmed=False,
            status=JobStatus.DONE,
            result__error_count=0,
            created_at__gte=fresh,
        )
        if previews.update(confirmed=True) != 1:
            return None
        preview = ImportJob.objects.get(pk=preview_id)
        job = start(
            kind=kind,
            filename=preview.filename,
            content=bytes(preview.content),
            by=by,
            since=preview.since,
            file_since=not overwrite,
        )
        ImportJob.objects.filter(pk=preview_id).update(content=b"")  # kept once, in the job
    return job


def retry(job: ImportJob) -> bool:
    """Start a failed, stopped or lost job again (its file is kept until it is done)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=job.requested_by_id)
        _check_cap(job.requested_by)
        if not jobs.reset(ImportJob, job.pk):
            return False
        _queue(job.pk)
    return True


# --- Following ---------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"import-job-{job_id}-progress"


def progress(job: ImportJob) -> dict:
    """What the page's progress bar shows: rows done of all (0 of 0 while the file is read)."""
    done = cache.get(_progress_key(job.pk)) or {"done": 0, "total": 0}
    if job.status == JobStatus.DONE:
        rows = job.result.get("rows", 0)
        done = {"done": rows, "total": rows}
    return {"status": job.status, "finished": job.status in FINISHED, **done}


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


def listed(rows: QuerySet[ImportJob]) -> QuerySet[ImportJob]:
    """Jobs for a list of many: without their file and result (megabytes each), with the
    counts of the result read in the database: `rows` (read) and `written` (created or
    updated; none for a preview, which writes nothing, nor for a job not done, as an
    import is all or nothing)."""

    def count(key: str) -> Coalesce:
        return Coalesce(Cast(KT(f"result__{key}"), IntegerField()), 0)

    done = Q(status=JobStatus.DONE, preview=False)
    return rows.defer("content", "result").annotate(
        rows=count("rows"),
        written=Case(When(done, then=count("created") + count("updated")), default=0),
    )


def progress_of_listed(listed_jobs: Iterable[ImportJob]) -> dict[int, dict]:
    """progress() of each of the `listed` jobs, by id, in one round trip to the cache."""
    listed_jobs = list(listed_jobs)
    cached = cache.get_many([_progress_key(job.pk) for job in listed_jobs])
    shown = {}
    for job in listed_jobs:
        done = cached.get(_progress_key(job.pk)) or {"done": 0, "total": 0}
        if job.status == JobStatus.DONE:
            done = {"done": job.rows, "total": job.rows}
        shown[job.pk] = {"status": job.status, "finished": job.status in FINISHED, **done}
    return shown


# --- Running (the task) ------------------------------------------------------------------


def run(job_id: int) -> float | None:
    """Do the job once; safe to run twice. Returns the seconds until another run's lease
    expires when one holds the job, so that the task can look again then."""
    job = ImportJob.objects.select_related("requested_by", "report").filter(pk=job_id).first()
    if job is None:  # its report or its user was deleted
        return None
    with translation.override(job.language):  # the messages are for the person who asked
        claim = jobs.claim(ImportJob, job_id)
        if claim.given_up:
            message = _("The import stopped %(count)d times before it finished; try again.")
            jobs.fail(ImportJob, job_id, message % {"count": jobs.MAX_ATTEMPTS})
        if claim.attempt is None:
            return claim.wait_seconds
        with jobs.heartbeat(ImportJob, job_id, claim.attempt):
            try:
                _work(job, claim.attempt)
            except Exception:  # the person sees that it stopped, the log has why
                logger.exception("import job %s failed", job_id)
                message = _("The import stopped with an error; try again.")
                jobs.finish(ImportJob, job_id, claim.attempt, JobStatus.FAILED, message=message)
    return None


def _work(job: ImportJob, attempt: int) -> None:
    def report_progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), {"done": done, "total": total}, 3600)

    content = bytes(job.content)
    with _history_by(job.requested_by), transaction.atomic():
        result = _import(job, content, report_progress)
        keep = job.preview and result.ok  # a preview's file waits for its confirmation
        written = jobs.held(ImportJob, job.pk, attempt).update(
            status=JobStatus.DONE,
            result=stored(result),
            lease_expires_at=None,
            finished_at=timezone.now(),
            content=content if keep else b"",
        )
        if not written:  # another run took the job over: its import is the one that counts
            transaction.set_rollback(True)


def _import(job: ImportJob, content: bytes, report_progress) -> ImportResult:
    if job.report is None:
        return import_file(
            job.kind,
            content,
            job.filename,
            dry_run=job.preview,
            since=job.since,
            overwrite=False,
            file_since=job.file_since,
            progress=report_progress,
        )
    try:
        table = read_table(content, job.filename)
        return import_for_report(job.report, job.kind, table, progress=report_progress)
    except UnreadableFile as error:
        return ImportResult(errors=error.errors)
    except ValidationError as error:  # the report was handed in meanwhile
        return ImportResult(errors=error.messages)


class _history_by:
    """History rows name the person who asked, as the request's middleware would."""

    def __init__(self, user: User):
        self.user = user

    def __enter__(self):
        self.saved = getattr(HistoricalRecords.context, "request", None)
        if self.saved is None:
            HistoricalRecords.context.request = types.SimpleNamespace(user=self.user)

    def __exit__(self, *exc):
        if self.saved is None:
            del HistoricalRecords.context.request


# --- The result, kept in the row ---------------------------------------------------------


def stored(result: ImportResult) -> dict:
    """An ImportResult as JSON: counts, and the first LISTED problems and changes."""
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rows": result.created + result.updated + result.unchanged,
        "dry_run": result.dry_run,
        "errors": result.errors[:LISTED],
        "error_count": len(result.errors),
        "added": [[row, str(record)] for row, record in result.added[:LISTED]],
        "added_count": len(result.added),
        "changes": [_change(change) for change in result.changes[:LISTED]],
        "change_count": len(result.changes),
        "stale": [_change(change) for change in result.stale[:LISTED]],
        "stale_count": len(result.stale),
    }


def _change(change) -> dict:
    at = change.at.isoformat() if change.at else None
    fields = [[str(part) for part in field] for field in change.fields]
    return {"row": change.row, "record": change.record, "fields": fields, "by": change.by, "at": at}


@dataclasses.dataclass
class Change:
    row: int
    record: str
    fields: list
    by: str = ""
    at: datetime.datetime | None = None


@dataclasses.dataclass
class StoredResult:
    """A job's result as the import page shows it (the attributes of an ImportResult)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)
    error_count: int = 0
    added: list = dataclasses.field(default_factory=list)
    added_count: int = 0
    changes: list[Change] = dataclasses.field(default_factory=list)
    change_count: int = 0
    stale: list[Change] = dataclasses.field(default_factory=list)
    stale_count: int = 0
    dry_run: bool = False

    @classmethod
    def of(cls, job: ImportJob) -> "StoredResult":
        data = dict(job.result)
        for name in ("changes", "stale"):
            data[name] = [
                Change(**(item | {"at": _moment(item["at"])})) for item in data.get(name, [])
            ]
        data.pop("rows", None)
        return cls(**data)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def unlisted_errors(self) -> int:
        return self.error_count - len(self.errors)


def _moment(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None
