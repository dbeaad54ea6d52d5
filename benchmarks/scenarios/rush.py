"""A deadline rush: 200 PIs submit their annual reports at the same instant, against gunicorn.

Set-up (idempotent): 200 PI accounts (rush-pi-NNN@bench.example, in the PI group), each the
PI of one SYNTH project, whose latest report is the one submitted; before each run those
reports go back to draft. Each PI has a real session (made with the session store, as a
sign-in would: no 200 password hashes to wait for) and first opens the report page as a
browser does, which gives the CSRF cookie, the form's token and the report's `version`.
Then 200 threads, one connection each, wait at a barrier and post the submit form at once.

Errors are answers other than 2xx/3xx (the view redirects after a submission); lost are
reports not `submitted` afterwards. The ceiling is the same burst of 200 POSTs to a bare view
that submits the report in one UPDATE (benchmarks/urls.py): what gunicorn, Django and
PostgreSQL cost for a write at that concurrency, before sessions, CSRF, the permission
rules, the row lock with its version check, the history row and the redirect.

Result.median_s is the median latency of the 200 submissions (ceiling_median_s the bare
view's); p95 is in the details. The reports are put back to draft afterwards, so that the
other scenarios see the data set as generated.
"""

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from benchmarks.harness import Result
from benchmarks.server import SECRET_KEY, collect_static, gunicorn

PIS = 200
EMAIL = "rush-pi-{:03d}@bench.example"
TIMEOUT_S = 120
P95_RATIO = 2  # issue 18: the p95 within twice the bare view's
TARGET = f"0 errors, 0 lost, p95 <= {P95_RATIO}x the bare view's"


def run(scale: str) -> list[Result]:
    collect_static(scale)
    pis = _pis()
    reports = list(pis.values())
    sessions = _sessions(list(pis))
    pages = [(sessions[user], report) for user, report in pis.items()]
    with gunicorn(scale) as base:
        port = urllib.parse.urlsplit(base).port
        _reset(reports)
        with ThreadPoolExecutor(10) as pool:
            forms = list(pool.map(lambda page: _open_page(port, *page), pages))
        ours = _rush(port, [_submission(port, form) for form in forms])
        lost = len(reports) - _submitted(reports)
        _reset(reports)
        bare = _rush(port, [("POST", f"/bare/reports/{pk}/submit/", b"", {}) for pk in reports])
        _reset(reports)
    return [_result(scale, ours, bare, lost)]


def _pis() -> dict[int, int]:
    """user id -> report id for the 200 rush PIs, made on the first run."""
    from django.contrib.auth.models import Group

    from accounts.models import Role, User
    from projects.models import AnnualReport, ProjectMember

    group = Group.objects.get(name=Role.PI)
    # SYNTH projects have no members: a draft report of one without members is free.
    free = AnnualReport.objects.filter(
        project__proposal__call__program__code="SYNTH", status="draft", project__memberships=None
    )
    projects = iter(free.order_by("project_id").values_list("project_id", flat=True))
    pis = {}
    for number in range(PIS):
        user, created = User.objects.get_or_create(email=EMAIL.format(number))
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        member = ProjectMember.objects.filter(user=user).first()
        if member is None:
            project = next(projects, None)
            if project is None:
                break  # S has fewer projects than 200: the rush is as large as S allows
            member = ProjectMember.objects.create(user=user, project_id=project, role="pi")
        report = AnnualReport.objects.filter(project_id=member.project_id).latest("fiscal_year")
        _complete(report)
        pis[user.pk] = report.pk
    return pis


def _complete(report) -> None:
    """What the PI entered before the deadline: the lab-wide statistics and the buy-out
    answer the submission requires (projects.reporting.submission_refusal). Without them
    every submission is refused, which answers 302 too: the run counts them as lost."""
    from projects import reporting
    from projects.models import AnnualReport, LabStatistic

    if not LabStatistic.objects.filter(report=report).exists():
        statistic = LabStatistic(events_held=1, researchers_invited=0, researchers_dispatched=0)
        reporting.add_row(report, statistic)
    AnnualReport.objects.filter(pk=report.pk, buyout_used=None).update(buyout_used=True)


