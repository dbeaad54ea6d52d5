"""Jobs that recover: a job's claim on its row is a lease, and queueing it fails softly.

A job row (an evaluation's report file, an import) waits as PENDING until a
worker claims it. The claim is a lease: the row is RUNNING until `lease_expires_at`, and a
heartbeat renews the lease while the worker works. A worker that dies (SIGKILL, the out of
memory killer, a lost machine) stops renewing. Tasks acknowledge late, so Redis hands the
unacknowledged job to another worker after the broker's visibility timeout (or Celery
requeues it at once when only the pool's child died); that run, or a retry from the page,
takes the row over once the lease has expired. `attempts` counts the claims and fences the
holder: a worker whose lease was taken over can no longer write the row. A job that keeps
killing its worker is given up after MAX_ATTEMPTS claims instead of looping for ever.

Queueing happens once the transaction commits (the worker must find the row). When the
broker cannot be reached then, the row is failed with a message the page shows, instead
of the request answering 500 after committing a row that would wait for ever.
"""

import contextlib
import datetime
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from celery import Task
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A job still waiting this long after it was asked for has most likely lost its message
# (Redis restarted without its data): the page offers to start it again.
WAITING_TOO_LONG = datetime.timedelta(minutes=10)


def lease() -> datetime.timedelta:
    """How long a claim holds without a heartbeat (JOBS_LEASE_SECONDS, read when used)."""
    return datetime.timedelta(seconds=settings.JOBS_LEASE_SECONDS)


class JobStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting")
    RUNNING = "running", gettext_lazy("Running")
    DONE = "done", gettext_lazy("Done")
    FAILED = "failed", gettext_lazy("Failed")


class Leased(models.Model):
    """The fields of a claim; the model also has a `status` of JobStatus and a `message`."""

    queued_at = models.DateTimeField(gettext_lazy("queued at"), default=timezone.now)
    lease_expires_at = models.DateTimeField(gettext_lazy("lease expires at"), null=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Claim:
    """What a run found: its fencing token, or how long another run's lease still holds."""

    attempt: int | None = None  # set when this run holds the lease
    wait_seconds: float | None = None  # set when another run holds a live lease
    given_up: bool = False  # set when the row was claimed MAX_ATTEMPTS times already


def claim(model: type[Leased], pk: int) -> Claim:
    """Take the row if it waits, or if the run that held it stopped renewing its lease."""
    now = timezone.now()
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status in (JobStatus.DONE, JobStatus.FAILED):
            return Claim()
        # A RUNNING row without a lease was claimed before leases existed: stuck, takeable.
        holds = row.lease_expires_at is not None and row.lease_expires_at > now
        if row.status == JobStatus.RUNNING and holds:
            return Claim(wait_seconds=(row.lease_expires_at - now).total_seconds())
        if row.attempts >= MAX_ATTEMPTS:
            return Claim(given_up=True)
        row.status, row.attempts = JobStatus.RUNNING, row.attempts + 1
        row.lease_expires_at = now + lease()
        row.save(update_fields=["status", "attempts", "lease_expires_at"])
        return Claim(attempt=row.attempts)


def held(model: type[Leased], pk: int, attempt: int) -> models.QuerySet:
    """The row, while this run's claim still holds it: writes through it are fenced."""
    return model.objects.filter(pk=pk, status=JobStatus.RUNNING, attempts=attempt)


def finish(model: type[Leased], pk: int, attempt: int, status: str, **fields) -> bool:
    """Done or failed, if the claim still holds; False when another run took the row over."""
    return held(model, pk, attempt).update(status=status, lease_expires_at=None, **fields) == 1


def fail(model: type[Leased], pk: int, message: str) -> bool:
    """Fail a row that no run holds (never queued, given up): the page offers a retry."""
    rows = model.objects.filter(pk=pk).exclude(status__in=[JobStatus.DONE, JobStatus.FAILED])
    return rows.update(status=JobStatus.FAILED, message=message[:500], lease_expires_at=None) == 1


@contextlib.contextmanager
def heartbeat(model: type[Leased], pk: int, attempt: int) -> Iterator[None]:
    """Renew the lease from a thread while the block runs, every third of its length.

    A thread, because the work (WeasyPrint laying out a long PDF, a Crossref request) is
    one call that cannot stop to renew; the thread dies with the process, so the lease of
    a killed worker expires.
    """
    stop = threading.Event()
    thread = threading.Thread(
        target=_renew, args=(model, pk, attempt, stop), name=f"lease-{pk}", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _renew(model: type[Leased], pk: int, attempt: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(lease().total_seconds() / 3):
            if not held(model, pk, attempt).update(lease_expires_at=timezone.now() + lease()):
                return  # finished, or taken over after this worker stalled: stop renewing
    finally:
        connection.close()  # the thread's own connection; threads do not share them


def retryable() -> Q:
    """Rows a person may start again: failed, stopped (expired lease) or lost in the queue."""
    now = timezone.now()
    return (
        Q(status=JobStatus.FAILED)
        | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
        | Q(status=JobStatus.RUNNING, lease_expires_at__isnull=True)
        | Q(status=JobStatus.PENDING, queued_at__lt=now - WAITING_TOO_LONG)
    )


def with_retryable(rows: models.QuerySet) -> models.QuerySet:
    """The rows with a `retryable` flag for the page, by the same rule as `reset`."""
    return rows.annotate(
        retryable=models.ExpressionWrapper(retryable(), output_field=models.BooleanField())
    )


def reset(model: type[Leased], pk: int, **fields) -> bool:
    """Back to PENDING with fresh attempts, if retryable; the caller queues the job again."""
    rows = model.objects.filter(retryable(), pk=pk)
    again = {"status": JobStatus.PENDING, "queued_at": timezone.now(), "attempts": 0}
    return rows.update(**again, lease_expires_at=None, message="", **fields) == 1


def queue_on_commit(task: Task, pk: int, failed: Callable[[str], None]) -> None:
    """Send `task(pk)` once the transaction commits; `failed(message)` if Redis is down.

    The task's result is not stored: the row is the job's state. Without a result there is
    no round trip to the result store either, which would otherwise retry for 20 s.
    """

    def send() -> None:
        try:
            task.apply_async((pk,), ignore_result=True)
        except BrokerUnreachable:
            logger.warning("%s(%s) not queued: the broker is unreachable", task.name, pk)
            failed(_("The job queue could not be reached, so nothing was started. Try again."))

    transaction.on_commit(send)
