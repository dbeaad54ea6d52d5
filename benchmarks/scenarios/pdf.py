"""The evaluation PDF of the demo: our render_pdf against WeasyPrint alone on the same HTML.

The ceiling is the library's own cost of laying out the document; the difference is ours
(the figures snapshot, the opinions, the template). The demo lives in its own database,
aspire_bench_demo, so the child process that times it has its own DATABASE_URL; the scale
does not change this scenario.
"""

import json
import os
import subprocess
import sys

from benchmarks.harness import ROOT, SERVER, Result, manage, median_time, postgres

DATABASE = f"{SERVER}/aspire_bench_demo"
TARGET_S = 5.0


def run(scale: str) -> list[Result]:
    env = {**os.environ, "DATABASE_URL": DATABASE}
    postgres("createdb", "aspire_bench_demo", check=False)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_demo", env=env, capture_output=True)
    child = [sys.executable, "-m", "benchmarks.scenarios.pdf"]
    timed = subprocess.run(child, env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    ours, weasyprint, pages = json.loads(timed.stdout)
    return [
        Result(
            scenario="evaluation PDF (demo)",
            scale=scale,
            median_s=ours,
            ceiling="WeasyPrint on the same HTML",
            ceiling_median_s=weasyprint,
            details={"pages": pages, "target": f"< {TARGET_S:g} s", "met": ours < TARGET_S},
        )
    ]


def _time_in_this_process() -> list:
    """Run in the child: Django is set up against the demo database."""
    import django

    django.setup()
    from django.template.loader import render_to_string
    from django.utils.translation import override
    from weasyprint import HTML

    from evaluations import report
    from evaluations.models import Evaluation

    evaluation = Evaluation.objects.order_by("pk").first()
    with override("ja"):
        html = render_to_string("evaluations/report_document.html", report.context(evaluation))
    pages = len(HTML(string=html).render().pages)
    ours = median_time(lambda: report.render_pdf(evaluation, "ja"), repeat=3)
    weasyprint = median_time(lambda: HTML(string=html).write_pdf(), repeat=3)
    return [ours, weasyprint, pages]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aspire.settings")
    print(json.dumps(_time_in_this_process()))
