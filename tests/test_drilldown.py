"""Every figure's drill-down lists exactly the rows it counts (issue 16)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations import dashboard, drilldown
from evaluations.catalogue import INDICATORS
from evaluations.indicators import compute
from programs.models import Program
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AS_OF_DATES = [datetime.date(2024, 9, 30), datetime.date(2025, 3, 31)]


@pytest.fixture
def program():
    call_command("load_demo", stdout=io.StringIO())
    return Program.objects.get(code="ASPIRE")


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_it_lists_as_many_rows_as_every_figure_counts(program, as_of):
    figures = compute(program, as_of)["indicators"]
    checked = 0
    for code in INDICATORS:
        if not drilldown.supported(code):
            continue
        rows = drilldown.count(drilldown.drill(program, as_of, code))
        population = drilldown.POPULATION_OF.get(code, code)
        if population == "g4.stays_ended":
            expected = dashboard.stays(program, as_of)["total"]
        else:
            expected = figures[population]["value"]
        assert rows == expected, code
        checked += 1
    assert checked >= 30


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
