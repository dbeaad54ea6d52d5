"""Jobs of the evaluation: thin, an id in, a service call, safe to run twice."""

from celery import shared_task

from evaluations import report


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,  # the EvaluationReport row is the job's state
    max_retries=None,  # retries only while another run's lease holds, which time limits end
    soft_time_limit=15 * 60,
    time_limit=16 * 60,
)
def generate_report(self, report_id: int) -> None:
    """Make a requested PDF or XLSX; look again later while another run holds the row."""
    if (wait_seconds := report.generate(report_id)) is not None:
        raise self.retry(countdown=wait_seconds + 1)
