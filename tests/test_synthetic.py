"""generate_data: the benchmarks' synthetic data set (issue 6), at scale S."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from calls.models import Proposal, Review
from evaluations import indicators, synthetic
from programs.models import Program
from projects.models import AnnualReport, Paper, Project
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        list(Review.objects.order_by("pk").values_list("proposal_id", "reviewer_id", "score")),
        list(Proposal.objects.order_by("pk").values_list("ref", "status", "panel_score")),
        Paper.objects.count(),
    )


def test_it_writes_the_shapes_of_a_program():
    counts = synthetic.generate("S")
    assert counts["proposals"] == Proposal.objects.count() == 126
    assert counts["reviews"] == Review.objects.count() == 3 * 126
    adopted = Proposal.objects.filter(status="adopted").count()
    assert counts["projects"] == Project.objects.count() == adopted
    assert 0 < adopted < 126 * 0.3  # few adopted
    per_project = AnnualReport.objects.values("project").annotate(n=Count("pk"))
    assert {row["n"] for row in per_project} == {3}
    assert AnnualReport.objects.filter(status="draft").count() == adopted  # the open year
    reviewers = Review.objects.values("proposal").annotate(n=Count("reviewer", distinct=True))
    assert {row["n"] for row in reviewers} == {3}


def test_it_gives_the_same_data_for_the_same_seed():
    with transaction.atomic():
        synthetic.generate("S", seed=7)
        first = snapshot()
        transaction.set_rollback(True)
    synthetic.generate("S", seed=7)
    assert snapshot() == first


def test_it_leaves_the_sequences_after_its_rows():
    synthetic.generate("S")
    proposal = ProposalFactory()  # would collide with a COPYed id if the sequence lagged
    assert proposal.pk > Proposal.objects.exclude(pk=proposal.pk).latest("pk").pk


def test_it_counts_in_the_indicators():
    synthetic.generate("S")
    program = Program.objects.get(code=synthetic.PROGRAM)
    figures = indicators.compute(program, datetime.date(2026, 3, 31))["indicators"]
    assert figures["g1.proposals"]["value"] == 126
    assert figures["g2.projects"]["value"] == Project.objects.count()


def test_it_refuses_a_database_that_has_the_program_already():
    synthetic.generate("S")
    with pytest.raises(CommandError, match="has data already"):
        call_command("generate_data", "--scale", "S")
