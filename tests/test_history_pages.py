"""Every history page answers, also for a record deleted long ago with its parents."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.models import HistoricalChanges

from evaluations.models import Evaluation
from projects.models import AnnualReport, ReportStatus
from tests.test_admin import make_one_of_everything

pytestmark = pytest.mark.django_db


def models_with_history():
    return [
        model
        for model in admin.site._registry
        if hasattr(model, "history") and model._meta.app_label != "auth"
    ]


def history_urls() -> list[str]:
    urls = []
    for model in models_with_history():
        ids = model.history.model.objects.values_list("id", flat=True).distinct()
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}_history"
        urls += [reverse(name, args=[pk]) for pk in ids]
    return urls


def delete_everything() -> None:
    """What no door may do (handed-in reports and finalised evaluations are frozen):
    reopened behind the ORM's back first, as a database cleared by hand would be."""
    AnnualReport.objects.update(status=ReportStatus.DRAFT)
    Evaluation.objects.update(finalised_at=None)
    for model in reversed(models_with_history()):
        model._default_manager.all().delete()


def test_it_shows_the_history_of_every_record(admin_client):
    make_one_of_everything()
    urls = history_urls()
    assert len(urls) >= 20
    for url in urls:
        assert admin_client.get(url).status_code == 200, url


def test_it_shows_the_history_of_records_deleted_with_their_parents(admin_client):
    make_one_of_everything()
    urls = history_urls()
    delete_everything()
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert issubclass(response.context["object"].__class__, object)


def test_it_keeps_the_history_of_budgets_and_memberships():
    from tests.factories import MemberFactory
    from tests.test_admin import ProjectBudgetFactory

    budget = ProjectBudgetFactory()
    budget.amount_yen += 1
    budget.save()
    member = MemberFactory()
    pk = member.pk
    member.delete()
    assert [entry.history_type for entry in budget.history.all()] == ["~", "+"]
    entries = type(member).history.filter(id=pk)
    assert [entry.history_type for entry in entries] == ["-", "+"]
    assert isinstance(budget.history.first(), HistoricalChanges)
