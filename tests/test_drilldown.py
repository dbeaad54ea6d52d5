"""Every figure's drill-down lists exactly the rows it counts (issue 16)."""

import datetime
import io
import statistics

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations import drilldown
from evaluations.catalogue import INDICATORS
from evaluations.indicators import compute, json_number
from programs.fiscal import fiscal_year
from programs.models import Program
from projects.models import LabStatistic
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AS_OF_DATES = [datetime.date(2024, 9, 30), datetime.date(2025, 3, 31)]


@pytest.fixture
def program():
    call_command("load_demo", stdout=io.StringIO())
    return Program.objects.get(code="ASPIRE")


def _from_rows(drilled: drilldown.Drill):
    """The figure made again from the listed rows, by hand: what a committee member
    would do with the page's table (count it, count its countries, add up, take the
    middle, the share, the mean)."""
    kind, rows = drilled.measure.kind, list(drilled.counted)
    if kind == "count":
        return len(rows)
    found = [drilled.measure.convert(getattr(row, drilled.measure.field)) for row in rows]
    if not found:
        return None
    if kind == "distinct":
        return len({row.country.code for row in rows})
    if kind == "sum":
        return sum(found)
    if kind == "median":
        assert found == sorted(found)  # listed in order of the value: the middle is marked
        marked = [found[i] for i in sorted(drilldown.middle(len(found)))]
        return float(statistics.median(found)), float(statistics.mean(marked))
    if kind == "share":
        part = sum(1 for value in found if drilled.measure.counts(value))
        return round(100 * part / len(found), 1)
    assert kind == "mean"
    return round(statistics.mean(found), 2)


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_it_lists_the_rows_that_make_every_figure(program, as_of):
    """Every indicator code, none left out: the rows listed make the figure."""
    figures = compute(program, as_of)["indicators"]
    for code in INDICATORS:
        drilled = drilldown.drill(program, as_of, code)
        value = figures[code]["value"]
        assert json_number(drilldown.figure(drilled)) == value, code
        again = _from_rows(drilled)
        if drilled.measure.kind == "median":
            assert again[0] == again[1] == value, code
        else:
            assert again == value, code
        # A row is counted or left out, never both; and a row left out says why.
        counted = {(type(row), row.pk) for row in drilled.counted}
        assert not counted & {(type(row), row.pk) for row, _why in drilled.excluded}, code
        assert all(why for _row, why in drilled.excluded), code
    assert figures["g1.partner_countries"]["value"]  # not an empty case at either date
    assert figures["g1.jp_pi_hindex_median"]["value"] is not None


def test_it_accounts_for_every_lab_statistic(program):
    """A lab-wide figure's page lists each statistic of the program's projects once:
    counted (one a project) or left out with its reason."""
    as_of = AS_OF_DATES[1]
    everything = LabStatistic.objects.filter(project__proposal__call__program=program).count()
    drilled = drilldown.drill(program, as_of, "g3.lab_events_after")
    counted = list(drilled.counted)
    assert len({row.project_id for row in counted}) == len(counted)
    assert len(counted) + len(drilled.excluded) == everything
    assert all(reason for _row, reason in drilled.excluded)


def test_it_says_why_a_stay_or_a_survey_answer_is_left_out(program):
    as_of = AS_OF_DATES[0]  # mid-year: some stays have not ended, some have no "after" yet
    stays = {why for _row, why in drilldown.drill(program, as_of, "g4.stay_days_median").excluded}
    assert "not ended by the as-of date" in stays
    answers = drilldown.drill(program, as_of, "g4.survey_pairs").excluded
    assert answers and all(why for _row, why in answers)


def test_it_marks_the_rows_a_median_is_made_of(client, program):
    member = UserFactory(roles=["committee"])
    sign_in(client, member)
    path = reverse("evaluations:figure", args=[program.code, "g1.jp_pi_hindex_median"])
    response = client.get(path, {"as_of": "2025-03-31"})
    value = compute(program, AS_OF_DATES[1])["indicators"]["g1.jp_pi_hindex_median"]["value"]
    assert response.context["value"] == value
    rows = response.context["rows"]
    marked = [rows[i][1] for i in response.context["marked"]]
    assert 1 <= len(marked) <= 2
    assert statistics.mean(float(cells[-1]) for cells in marked) == value


def test_it_breaks_events_down_by_kind_per_project(program):
    drilled = drilldown.drill(program, AS_OF_DATES[1], "g3.events")
    assert sum(group["n"] for group in drilled.by_project) == 26
    assert {"project__code", "kind", "n"} <= set(drilled.by_project[0])


def test_it_says_why_a_row_is_left_out(program):
    drilled = drilldown.drill(program, AS_OF_DATES[1], "g3.events")
    reasons = {reason for _row, reason in drilled.excluded}
    assert reasons  # the demo has an event before its project's start
    assert all(reason for reason in reasons)


