"""The indicators of shared/design/indicators.md, edge by edge."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.indicators import compute, shown_target
from tests.factories import (
    AgencyFactory,
    CallFactory,
    EventFactory,
    ExchangeFactory,
    HubFactory,
    LabStatisticFactory,
    PaperFactory,
    PresentationFactory,
    ProgramFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ResearcherFactory,
    ReviewFactory,
    SurveyFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 3, 31)
START = datetime.date(2024, 1, 1)  # FY2023


@pytest.fixture
def program():
    return ProgramFactory(code="ASPIRE")


@pytest.fixture
def project(program):
    call = CallFactory(program=program)
    return ProjectFactory(proposal__call=call, start_date=START)


def figure(program, code, as_of=AS_OF):
    return compute(program, as_of)["indicators"][code]["value"]


def report(project, year=2024, status="accepted"):
    return ReportFactory(project=project, fiscal_year=year, status=status)


# --- Goal 1 ---


def test_it_counts_opened_and_planned_calls(program):
    CallFactory(program=program, kind="joint", open_date=AS_OF, close_date=None)
    CallFactory(
        program=program, kind="alignment", open_date=datetime.date(2024, 1, 1), close_date=None
    )
    CallFactory(
        program=program, kind="joint", open_date=AS_OF + datetime.timedelta(days=1), close_date=None
    )
    CallFactory(program=program, kind="joint", open_date=None, close_date=None)
    CallFactory(kind="joint")  # another program
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g1.calls_joint"]["value"] == 1
    assert doc["g1.calls_alignment"]["value"] == 1
    assert doc["g1.calls_planned"]["value"] == 2


def test_it_counts_distinct_foreign_agencies_and_countries_of_opened_calls(program):
    nih, nsf, dfg = (
        AgencyFactory(code=c, country=k) for c, k in [("NIH", "US"), ("NSF", "US"), ("DFG", "DE")]
    )
    jst = AgencyFactory(code="JST", country="JP")
    CallFactory(program=program, partner_agencies=[nih, dfg, jst])
    CallFactory(program=program, partner_agencies=[nih, nsf])
    CallFactory(
        program=program,
        open_date=None,
        close_date=None,
        partner_agencies=[AgencyFactory(code="ANR", country="FR")],
    )
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g1.partner_agencies"]["value"] == 3
    assert doc["g1.partner_countries"]["value"] == 2


def test_it_leaves_out_withdrawn_proposals(program):
    call = CallFactory(program=program)
    ProposalFactory(call=call, status="adopted")
    ProposalFactory(call=call, status="rejected")
    ProposalFactory(call=call, status="withdrawn")
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g1.proposals"]["value"] == 2
    assert doc["g1.adopted"]["value"] == 1
    assert doc["g1.adoption_rate"]["value"] == 50.0


def test_it_lets_a_panel_score_override_the_mean_and_counts_the_threshold(program):
    call = CallFactory(program=program)
    overridden = ProposalFactory(call=call, panel_score=Decimal("5.9"))
    ReviewFactory(proposal=overridden, score=9)
    at_threshold = ProposalFactory(call=call, status="adopted")
    ReviewFactory(proposal=at_threshold, score=5)
    ReviewFactory(proposal=at_threshold, score=7)
    raised = ProposalFactory(call=call, panel_score=Decimal(6))
    ReviewFactory(proposal=raised, score=2)
    ProposalFactory(call=call)  # no score at all: not adoptable
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g1.adoptable"]["value"] == 2
    assert doc["g1.adoptable_not_adopted"]["value"] == 1


def test_it_rounds_the_adoption_rate_half_up(program):
    call = CallFactory(program=program)
    ProposalFactory(call=call, status="adopted")
    for _ in range(7):
        ProposalFactory(call=call, status="rejected")
    assert figure(program, "g1.adoption_rate") == 12.5  # exactly 12.5
    ProposalFactory(call=call, status="rejected")
    assert figure(program, "g1.adoption_rate") == 11.1


def test_it_takes_the_median_h_index_of_adopted_pis_ignoring_missing(program):
    call = CallFactory(program=program)
    for jp, partner in [(10, 40), (21, None), (None, 60), (30, 51)]:
        ProposalFactory(
            call=call,
            status="adopted",
            jp_pi=ResearcherFactory(h_index=jp),
            partner_pi=ResearcherFactory(h_index=partner),
        )
    ProposalFactory(call=call, status="rejected", jp_pi=ResearcherFactory(h_index=99))
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g1.jp_pi_hindex_median"]["value"] == 21.0
    assert doc["g1.partner_pi_hindex_median"]["value"] == 51.0


def test_it_gives_null_for_an_empty_population(program):
    doc = compute(program, AS_OF)["indicators"]
    for code in [
        "g1.adoption_rate",
        "g1.jp_pi_hindex_median",
        "g4.stay_days_median",
        "g4.short_stay_share",
        "g4.survey_gain_networking",
        "g3.lab_events_before",
    ]:
        assert doc[code]["value"] is None, code
        assert doc[code]["attainment_pct"] is None
    assert doc["g1.proposals"]["value"] == 0


# --- Goal 2 ---


def test_it_counts_only_projects_started_by_as_of(program, project):
    ProjectFactory(
        proposal__call=project.proposal.call, start_date=AS_OF + datetime.timedelta(days=1)
    )
    assert figure(program, "g2.projects") == 1


def test_it_dedupes_papers_by_doi_ignoring_case_across_projects(program, project):
    other = ProjectFactory(proposal__call=project.proposal.call, start_date=START)
    PaperFactory(report=report(project), doi="10.1000/ABC")
    PaperFactory(report=report(other), doi="10.1000/abc")
    PaperFactory(report=report(other, 2023), doi="10.1000/xyz")
    assert figure(program, "g2.intl_coauthored_papers") == 2


def test_it_dedupes_papers_without_doi_by_normalised_title(program, project):
    other = ProjectFactory(proposal__call=project.proposal.call, start_date=START)
    PaperFactory(report=report(project), doi="", title="Brain  Circuits of\tMice ")
    PaperFactory(report=report(other), doi="", title="brain circuits of mice")
    PaperFactory(report=report(other, 2023), doi="10.1/brain", title="Brain circuits of mice")
    assert figure(program, "g2.intl_coauthored_papers") == 2


def test_it_keeps_papers_before_the_start_apart(program, project):
    r = report(project)
    PaperFactory(report=r, published_on=START - datetime.timedelta(days=1), doi="10.1/early")
    PaperFactory(report=r, published_on=START, doi="10.1/on-start")
    PaperFactory(report=r, published_on=AS_OF + datetime.timedelta(days=1), doi="10.1/late")
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g2.intl_coauthored_papers"]["value"] == 1
    assert doc["g2.intl_coauthored_papers_before_start"]["value"] == 1


def test_it_counts_a_paper_in_the_window_of_one_project_even_if_early_for_another(program, project):
    later = ProjectFactory(
        proposal__call=project.proposal.call, start_date=datetime.date(2024, 6, 1)
    )
    PaperFactory(report=report(project), published_on=datetime.date(2024, 3, 1), doi="10.1/shared")
    PaperFactory(report=report(later), published_on=datetime.date(2024, 3, 1), doi="10.1/SHARED")
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g2.intl_coauthored_papers"]["value"] == 1
    assert doc["g2.intl_coauthored_papers_before_start"]["value"] == 0


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_it_does_not_count_drafts_or_returned_reports(program, project, status):
    r = report(project, status=status)
    PaperFactory(report=r)
    PresentationFactory(report=r)
    EventFactory(report=r)
    ExchangeFactory(report=r)
    doc = compute(program, AS_OF)["indicators"]
    for code in [
        "g2.intl_coauthored_papers",
        "g2.intl_presentations",
        "g3.events",
        "g4.dispatched",
    ]:
        assert doc[code]["value"] == 0, code


def test_it_counts_submitted_reports(program, project):
    PaperFactory(report=report(project, status="submitted"))
    assert figure(program, "g2.intl_coauthored_papers") == 1


def test_it_counts_international_presentations_in_the_window(program, project):
    r = report(project)
    PresentationFactory(report=r, presented_on=START)
    PresentationFactory(report=r, presented_on=AS_OF)
    PresentationFactory(report=r, international=False)
    PresentationFactory(report=r, presented_on=START - datetime.timedelta(days=1))
    PresentationFactory(report=r, presented_on=AS_OF + datetime.timedelta(days=1))
    assert figure(program, "g2.intl_presentations") == 2


# --- Goal 3 ---


def test_it_counts_events_by_kind(program, project):
    r = report(project)
    for kind in ["workshop", "workshop", "symposium", "lecture_tour"]:
        EventFactory(report=r, kind=kind)
    EventFactory(report=r, kind="seminar", held_on=START - datetime.timedelta(days=1))
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g3.events"]["value"] == 4
    assert doc["g3.events_workshop"]["value"] == 2
    assert doc["g3.events_seminar"]["value"] == 0
    assert doc["g3.events_lecture_tour"]["value"] == 1


def test_it_counts_hubs_open_on_as_of_even_if_set_up_before_the_start(program, project):
    HubFactory(project=project, established_on=START - datetime.timedelta(days=400))
    HubFactory(project=project, established_on=START, closed_on=AS_OF)
    HubFactory(project=project, established_on=START, closed_on=AS_OF - datetime.timedelta(days=1))
    HubFactory(project=project, established_on=AS_OF + datetime.timedelta(days=1))
    assert figure(program, "g3.hubs") == 2


def test_it_counts_funded_exchanges_and_young_travellers(program, project):
    r = report(project)
    ExchangeFactory(report=r, direction="receive", career_stage="student")
    ExchangeFactory(report=r, direction="receive", career_stage="senior")
    ExchangeFactory(report=r, direction="receive", funded_by_program=False)
    ExchangeFactory(report=r, direction="dispatch", career_stage="early_career")
    ExchangeFactory(report=r, direction="dispatch", career_stage="mid_career")
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g3.researchers_received"]["value"] == 2
    assert doc["g4.young_received"]["value"] == 1
    assert doc["g4.dispatched"]["value"] == 2
    assert doc["g4.young_dispatched"]["value"] == 1


def test_it_compares_lab_statistics_over_projects_with_both_values(program, project):
    # The project starts in FY2023: before = FY2022, after = the latest of FY2023..FY2024.
    LabStatisticFactory(report=report(project, 2022), events_held=2)
    LabStatisticFactory(report=report(project, 2023), events_held=5)
    LabStatisticFactory(report=report(project, 2024), events_held=8)
    LabStatisticFactory(report=report(project, 2025), events_held=99)  # after as_of's FY
    lacking_before = ProjectFactory(proposal__call=project.proposal.call, start_date=START)
    LabStatisticFactory(report=report(lacking_before, 2024), events_held=50)
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g3.lab_events_before"]["value"] == 2
    assert doc["g3.lab_events_after"]["value"] == 8


# --- Goal 4 ---


def test_it_takes_the_median_stay_of_ended_dispatches_and_the_short_share(program, project):
    r = report(project)
    for days in [3, 7, 8, 30]:
        start = datetime.date(2024, 6, 1)
        ExchangeFactory(
            report=r, start_date=start, end_date=start + datetime.timedelta(days=days - 1)
        )
    ExchangeFactory(
        report=r, start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2025, 5, 1)
    )
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g4.stay_days_median"]["value"] == 7.5
    assert doc["g4.short_stay_share"]["value"] == 50.0


def test_it_averages_survey_gains_over_people_with_both_answers(program, project):
    SurveyFactory(project=project, person="Aoki", timing="before", networking=2, language=3)
    SurveyFactory(project=project, person="Aoki", timing="after", networking=5, language=3)
    SurveyFactory(project=project, person="Baba", timing="before", networking=1, language=1)
    SurveyFactory(project=project, person="Baba", timing="after", networking=1, language=2)
    SurveyFactory(project=project, person="Chiba", timing="after", networking=5)
    doc = compute(program, AS_OF)["indicators"]
    assert doc["g4.survey_pairs"]["value"] == 2
    assert doc["g4.survey_gain_networking"]["value"] == 1.5
    assert doc["g4.survey_gain_language"]["value"] == 0.5


# --- Targets ---


def test_it_shows_the_earliest_target_from_this_year_on_else_the_latest_earlier(program):
    targets = [TargetFactory.build(fiscal_year=y) for y in (2022, 2023, 2025, 2027)]
    assert shown_target(targets, 2024).fiscal_year == 2025
    assert shown_target(targets, 2025).fiscal_year == 2025
    assert shown_target(targets, 2028).fiscal_year == 2027
    assert shown_target([], 2024) is None


def test_it_computes_attainment(program, project):
    TargetFactory(program=program, indicator="g2.intl_coauthored_papers", fiscal_year=2027, value=3)
    r = report(project)
    PaperFactory(report=r)
    PaperFactory(report=r)
    row = compute(program, AS_OF)["indicators"]["g2.intl_coauthored_papers"]
    assert row["target"] == {"fiscal_year": 2027, "value": 3}
    assert row["attainment_pct"] == 66.7


def test_it_has_every_code_always(program):
    from evaluations.catalogue import INDICATORS

    assert list(compute(program, AS_OF)["indicators"]) == list(INDICATORS)


# --- Cost and doors ---


def build(program, size: int) -> None:
    call = CallFactory(program=program)
    for n in range(size):
        project = ProjectFactory(proposal__call=call, start_date=START)
        ReviewFactory(proposal=project.proposal)
        r = report(project)
        PaperFactory(report=r)
        PresentationFactory(report=r)
        EventFactory(report=r)
        ExchangeFactory(report=r)
        LabStatisticFactory(report=r)
        LabStatisticFactory(report=report(project, 2022))
        HubFactory(project=project)
        SurveyFactory(project=project, person=f"P{n}", timing="before")
        SurveyFactory(project=project, person=f"P{n}", timing="after")
    TargetFactory(program=program)


@pytest.mark.parametrize("size", [2, 20])
def test_it_runs_the_same_queries_whatever_the_size(program, size):
    build(program, size)
    with CaptureQueriesContext(connection) as queries:
        compute(program, AS_OF)
    # 1 proposal groups, 2 calls, 3 partner agencies, 4 h-indexes, 5 projects,
    # 6 papers (in window and before start, one query grouped per paper),
    # 7 presentations, 8 events, 9 hubs, 10 exchanges, 11 lab statistics, 12 stays,
    # 13 surveys, 14 targets.
    assert len(queries) == 14


def test_the_command_prints_the_json_of_the_contract(program, project):
    PaperFactory(report=report(project))
    out = StringIO()
    call_command("indicators", "ASPIRE", "--as-of", "2025-03-31", stdout=out)
    document = json.loads(out.getvalue())
    assert document["fiscal_year"] == 2024
    assert document == json.loads(json.dumps(compute(program, AS_OF)))


def test_the_command_prints_a_table(program):
    out = StringIO()
    call_command("indicators", "ASPIRE", "--as-of", "2025-03-31", "--format", "table", stdout=out)
    assert "g2.intl_coauthored_papers" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"), [(["NOPE"], "NOPE"), (["ASPIRE", "--as-of", "2025-02-30"], "2025-02-30")]
)
def test_the_command_refuses_bad_input_with_exit_code_2(program, args, message):
    with pytest.raises(CommandError) as error:
        call_command("indicators", *args)
    assert error.value.returncode == 2
    assert message in str(error.value)
