"""Indicators of one program (every code) vs hand-written SQL returning the same numbers.

The ceiling is what a PostgreSQL hand would write for one program and one date: one
statement of scalar subqueries over shared CTEs, rounding and medians done in SQL
(`round(numeric)` rounds half away from zero, `percentile_cont(0.5)` is
`statistics.median`). Both sides must give the same number for every code before
anything is timed.
"""

import datetime

from django.db import connection

from benchmarks.harness import Result, compare

PROGRAM = "SYNTH"
# The end of FY2025: every synthetic call has opened and every project has started, so
# every figure of the generated data counts (reports of FY start+1 are still drafts).
AS_OF = datetime.date(2026, 3, 31)
TARGET_RATIO, TARGET_SECONDS = 2.0, 0.5

CEILING_SQL = """
WITH calls AS (
    SELECT c.* FROM calls_call c JOIN programs_program g ON g.id = c.program_id
    WHERE g.code = %(program)s),
opened AS (SELECT * FROM calls WHERE open_date <= %(as_of)s),
proposals AS (
    SELECT p.status, p.jp_pi_id, p.partner_pi_id,
           COALESCE(COALESCE(p.panel_score, r.mean) >= o.adoptable_score, false) AS adoptable
    FROM calls_proposal p JOIN opened o ON o.id = p.call_id
    LEFT JOIN (SELECT proposal_id, avg(score) AS mean FROM calls_review
               WHERE score IS NOT NULL GROUP BY proposal_id) r ON r.proposal_id = p.id
    WHERE p.status <> 'withdrawn'),
projects AS (
    SELECT pr.id, pr.start_date,
           extract(year FROM pr.start_date)::int
           - (extract(month FROM pr.start_date) < 4)::int AS start_fy
    FROM projects_project pr JOIN calls_proposal p ON p.id = pr.proposal_id
    JOIN calls c ON c.id = p.call_id WHERE pr.start_date <= %(as_of)s),
paper_keys AS (
    SELECT pa.dedupe_key,
           bool_or(pa.published_on BETWEEN pr.start_date AND %(as_of)s) AS in_window,
           bool_or(pa.published_on < pr.start_date) AS before,
           bool_or(pa.published_on >= pr.start_date) AS after
    FROM projects_paper pa JOIN projects pr ON pr.id = pa.project_id
    JOIN projects_annualreport ar ON ar.id = pa.report_id
    WHERE pa.international_coauthored AND ar.status IN ('submitted', 'accepted')
    GROUP BY pa.dedupe_key),
exchanges AS (
    SELECT x.direction, x.career_stage IN ('student', 'postdoc', 'early_career') AS young,
           CASE WHEN x.end_date <= %(as_of)s THEN x.end_date - x.start_date + 1 END AS days
    FROM projects_exchange x JOIN projects pr ON pr.id = x.project_id
    JOIN projects_annualreport ar ON ar.id = x.report_id
    WHERE x.funded_by_program AND ar.status IN ('submitted', 'accepted')
      AND x.start_date BETWEEN pr.start_date AND %(as_of)s),
stays AS (SELECT days FROM exchanges WHERE direction = 'dispatch' AND days IS NOT NULL),
events AS (
    SELECT e.kind FROM projects_event e JOIN projects pr ON pr.id = e.project_id
    JOIN projects_annualreport ar ON ar.id = e.report_id
    WHERE ar.status IN ('submitted', 'accepted')
      AND e.held_on BETWEEN pr.start_date AND %(as_of)s),
lab AS (
    SELECT ls.*, ar.fiscal_year FROM projects_labstatistic ls
    JOIN projects_annualreport ar ON ar.id = ls.report_id
    WHERE ar.status IN ('submitted', 'accepted')),
lab_before AS (
    SELECT lab.* FROM projects pr
    JOIN lab ON lab.project_id = pr.id AND lab.fiscal_year = pr.start_fy - 1),
lab_after AS (
    SELECT DISTINCT ON (pr.id) lab.* FROM projects pr
    JOIN lab ON lab.project_id = pr.id AND lab.fiscal_year BETWEEN pr.start_fy AND %(fy)s
    ORDER BY pr.id, lab.fiscal_year DESC),
lab_pairs AS (
    SELECT b.events_held AS events_b, a.events_held AS events_a,
           b.researchers_invited AS invited_b, a.researchers_invited AS invited_a,
           b.researchers_dispatched AS dispatched_b, a.researchers_dispatched AS dispatched_a
    FROM lab_before b JOIN lab_after a ON a.project_id = b.project_id),
survey AS (
    SELECT a.networking - b.networking AS networking,
           a.communication - b.communication AS communication,
           a.expertise - b.expertise AS expertise, a.language - b.language AS language,
           a.leadership - b.leadership AS leadership
    FROM projects_surveyanswer a JOIN projects pr ON pr.id = a.project_id
    JOIN projects_surveyanswer b
      ON b.project_id = a.project_id AND b.participant_id = a.participant_id AND b.timing = 'before'
    WHERE a.timing = 'after'),
partners AS (
    SELECT DISTINCT a.id, a.country FROM opened o
    JOIN calls_call_partner_agencies ca ON ca.call_id = o.id
    JOIN programs_fundingagency a ON a.id = ca.fundingagency_id WHERE a.country <> 'JP'),
adopted_pis AS (
    SELECT jp.h_index AS jp, pa.h_index AS partner FROM proposals p
    JOIN calls_researcher jp ON jp.id = p.jp_pi_id
    LEFT JOIN calls_researcher pa ON pa.id = p.partner_pi_id WHERE p.status = 'adopted')
SELECT
  (SELECT count(*) FROM opened WHERE kind = 'joint') AS "g1.calls_joint",
  (SELECT count(*) FROM opened WHERE kind = 'alignment') AS "g1.calls_alignment",
  (SELECT count(*) FROM calls WHERE open_date IS NULL OR open_date > %(as_of)s)
    AS "g1.calls_planned",
  (SELECT count(*) FROM partners) AS "g1.partner_agencies",
  (SELECT count(DISTINCT country) FROM partners) AS "g1.partner_countries",
  g1.*,
  (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY jp)::numeric, 1)
     FROM adopted_pis) AS "g1.jp_pi_hindex_median",
  (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY partner)::numeric, 1)
     FROM adopted_pis) AS "g1.partner_pi_hindex_median",
  (SELECT count(*) FROM projects) AS "g2.projects",
  (SELECT count(*) FILTER (WHERE in_window) FROM paper_keys) AS "g2.intl_coauthored_papers",
  (SELECT count(*) FILTER (WHERE before AND NOT after) FROM paper_keys)
    AS "g2.intl_coauthored_papers_before_start",
  (SELECT count(*) FROM projects_presentation t JOIN projects pr ON pr.id = t.project_id
     JOIN projects_annualreport ar ON ar.id = t.report_id
     WHERE t.international AND ar.status IN ('submitted', 'accepted')
       AND t.presented_on BETWEEN pr.start_date AND %(as_of)s) AS "g2.intl_presentations",
  (SELECT count(*) FROM events) AS "g3.events",
  (SELECT count(*) FROM events WHERE kind = 'workshop') AS "g3.events_workshop",
  (SELECT count(*) FROM events WHERE kind = 'symposium') AS "g3.events_symposium",
  (SELECT count(*) FROM events WHERE kind = 'seminar') AS "g3.events_seminar",
  (SELECT count(*) FROM events WHERE kind = 'lecture_tour') AS "g3.events_lecture_tour",
  (SELECT count(*) FROM events WHERE kind = 'other') AS "g3.events_other",
  (SELECT count(*) FROM projects_hub h JOIN projects pr ON pr.id = h.project_id
     WHERE h.established_on <= %(as_of)s
       AND (h.closed_on IS NULL OR h.closed_on >= %(as_of)s)) AS "g3.hubs",
  x.*,
  lab.*,
  (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::numeric, 1) FROM stays)
    AS "g4.stay_days_median",
  (SELECT round(100.0 * count(*) FILTER (WHERE days <= 7) / nullif(count(*), 0), 1)
     FROM stays) AS "g4.short_stay_share",
  survey.*
FROM
  (SELECT count(*) AS "g1.proposals",
          count(*) FILTER (WHERE status = 'adopted') AS "g1.adopted",
          round(100.0 * count(*) FILTER (WHERE status = 'adopted') / nullif(count(*), 0), 1)
            AS "g1.adoption_rate",
          count(*) FILTER (WHERE adoptable) AS "g1.adoptable",
          count(*) FILTER (WHERE adoptable AND status <> 'adopted')
            AS "g1.adoptable_not_adopted"
   FROM proposals) g1,
  (SELECT count(*) FILTER (WHERE direction = 'receive') AS "g3.researchers_received",
          count(*) FILTER (WHERE direction = 'dispatch') AS "g4.dispatched",
          count(*) FILTER (WHERE direction = 'dispatch' AND young) AS "g4.young_dispatched",
          count(*) FILTER (WHERE direction = 'receive' AND young) AS "g4.young_received"
   FROM exchanges) x,
  (SELECT sum(events_b) AS "g3.lab_events_before", sum(events_a) AS "g3.lab_events_after",
          sum(invited_b) AS "g3.lab_invited_before", sum(invited_a) AS "g3.lab_invited_after",
          sum(dispatched_b) AS "g3.lab_dispatched_before",
          sum(dispatched_a) AS "g3.lab_dispatched_after"
   FROM lab_pairs) lab,
  (SELECT count(*) AS "g4.survey_pairs",
          round(avg(networking), 2) AS "g4.survey_gain_networking",
          round(avg(communication), 2) AS "g4.survey_gain_communication",
          round(avg(expertise), 2) AS "g4.survey_gain_expertise",
          round(avg(language), 2) AS "g4.survey_gain_language",
          round(avg(leadership), 2) AS "g4.survey_gain_leadership"
   FROM survey) survey
"""