def test_it_shows_the_committee_the_figures_rows_on_its_own_pages(client, program):
    member = UserFactory(roles=["committee"])
    sign_in(client, member)
    path = reverse("evaluations:figure", args=[program.code, "g3.events"])
    response = client.get(path, {"as_of": "2025-03-31"})
    assert response.status_code == 200
    assert "/admin/" not in response.text
    assert response.context["count"] == 26


def test_it_shows_unfunded_proposals_as_the_program_decides(client, program):
    member = UserFactory(roles=["committee"])
    sign_in(client, member)
    path = reverse("evaluations:figure", args=[program.code, "g1.adoptable_not_adopted"])
    response = client.get(path, {"as_of": "2025-03-31"})
    assert response.context["count"] == 65 and response.context["rows"] == []
    program.unfunded_disclosure = "titles"
    program.save()
    response = client.get(path, {"as_of": "2025-03-31"})
    rows = response.context["rows"]
    assert len(rows) == 65
    assert all("jp_pi" not in cells and "partner_pi" not in cells for _row, cells in rows)


# Queries of one drill-down page (a committee member, g3.events), whatever the number of
# rows: session, user, the user's groups (the role check), the device that verified the
# second factor, the program, the counted rows' count, the counted rows shown, the rows
# of the kind it leaves out (one pass), the per-project breakdown.
FIGURE_QUERIES = 9


@pytest.mark.parametrize("extra", [0, 12])
def test_it_opens_a_figure_in_a_fixed_number_of_queries(
    client, program, django_assert_num_queries, extra
):
    from tests.factories import EventFactory

    counted = drilldown.drill(program, AS_OF_DATES[1], "g3.events").counted.first()
    for _n in range(extra):
        EventFactory(report=counted.report, held_on=counted.held_on)
    member = UserFactory(roles=["committee"])
    sign_in(client, member)
    path = reverse("evaluations:figure", args=[program.code, "g3.events"])
    with django_assert_num_queries(FIGURE_QUERIES):
        response = client.get(path, {"as_of": "2025-03-31"})
    assert response.context["count"] == 26 + extra


def test_it_shows_every_figure_in_japanese(client, program):
    """A Japanese figure page has no English but the data it lists (titles as typed)."""
    from tests.japanese import data_values, english

    sign_in(client, UserFactory(roles=["committee"]))
    data = data_values()
    found = {}
    for code in INDICATORS:
        path = reverse("evaluations:figure", args=[program.code, code])
        response = client.get(path, {"as_of": "2025-03-31"}, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 200, code
        for run in english(response.content.decode(), data):
            found.setdefault(run, code)
    assert found == {}


# Queries of a median's, a sum's and the countries' drill-down page, whatever the rows:
# session, user, the user's groups, the second factor's device, the program; then the
# drill-down's own (the h-index: the proposals missing one; a lab-wide sum: every
# statistic of the program's projects in one pass; the countries: the Japanese agencies,
# the agencies of no opened call, the per-country counts), the counted rows' count, the
# values that make the figure and the rows shown.
MEASURED_QUERIES = {
    "g1.jp_pi_hindex_median": 5 + 1 + 3,
    "g3.lab_events_after": 5 + 1 + 3,
    "g1.partner_countries": 5 + 3 + 3,
}


@pytest.mark.parametrize("code", list(MEASURED_QUERIES))
@pytest.mark.parametrize("extra", [0, 12])
def test_it_opens_a_measured_figure_in_a_fixed_number_of_queries(
    client, program, django_assert_num_queries, code, extra
):
    from tests.factories import (
        AgencyFactory,
        LabStatisticFactory,
        ProjectFactory,
        ReportFactory,
    )

    call = program.calls.filter(open_date__lte=AS_OF_DATES[1]).order_by("open_date").first()
    for n in range(extra):  # an adopted project with both lab-wide values, a new partner
        project = ProjectFactory(
            proposal__call=call, proposal__jp_pi__h_index=n, start_date=call.open_date
        )
        start = fiscal_year(call.open_date)
        for year in (start - 1, start):  # the year before the start's, and the start's
            LabStatisticFactory(report=ReportFactory(project=project, fiscal_year=year))
        call.partner_agencies.add(AgencyFactory(country="BR"))
    member = UserFactory(roles=["committee"])
    sign_in(client, member)
    path = reverse("evaluations:figure", args=[program.code, code])
    with django_assert_num_queries(MEASURED_QUERIES[code]):
        response = client.get(path, {"as_of": "2025-03-31"})
    assert (
        response.context["value"] == compute(program, AS_OF_DATES[1])["indicators"][code]["value"]
    )
