"""`make bench` on a fresh machine (issue 18, item 5): the harness must not rot.

It broke twice unseen: Django 6's shell banner hid that no data set existed, and the
hand-written SQL of the indicators still named a column that issue 11 replaced. The
suite now runs every scenario at S from no database at all, as `make bench SCALE=S` does
(same module, same arguments; BENCH_SMOKE runs each measurement once and briefly),
on a database and a results folder of its own. The
targets are of M and L: at S this proves that each scenario runs and reports.
"""

import json
import os
import subprocess
import sys

import pytest

from benchmarks.harness import SERVER, postgres
from benchmarks.run import SCENARIOS


@pytest.fixture
def fresh_database():
    name = f"aspire_bench_s_test_{os.getpid()}"
    postgres("dropdb", "--if-exists", name)  # "no database yet", as on a clean clone
    yield f"{SERVER}/{name}"
    postgres("dropdb", "--if-exists", name, check=False)


def test_it_runs_every_benchmark_at_s_from_no_database(fresh_database, tmp_path):
    env = os.environ | {"BENCH_DATABASE_URL": fresh_database, "BENCH_RESULTS": str(tmp_path)}
    env["BENCH_SMOKE"] = "true"  # each scenario once and briefly: the harness runs, no more
    env.pop("DJANGO_SETTINGS_MODULE", None)  # as a shell's `make bench` starts
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--scale", "S"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = json.loads((tmp_path / "latest.json").read_text())
    assert {row["scale"] for row in rows} == {"S"}
    reported = " ".join(row["scenario"] for row in rows)
    for word in [
        "indicators",
        "API",
        "dashboard",
        "import",
        "admin page",
        "PDF",
        "rush",
        "zip-bomb",
    ]:
        assert word.casefold() in reported.casefold(), f"no {word} scenario in {reported}"
    assert len(SCENARIOS) == 8  # a scenario added is a word added above
    assert all(row["median_s"] > 0 for row in rows)
