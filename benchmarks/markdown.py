"""Print the results of every scale as the Markdown tables of docs/performance.md.

python -m benchmarks.markdown
"""

import json

from benchmarks.harness import RESULTS

COLUMNS = "| scenario | ours (s) | ceiling | ceiling (s) | ratio | details | target |"


def main() -> None:
    for scale in ["S", "M", "L"]:
        path = RESULTS / f"{scale}.json"
        if path.exists():
            print(f"\n### Scale {scale}\n\n{COLUMNS}\n|---|---:|---|---:|---:|---|---|")
            for row in json.loads(path.read_text()):
                print(_line(row))


def _line(row: dict) -> str:
    details = dict(row["details"])
    target, met = details.pop("target", ""), details.pop("met", None)
    verdict = {True: "met", False: "**missed**", None: ""}[met]
    shown = ", ".join(f"{key} {value}" for key, value in details.items())
    return (
        f"| {row['scenario']} | {row['median_s']:.4f} | {row['ceiling']} | "
        f"{row['ceiling_median_s']:.4f} | {row['ratio']:.2f} | {shown} | {target} {verdict} |"
    )


if __name__ == "__main__":
    main()
