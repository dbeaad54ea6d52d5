"""Run every scenario at one scale, print the table, write benchmarks/results/latest.json.

    python -m benchmarks.run --scale M [--only indicators,api]

The scale's database (aspire_bench_m, ...) is created, migrated and filled with
`generate_data` the first time; later runs only migrate it. Results also go to
results/<scale>.json, so that the tables of docs/performance.md can be rebuilt per scale.
"""

import argparse
import importlib
import json
import os
import sys

from benchmarks.harness import RESULTS, Result, database_url, manage, postgres

# In the order of the issue. Each module has `run(scale: str) -> list[Result]`.
SCENARIOS = ["indicators", "api", "dashboard", "imports", "admin_import", "pdf", "rush", "hostile"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["S", "M", "L"], default="M")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = database_url(args.scale)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aspire.settings")
    prepare(args.scale)
    import django

    django.setup()
    results = []
    for name in args.only.split(","):
        module = importlib.import_module(f"benchmarks.scenarios.{name}")
        print(f"-- {name}", file=sys.stderr, flush=True)
        results += module.run(args.scale)
    print(table(results))
    write(results, args.scale)


def prepare(scale: str) -> None:
    """Create, migrate and fill the scale's database where that is not done yet."""
    postgres("createdb", database_url(scale).rsplit("/", 1)[1], check=False)
    manage("migrate", "--noinput", "-v0")
    check = (
        "from programs.models import Program; print(Program.objects.filter(code='SYNTH').count())"
    )
    # --no-imports: Django 6's shell otherwise prints "N objects imported automatically".
    found = manage("shell", "--no-imports", "-c", check, capture_output=True, text=True)
    if found.stdout.strip() == "0":
        manage("generate_data", "--scale", scale)


def table(results: list[Result]) -> str:
    lines = [
        f"{'scenario':<34} {'scale':<5} {'ours s':>9} {'ceiling':<28} {'ceiling s':>9} "
        f"{'ratio':>6}  target",
    ]
    for r in results:
        met = {True: "met", False: "MISSED", None: ""}[r.details.get("met")]
        lines.append(
            f"{r.scenario:<34} {r.scale:<5} {r.median_s:>9.4f} {r.ceiling:<28} "
            f"{r.ceiling_median_s:>9.4f} {r.ratio:>6.2f}  {r.details.get('target', '')} {met}"
        )
    return "\n".join(lines)


def write(results: list[Result], scale: str) -> None:
    """latest.json holds this run; <scale>.json keeps the last result of every scenario."""
    RESULTS.mkdir(exist_ok=True)
    rows = [r.as_json() for r in results]
    (RESULTS / "latest.json").write_text(_dumps(rows))
    kept = RESULTS / f"{scale}.json"
    earlier = json.loads(kept.read_text()) if kept.exists() else []
    names = {row["scenario"] for row in rows}
    kept.write_text(_dumps([row for row in earlier if row["scenario"] not in names] + rows))


def _dumps(rows: list[dict]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    main()