def ceiling(as_of: datetime.date = AS_OF) -> dict[str, int | float | None]:
    """Every code's value from the one hand-written statement."""
    fiscal = as_of.year - (as_of.month < 4)
    with connection.cursor() as cursor:
        cursor.execute(CEILING_SQL, {"program": PROGRAM, "as_of": as_of, "fy": fiscal})
        names = [column.name for column in cursor.description]
        row = cursor.fetchone()
    return {name: _number(value) for name, value in zip(names, row, strict=True)}


def _number(value) -> int | float | None:
    """Decimals (rounded in SQL) as the JSON floats of compute(); counts stay integers."""
    return value if value is None or isinstance(value, int) else float(value)


def ours(as_of: datetime.date = AS_OF) -> dict[str, int | float | None]:
    from evaluations.indicators import compute
    from programs.models import Program

    document = compute(Program.objects.get(code=PROGRAM), as_of)
    return {code: figure["value"] for code, figure in document["indicators"].items()}


def check_same(as_of: datetime.date = AS_OF) -> None:
    """Fail loudly, before any timing, when the two disagree on any code."""
    mine, theirs = ours(as_of), ceiling(as_of)
    if set(mine) != set(theirs):
        raise AssertionError(f"codes differ: {sorted(set(mine) ^ set(theirs))}")
    wrong = {code: (mine[code], theirs[code]) for code in mine if mine[code] != theirs[code]}
    if wrong:
        raise AssertionError(f"indicators differ from the SQL (ours, SQL): {wrong}")


def run(scale: str) -> list[Result]:
    check_same()
    result = compare("indicators (all codes)", scale, ours, "hand-written SQL", ceiling, repeat=7)
    met = result.ratio <= TARGET_RATIO and result.median_s < TARGET_SECONDS
    result.details.update(
        target=f"<= {TARGET_RATIO:g}x SQL and < {TARGET_SECONDS:g} s", met=met, as_of=str(AS_OF)
    )
    return [result]
