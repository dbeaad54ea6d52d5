"""Every stored figure checked against the raw rows it is derived from (issue 18).

Each app that keeps a figure on write offers `differences(program) -> list[str]`, one
line per stored value that its recomputation from the raw rows does not give; CHECKS
lists them and `manage.py verify_figures PROGRAM` runs them all. A new stored figure adds
its function here.
"""

from collections.abc import Callable

from calls import figures as call_figures
from calls import scores
from programs.models import Program
from projects import figures as output_figures

Check = Callable[[Program], list[str]]

CHECKS: list[Check] = [
    output_figures.differences,  # the output counts and paper dates the indicators read
    scores.differences,  # each proposal's reviewers' count, mean, spread; partner country
    call_figures.differences,  # per call: proposals by status and adoptability, h-indexes
]


def differences(program: Program) -> list[str]:
    """What every check finds, in the order of CHECKS."""
    return [line for check in CHECKS for line in check(program)]
