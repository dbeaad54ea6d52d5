"""Jobs of the evaluation: thin, an id in, a service call, safe to run twice."""

from celery import shared_task

from evaluations import report


@shared_task(acks_late=True)
def generate_report(report_id: int) -> None:
    report.generate(report_id)
