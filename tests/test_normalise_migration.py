"""The migration that writes existing identities one way and merges what only differed in
spelling (projects/migrations/0005_normalise_identities.py), on data stored before it."""

import importlib

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value

from calls.models import Proposal, Researcher
from projects.models import Paper
from tests.factories import PaperFactory, ProposalFactory, ReportFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("projects.migrations.0005_normalise_identities")


def as_typed(queryset, **values) -> None:
    """Store values as they were typed before the normalised fields (behind their back)."""
    raw = {name: Value(value, output_field=models.CharField()) for name, value in values.items()}
    queryset.update(**raw)


def test_it_merges_researchers_that_differ_in_spacing_and_repoints_their_proposals(capsys):
    first = ProposalFactory(jp_pi__name="伊藤 拓也", jp_pi__institution="慶應義塾大学")
    second = ProposalFactory(jp_pi__name="伊藤 X", jp_pi__institution="慶應義塾大学")
    second.jp_pi.h_index = None
    second.jp_pi.orcid = "0000-0002-1825-0097"
    second.jp_pi.save()
    as_typed(
        Researcher.objects.filter(pk=second.jp_pi_id),
        name="伊藤　拓也 ",
        institution="慶應義塾大学　",
    )
    migration.normalise_identities(apps, None)
    assert "merged into" in capsys.readouterr().out
    survivor = Researcher.objects.get(name="伊藤 拓也")
    assert survivor.pk == first.jp_pi_id and survivor.orcid == "0000-0002-1825-0097"
    assert set(Proposal.objects.values_list("jp_pi", flat=True)) == {survivor.pk}


def test_it_merges_papers_of_one_project_whose_dois_differ_in_spelling(capsys):
    report = ReportFactory(status="draft")
    kept = PaperFactory(report=report, doi="10.1000/abc")
    other = PaperFactory(report=report, doi="10.1000/other")
    as_typed(Paper.objects.filter(pk=other.pk), doi="https://doi.org/10.1000/ABC", dedupe_key="x")
    migration.normalise_identities(apps, None)
    assert f"Paper {other.pk} merged into {kept.pk}" in capsys.readouterr().out
    assert list(Paper.objects.values_list("pk", "doi")) == [(kept.pk, "10.1000/abc")]


def test_it_writes_a_name_one_way_without_merging_anything():
    proposal = ProposalFactory()
    as_typed(Researcher.objects.filter(pk=proposal.jp_pi_id), name=" Ｔａｒｏ  Ｙａｍａｄａ ")
    migration.normalise_identities(apps, None)
    assert Researcher.objects.get(pk=proposal.jp_pi_id).name == "Taro Yamada"
