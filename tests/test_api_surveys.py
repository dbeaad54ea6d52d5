"""The survey aggregated for keys (api/surveys.py): per project, small groups withheld, and
program totals that are the indicators' figures."""

import datetime
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient as Client

from evaluations.indicators import compute
from programs.models import Program
from tests.conftest import keyed_client, sign_in
from tests.factories import MemberFactory, ProgramFactory, ProjectFactory, SurveyFactory

pytestmark = pytest.mark.django_db

AS_OF = "2025-03-31"


def keyed(*programs) -> Client:
    return keyed_client("analytics-" + "-".join(p.code for p in programs), programs=programs)


def answered(project, people: int, gain: int = 1) -> None:
    """`people` who answered before and after, each `gain` higher after on every item."""
    for n in range(people):
        person = f"{project.code} young {n}"
        SurveyFactory(project=project, person=person)
        SurveyFactory(
            project=project,
            person=person,
            timing="after",
            networking=2 + gain,
            communication=2 + gain,
            expertise=3 + gain,
            language=2 + gain,
            leadership=2 + gain,
        )


def gains_of(api, code: str = "P1", **params):
    return api.get(f"/api/v1/programs/{code}/survey-gains/", {"as_of": AS_OF, **params})


def test_it_shows_a_projects_gains_and_withholds_a_group_under_three():
    program = ProgramFactory(code="P1")
    large = ProjectFactory(code="LARGE", proposal__call__program=program)
    small = ProjectFactory(code="SMALL", proposal__call__program=program)
    answered(large, 3, gain=2)
    answered(small, 2, gain=1)
    body = gains_of(keyed(program)).json()
    rows = {row["project"]: row for row in body["projects"]}
    assert rows["LARGE"]["people"] == 3 and rows["LARGE"]["total_gain"]["networking"] == 6
    assert rows["LARGE"]["mean_gain"]["leadership"] == 2.0
    assert rows["SMALL"] == {
        "project": "SMALL",
        "start_date": "2024-01-01",
        "people": 2,
        "total_gain": None,
        "mean_gain": None,
    }
    # Everyone counts in the totals: (3 × 2 + 2 × 1) / 5.
    assert body["people"] == 5 and body["mean_gain"]["expertise"] == 1.6


def test_it_gives_the_indicators_figures_as_totals_on_the_demo():
    call_command("load_demo", stdout=io.StringIO())
    program = Program.objects.get(code="ASPIRE")
    body = gains_of(keyed(program), "ASPIRE").json()
    figures = {
        code: f["value"]
        for code, f in compute(program, datetime.date(2025, 3, 31))["indicators"].items()
    }
    assert body["people"] == figures["g4.survey_pairs"] > 0
    for item, mean in body["mean_gain"].items():
        assert mean == figures[f"g4.survey_gain_{item}"]
    assert sum(row["people"] for row in body["projects"]) == body["people"]


def test_it_is_for_those_who_read_the_figures_and_within_the_keys_programs(client):
    mine, theirs = ProgramFactory(code="P1"), ProgramFactory(code="P2")
    project = ProjectFactory(proposal__call__program=mine)
    answered(project, 3)
    assert gains_of(keyed(theirs)).status_code == 404
    sign_in(client, MemberFactory(project=project).user)
    assert client.get(f"/api/v1/programs/P1/survey-gains/?as_of={AS_OF}").status_code == 403


def test_it_refuses_a_bad_date_and_an_unknown_parameter_naming_them():
    api = keyed(ProgramFactory(code="P1"))
    response = gains_of(api, as_of="2025-13-01")
    assert response.status_code == 400 and "as_of" in response.json()
    response = gains_of(api, min_people="1")
    assert response.status_code == 400 and "min_people" in response.json()


@pytest.mark.parametrize("projects", [1, 6])
def test_it_reads_the_gains_in_a_fixed_number_of_queries(django_assert_num_queries, projects):
    program = ProgramFactory(code="P1")
    for _n in range(projects):
        answered(ProjectFactory(proposal__call__program=program), 3)
    api = keyed(program)
    # The key (its last use is recorded at most once a minute: not here, it was just
    # used), the program, the per-project sums, the program's totals.
    gains_of(api)
    with django_assert_num_queries(4):
        assert len(gains_of(api).json()["projects"]) == projects
