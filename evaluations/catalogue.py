"""The indicator codes of shared/design/indicators.md, their goals and labels."""

# ruff: noqa: E501 - the definitions are one line each, as the contract writes them

from django.utils.translation import gettext_lazy as _

INDICATORS: dict[str, tuple[int, str]] = {
    "g1.calls_joint": (1, _("Joint calls held")),
    "g1.calls_alignment": (1, _("Alignment calls held")),
    "g1.calls_planned": (1, _("Calls planned")),
    "g1.partner_agencies": (1, _("Partner funding agencies")),
    "g1.partner_countries": (1, _("Partner countries")),
    "g1.proposals": (1, _("Proposals")),
    "g1.adopted": (1, _("Adopted proposals")),
    "g1.adoption_rate": (1, _("Adoption rate (%)")),
    "g1.adoptable": (1, _("Adoptable proposals (score 6 or higher)")),
    "g1.adoptable_not_adopted": (1, _("Adoptable but not adopted")),
    "g1.jp_pi_hindex_median": (1, _("Median h-index of Japanese PIs")),
    "g1.partner_pi_hindex_median": (1, _("Median h-index of partner PIs")),
    "g2.projects": (2, _("Projects")),
    "g2.intl_coauthored_papers": (2, _("International co-authored papers")),
    "g2.intl_coauthored_papers_before_start": (
        2,
        _("International co-authored papers dated before the project start"),
    ),
    "g2.intl_presentations": (2, _("International conference presentations")),
    "g3.events": (3, _("Workshops, symposia, seminars and other events")),
    "g3.events_workshop": (3, _("Workshops")),
    "g3.events_symposium": (3, _("Symposia")),
    "g3.events_seminar": (3, _("Seminars")),
    "g3.events_lecture_tour": (3, _("Lecture tours")),
    "g3.events_other": (3, _("Other events")),
    "g3.hubs": (3, _("Hubs")),
    "g3.researchers_received": (3, _("Researchers received from abroad")),
    "g3.lab_events_before": (3, _("Lab-wide events, before the program")),
    "g3.lab_events_after": (3, _("Lab-wide events, latest year")),
    "g3.lab_invited_before": (3, _("Lab-wide researchers invited, before the program")),
    "g3.lab_invited_after": (3, _("Lab-wide researchers invited, latest year")),
    "g3.lab_dispatched_before": (3, _("Lab-wide researchers dispatched, before the program")),
    "g3.lab_dispatched_after": (3, _("Lab-wide researchers dispatched, latest year")),
    "g4.dispatched": (4, _("Researchers dispatched abroad")),
    "g4.young_dispatched": (4, _("Young researchers dispatched abroad")),
    "g4.young_received": (4, _("Young researchers received from abroad")),
    "g4.stay_days_median": (4, _("Median stay abroad (days)")),
    "g4.short_stay_share": (4, _("Share of stays of 7 days or less (%)")),
    "g4.survey_pairs": (4, _("Surveyed young researchers (before and after)")),
    "g4.survey_gain_networking": (4, _("Survey gain: networking")),
    "g4.survey_gain_communication": (4, _("Survey gain: communication")),
    "g4.survey_gain_expertise": (4, _("Survey gain: expertise")),
    "g4.survey_gain_language": (4, _("Survey gain: language")),
    "g4.survey_gain_leadership": (4, _("Survey gain: leadership")),
}

INDICATOR_CHOICES = [(code, code) for code in INDICATORS]

# The four goals of ASPIRE (seed 000, 別紙2); other programs may word them alike.
GOALS: dict[int, str] = {
    1: _("Connecting top researchers of Japan and of advanced countries and regions"),
    2: _("International joint research accelerated by the program"),
    3: _("A network that gives access to cutting-edge research information"),
    4: _("Training Japan's next generation of top researchers"),
}

# What each figure counts, from which records and over which window (indicators.md), in
# the committee's words: shown one click away from every figure.
_OUTPUTS = _(
    "From the annual reports handed in (submitted or accepted) of the projects started "
    "by the as-of date; dated from the project's own start to the as-of date."
)
_CALL_PROPOSALS = _(
    "Proposals to the program's calls opened by the as-of date, withdrawn ones excluded."
)
_LAB = _(
    "Lab-wide figures (the program's or not) from the reports handed in, over the projects "
    "that have both the fiscal year before their start and a year since: the sum of those "
    "years' values."
)
_SURVEY = _(
    "People of the started projects who answered the survey both before and after their "
    "stay; the mean of after minus before, on the 1–5 scale."
)
DEFINITIONS: dict[str, str] = {
    "g1.calls_joint": _("Bilateral joint calls of the program opened by the as-of date."),
    "g1.calls_alignment": _("Multilateral alignment calls opened by the as-of date."),
    "g1.calls_planned": _("Calls of the program without an opening date or opening later."),
    "g1.partner_agencies": _(
        "Distinct non-Japanese funding agencies taking part in the calls opened by the as-of date."
    ),
    "g1.partner_countries": _("Distinct countries of those partner agencies."),
    "g1.proposals": _CALL_PROPOSALS,
    "g1.adopted": _CALL_PROPOSALS,
    "g1.adoption_rate": _CALL_PROPOSALS,
    "g1.adoptable": _CALL_PROPOSALS,
    "g1.adoptable_not_adopted": _CALL_PROPOSALS,
    "g1.jp_pi_hindex_median": _(
        "Adopted proposals to calls opened by the as-of date; PIs without an h-index are left out."
    ),
    "g2.projects": _("Projects of the program started on or before the as-of date."),
    "g2.intl_coauthored_papers": _(
        "Distinct papers (same DOI, or same title without one) flagged international "
        "co-authored in the reports handed in, counted once if one project reports it "
        "dated on or after its start."
    ),
    "g2.intl_coauthored_papers_before_start": _(
        "International co-authored papers reported only with dates before their "
        "project's start: shown apart, never added in."
    ),
    "g3.hubs": _(
        "Hubs of the started projects established by the as-of date and not closed before it."
    ),
    "g4.stay_days_median": _(
        "Program-funded dispatches in the project window that ended by the as-of date; a "
        "stay is end minus start plus one day."
    ),
    "g4.survey_pairs": _SURVEY,
}
for _code in INDICATORS:
    if _code.startswith("g3.lab_"):
        DEFINITIONS[_code] = _LAB
    elif _code.startswith("g4.survey_gain_"):
        DEFINITIONS[_code] = _SURVEY
DEFINITIONS["g1.partner_pi_hindex_median"] = DEFINITIONS["g1.jp_pi_hindex_median"]
DEFINITIONS["g4.short_stay_share"] = DEFINITIONS["g4.stay_days_median"]


_YOUNG = _("Young: students, postdocs and early-career researchers.")
OUTPUT_WHAT: dict[str, str] = {
    "g2.intl_presentations": _("Conference presentations flagged international."),
    "g3.events": _("Workshops, symposia, seminars, lecture tours and other events held."),
    "g3.researchers_received": _("Program-funded stays of visitors from abroad, by start date."),
    "g4.dispatched": _("Program-funded stays abroad, by start date."),
    "g4.young_dispatched": _("Program-funded stays abroad of young researchers, by start date."),
    "g4.young_received": _("Program-funded stays of young visitors from abroad, by start date."),
}


def definition(code: str) -> str:
    """What counts in the figure `code`, from which reports, over which window."""
    if code in DEFINITIONS:
        return str(DEFINITIONS[code])
    what = OUTPUT_WHAT.get(code) or _("Events of this kind held.")
    young = f" {_YOUNG}" if "young" in code else ""
    return f"{what}{young} {_OUTPUTS}"