def _sessions(user_ids: list[int]) -> dict[int, str]:
    """user id -> the key of a signed-in session, as django.contrib.auth.login stores it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    from accounts.models import User

    keys = {}
    # Signed with the server's key, as the server itself would sign them.
    with override_settings(SECRET_KEY=SECRET_KEY):
        for user in User.objects.filter(pk__in=user_ids):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            keys[user.pk] = session.session_key
    return keys


def _reset(reports: list[int]) -> None:
    """Back to draft, with their stored figures: an UPDATE sends no signal, and the
    figures must stay exact for the other scenarios and for verify_figures."""
    from projects import figures
    from projects.models import AnnualReport, Paper

    AnnualReport.objects.filter(pk__in=reports).update(
        status="draft", submitted_at=None, nothing_to_report=False
    )
    keys = Paper.objects.filter(report__in=reports).values_list("dedupe_key", flat=True)
    figures.touch(reports=reports, papers=set(keys))


def _submitted(reports: list[int]) -> int:
    from projects.models import AnnualReport

    return AnnualReport.objects.filter(pk__in=reports, status="submitted").count()


def _open_page(port: int, session: str, report: int) -> dict:
    """What the browser holds after opening the report page: cookies, token, version."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        connection.request("GET", f"/reports/{report}/", headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        page = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()
    csrf = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken="))
    form = re.search(r'action="/reports/\d+/submit/">\s*(.*?)</form>', page, re.DOTALL)
    if response.status != 200 or form is None:
        raise RuntimeError(f"report {report}: {response.status}, no submit form")
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    return {"report": report, "session": session, "csrf": csrf, "fields": fields}


def _submission(port: int, form: dict) -> tuple[str, str, bytes, dict]:
    # The post that hands the report in: the confirmation's (the first post of the form
    # only asks to confirm, templates/projects/report.html).
    body = urllib.parse.urlencode({**form["fields"], "confirmed": "1"}).encode()
    headers = {
        "Cookie": f"sessionid={form['session']}; csrftoken={form['csrf']}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://127.0.0.1:{port}",
    }
    return ("POST", f"/reports/{form['report']}/submit/", body, headers)


def _rush(port: int, requests: list[tuple[str, str, bytes, dict]]) -> dict:
    """Every request on its own connection, all let go at once: statuses and latencies."""
    barrier = threading.Barrier(len(requests))
    outcomes: list[tuple[int, float]] = [(0, 0.0)] * len(requests)

    def fire(index: int) -> None:
        method, path, body, headers = requests[index]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        barrier.wait()
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            outcomes[index] = (response.status, time.perf_counter() - started)
        except OSError:
            outcomes[index] = (0, time.perf_counter() - started)  # refused, reset or timed out
        finally:
            connection.close()

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(seconds for _status, seconds in outcomes)
    return {
        "count": len(requests),
        "errors": sum(1 for status, _s in outcomes if not 200 <= status < 400),
        "median_s": statistics.median(latencies),
        "p95_s": latencies[int(0.95 * (len(latencies) - 1))],
        "wall_s": latencies[-1],
    }


def _result(scale: str, ours: dict, bare: dict, lost: int) -> Result:
    return Result(
        scenario=f"deadline rush ({ours['count']} PIs submit)",
        scale=scale,
        median_s=ours["median_s"],
        ceiling="bare view: one UPDATE",
        ceiling_median_s=bare["median_s"],
        details={
            "errors": ours["errors"],
            "lost": lost,
            "p95_ms": round(ours["p95_s"] * 1000, 1),
            "median_ms": round(ours["median_s"] * 1000, 1),
            "req_s": round(ours["count"] / ours["wall_s"], 1),
            "ceiling_req_s": round(bare["count"] / bare["wall_s"], 1),
            "ceiling_p95_ms": round(bare["p95_s"] * 1000, 1),
            "ceiling_errors": bare["errors"],
            "target": TARGET,
            "met": ours["errors"] == 0 and lost == 0 and ours["p95_s"] <= P95_RATIO * bare["p95_s"],
        },
    )
