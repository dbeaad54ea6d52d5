"""API list pages of 50 under load: ours against a bare `.values()` + JsonResponse view.

gunicorn (2 workers of WEB_THREADS threads, gunicorn.conf.py, benchmarks.settings) serves
the scale's database on loopback; wrk (one thread, 10 connections) loads one URL at a time
from a second process. Two lists: the proposals (with call, both PIs and the final score)
and the papers (with project and fiscal year). Each is measured on its first page and on a
deep page (a cursor half way down the list); the bare view answers the same rows (`?after=`
the same key). Ours and the bare view take turns, ROUNDS times, after a warm-up, so that
both see the same machine.

Result.median_s is seconds per request at saturation, 1 / req/s (ceiling_median_s the same
for the bare view), so that `ratio` is the bare view's req/s over ours: the target of
≥ 60 % of its req/s is a ratio ≤ 1.67. p95 is wrk's latency percentile under that load.
"""

import base64
import json
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks.harness import SMOKE, Result
from benchmarks.server import gunicorn

CONNECTIONS = 10
SECONDS = 1 if SMOKE else 8
WARMUP_S = 1 if SMOKE else 3
ROUNDS = 1 if SMOKE else 2
TARGET_SHARE = 0.8  # of the bare view's req/s (issue 18)
TARGET_P95_MS = 50.0
CLIENT = "benchmark"

# wrk prints this line at the end: req/s, p50 and p95 in microseconds, failed requests.
REPORT = """
done = function(summary, latency, requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), failed))
end
"""


def run(scale: str) -> list[Result]:
    key = _api_key()
    lists = {"proposals": ("ref", _middle_ref()), "papers": ("pk", _middle_paper())}
    results = []
    with gunicorn(scale) as base, tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "report.lua"
        script.write_text(REPORT)
        for name, (_column, middle) in lists.items():
            ours = f"{base}/api/v1/{name}/"
            bare = f"{base}/bare/{name}/"
            first = _compare(script, key, ours, bare)
            deep = _compare(
                script, key, f"{ours}?cursor={_cursor(middle)}", f"{bare}?after={middle}"
            )
            results.append(_result(name, scale, first, deep))
    return results


def _compare(script: Path, key: str, ours: str, bare: str) -> dict:
    """req/s, p50 and p95 of both URLs: the median of ROUNDS alternating runs each."""
    header = f"Authorization: Token {key}"
    _wrk(script, ours, header, WARMUP_S)
    _wrk(script, bare, header, WARMUP_S)
    runs: dict[str, list[dict]] = {"ours": [], "bare": []}
    for _round in range(ROUNDS):
        runs["ours"].append(_wrk(script, ours, header, SECONDS))
        runs["bare"].append(_wrk(script, bare, header, SECONDS))
    return {side: _median(measured) for side, measured in runs.items()}


def _wrk(script: Path, url: str, header: str, seconds: int) -> dict:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script)]
    command += ["-H", header, url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk said:\n{out}")
    requests, duration_us, p50_us, p95_us, failed = map(int, match.groups())
    return {
        "req_s": requests / (duration_us / 1e6),
        "p50_ms": p50_us / 1000,
        "p95_ms": p95_us / 1000,
        "errors": failed,
    }


def _median(runs: list[dict]) -> dict:
    return {
        "req_s": statistics.median(r["req_s"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p95_ms": statistics.median(r["p95_ms"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def _result(name: str, scale: str, first: dict, deep: dict) -> Result:
    ours, bare = first["ours"], first["bare"]
    share = ours["req_s"] / bare["req_s"]
    deep_share = deep["ours"]["req_s"] / deep["bare"]["req_s"]
    pages = (first, deep)
    share_met = all(p["ours"]["req_s"] >= TARGET_SHARE * p["bare"]["req_s"] for p in pages)
    p95_met = all(p["ours"]["p95_ms"] < TARGET_P95_MS for p in pages)
    errors = sum(p["ours"]["errors"] for p in pages)
    return Result(
        scenario=f"API {name} page of 50 (10 conn.)",
        scale=scale,
        median_s=1 / ours["req_s"],
        ceiling=".values() + JsonResponse",
        ceiling_median_s=1 / bare["req_s"],
        details={
            "req_s": round(ours["req_s"], 1),
            "p50_ms": round(ours["p50_ms"], 1),
            "p95_ms": round(ours["p95_ms"], 1),
            "ceiling_req_s": round(bare["req_s"], 1),
            "ceiling_p95_ms": round(bare["p95_ms"], 1),
            "share_of_ceiling": round(share, 3),
            "deep_req_s": round(deep["ours"]["req_s"], 1),
            "deep_p95_ms": round(deep["ours"]["p95_ms"], 1),
            "deep_ceiling_req_s": round(deep["bare"]["req_s"], 1),
            "deep_share_of_ceiling": round(deep_share, 3),
            "errors": errors,
            "lost": 0,
            "target": f"≥{TARGET_SHARE:.0%} req/s, p95<{TARGET_P95_MS:g}ms (page 1 and deep)",
            "share_met": share_met,
            "p95_met": p95_met,
            "met": share_met and p95_met and errors == 0,
        },
    )


def _api_key() -> str:
    """A fresh read-only key for this run (the previous run's client is removed)."""
    from api.models import APIClient
    from api.services import create_client

    APIClient.objects.filter(name=CLIENT).delete()
    _client, key = create_client(CLIENT)
    return key


def _middle_ref() -> str:
    from calls.models import Proposal

    refs = Proposal.objects.order_by("ref").values_list("ref", flat=True)
    return refs[refs.count() // 2]


def _middle_paper() -> int:
    from projects.models import Paper

    handed_in = Paper.objects.filter(report__status__in=["submitted", "accepted"]).order_by("pk")
    return handed_in.values_list("pk", flat=True)[handed_in.count() // 2]


def _cursor(value: str | int) -> str:
    """The API's cursor for "the rows after `value`" (see api/pagination.py)."""
    token = json.dumps({"v": [value], "b": False}, separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
