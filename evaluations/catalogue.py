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


# What each indicator counts, in the words of shared/design/indicators.md (English: the
# contract's language; the labels above are translated). Served by /api/v1/indicators/definitions/.
DEFINITIONS: dict[str, str] = {
    "g1.calls_joint": "opened calls of kind `joint` (bilateral 共同公募)",
    "g1.calls_alignment": "opened calls of kind `alignment` (multilateral アライメント公募)",
    "g1.calls_planned": "planned calls",
    "g1.partner_agencies": "distinct non-Japanese funding agencies taking part in opened calls",
    "g1.partner_countries": "distinct countries of those agencies",
    "g1.proposals": "proposals to opened calls, withdrawn ones excluded",
    "g1.adopted": "of those, adopted",
    "g1.adoption_rate": "`g1.adopted / g1.proposals` in %",
    "g1.adoptable": "of `g1.proposals`, adoptable",
    "g1.adoptable_not_adopted": "of `g1.proposals`, adoptable but not adopted",
    "g1.jp_pi_hindex_median": "median h-index of the Japanese PIs of adopted proposals (missing values ignored)",
    "g1.partner_pi_hindex_median": "the same for the partner PIs",
    "g2.projects": "counted projects",
    "g2.intl_coauthored_papers": "distinct papers among the counted paper rows flagged international co-authored: a paper counts once if at least one such row lies in its own project's window, however many projects report it",
    "g2.intl_coauthored_papers_before_start": "distinct papers among the counted paper rows flagged international co-authored whose every such row is dated before its own project's start (shown apart, never added in)",
    "g2.intl_presentations": "counted presentations flagged international, in the project window",
    "g3.events": "counted events (workshop, symposium, seminar, lecture tour, other) in the project window",
    "g3.events_workshop": "the same, by kind",
    "g3.events_symposium": "the same, by kind",
    "g3.events_seminar": "the same, by kind",
    "g3.events_lecture_tour": "the same, by kind",
    "g3.events_other": "the same, by kind",
    "g3.hubs": "hubs of counted projects established on or before `as_of` (even before the project started) and not closed before `as_of`",
    "g3.researchers_received": "counted exchanges of direction `receive`, funded by the program, starting in the project window",
    "g3.lab_events_before": "lab-wide events held (program-funded or not), compared over the same projects: over counted projects that have both a *before* value (the fiscal year just before the project's start FY) and an *after* value (the latest FY from the start FY up to `FY(as_of)` that has one), the sum of the before values and the sum of the after values; a project lacking either adds to neither",
    "g3.lab_events_after": "lab-wide events held (program-funded or not), compared over the same projects: over counted projects that have both a *before* value (the fiscal year just before the project's start FY) and an *after* value (the latest FY from the start FY up to `FY(as_of)` that has one), the sum of the before values and the sum of the after values; a project lacking either adds to neither",
    "g3.lab_invited_before": "the same for researchers invited from abroad",
    "g3.lab_invited_after": "the same for researchers invited from abroad",
    "g3.lab_dispatched_before": "the same for researchers dispatched abroad",
    "g3.lab_dispatched_after": "the same for researchers dispatched abroad",
    "g4.dispatched": "counted exchanges of direction `dispatch`, funded by the program, starting in the project window",
    "g4.young_dispatched": "of those, young travellers",
    "g4.young_received": "of `g3.researchers_received`, young visitors",
    "g4.stay_days_median": "median stay in days (`end - start + 1`) of the `g4.dispatched` exchanges that ended on or before `as_of`",
    "g4.short_stay_share": "% of those stays that are 7 days or shorter",
    "g4.survey_pairs": "people of counted projects with both a `before` and an `after` survey answer",
    "g4.survey_gain_networking": "mean of `after - before` over those people, per item (1–5 scale)",
    "g4.survey_gain_communication": "mean of `after - before` over those people, per item (1–5 scale)",
    "g4.survey_gain_expertise": "mean of `after - before` over those people, per item (1–5 scale)",
    "g4.survey_gain_language": "mean of `after - before` over those people, per item (1–5 scale)",
    "g4.survey_gain_leadership": "mean of `after - before` over those people, per item (1–5 scale)",
}
