"""What every scenario shares: timing, the result record, the benchmark database."""

import dataclasses
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_RESULTS: where a run writes its tables (the suite's run of S must not touch ours).
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "benchmarks" / "results")
SERVER = "postgres://postgres@127.0.0.1:5432"
# BENCH_SMOKE: each scenario once and briefly (tests/test_bench.py): the same code paths in
# a minute or two, to show the harness runs; its figures are no measurement.
SMOKE = os.environ.get("BENCH_SMOKE") == "true"


@dataclasses.dataclass
class Result:
    """One row of the table and of latest.json: our time against the ceiling's."""

    scenario: str
    scale: str
    median_s: float
    ceiling: str
    ceiling_median_s: float
    details: dict = dataclasses.field(default_factory=dict)  # req/s, p95, memory, targets

    @property
    def ratio(self) -> float:
        return self.median_s / self.ceiling_median_s if self.ceiling_median_s else float("inf")

    def as_json(self) -> dict:
        return {**dataclasses.asdict(self), "ratio": round(self.ratio, 3)}


def database_url(scale: str) -> str:
    """Each scale has its own database, generated once and kept between runs."""
    return os.environ.get("BENCH_DATABASE_URL") or f"{SERVER}/aspire_bench_{scale.lower()}"


def postgres(command: str, *args: str, check: bool = True) -> None:
    """createdb, dropdb… against the local server (check=False: "exists already" is fine)."""
    local = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run([command, *args, *local], check=check, capture_output=True)


def manage(*args: str, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    """A manage.py command in a child process (`env`: another database, say)."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **options)


def median_time(function: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """The median wall-clock seconds of `repeat` calls, after `warmup` untimed ones."""
    if SMOKE:
        repeat, warmup = 1, 0
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def compare(
    scenario: str,
    scale: str,
    ours: Callable[[], object],
    ceiling: str,
    theirs: Callable[[], object],
    repeat: int = 5,
    **details,
) -> Result:
    """Time ours and the ceiling alternately in the same run, so that both see the same machine."""
    return Result(
        scenario=scenario,
        scale=scale,
        median_s=median_time(ours, repeat),
        ceiling=ceiling,
        ceiling_median_s=median_time(theirs, repeat),
        details=details,
    )
