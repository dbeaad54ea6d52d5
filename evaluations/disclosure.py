"""What the committee sees of the adoptable proposals that were not adopted, at every door.

The program decides (Program.unfunded_disclosure): how many only, or also their titles;
never the PIs' names. The dashboard and the figures' drill-downs both ask here; who is
shown what, at every other door too (the admin, exports, documents), is accounts/rules.py's
(withholds_unfunded, sees_unfunded_titles, sees_proposal_title).
"""

from programs.models import Program


def shows_unfunded_titles(program: Program) -> bool:
    return program.unfunded_disclosure == "titles"
