"""aspire/validation.py: a model's field rules asked of values, as full_clean() asks them
of an instance (the batched import checks 100,000 new proposals so, issue 18)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aspire.db import among
from aspire.validation import clean_values
from calls.models import Proposal, Researcher, support_type_errors
from tests.factories import CallFactory, ResearcherFactory, SupportTypeFactory

REFERENCES = frozenset(["call", "jp_pi", "partner_pi"])

CASES = [
    {"ref": "P-1", "title": "  A   title ", "status": "submitted", "panel_score": Decimal("7.5")},
    {"ref": "P-1", "title": "", "status": "lost", "panel_score": Decimal("11")},
    {"ref": "x" * 41, "title": "t" * 501, "status": "adopted", "panel_score": Decimal("0.5")},
    {"ref": "P-2", "title": "ok", "status": "rejected", "panel_score": Decimal("1.234")},
]


def _instance_errors(values: dict) -> dict | None:
    try:
        Proposal(**values).full_clean(
            exclude=REFERENCES, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return error.message_dict
    return None


def _values_errors(values: dict, memo: dict | None) -> dict | None:
    try:
        clean_values(Proposal, values, REFERENCES, memo)
    except ValidationError as error:
        return error.message_dict
    return None


@pytest.mark.parametrize("values", CASES)
def test_it_checks_values_as_full_clean_checks_an_instance(values):
    memo: dict = {}
    expected = _instance_errors(values)
    assert _values_errors(values, None) == expected
    # Asked again from what the memo kept of the choices and numbers: the same answer.
    assert _values_errors(values, memo) == expected
    assert _values_errors(values, memo) == expected


def test_it_cleans_the_values_as_the_fields_store_them():
    cleaned = clean_values(Proposal, CASES[0], REFERENCES)
    assert cleaned["title"] == "A title"
    assert (cleaned["version"], cleaned["requested_years"]) == (1, None)  # the defaults


def test_it_refuses_to_check_a_reference_it_cannot_look_up():
    with pytest.raises(TypeError):
        clean_values(Proposal, CASES[0], frozenset())


@pytest.mark.django_db
def test_it_asks_the_support_type_rule_that_proposal_clean_asks():
    support = SupportTypeFactory(max_annual_budget_yen=10_000_000)
    call = CallFactory(program=support.program, support_type=support)
    assert support_type_errors(None, None, support) == {}
    assert set(support_type_errors(20_000_000, None, support)) == {"requested_annual_budget_yen"}
    proposal = Proposal(call=call, requested_annual_budget_yen=20_000_000)
    with pytest.raises(ValidationError) as refused:
        proposal.clean()
    assert set(refused.value.message_dict) == {"requested_annual_budget_yen"}


@pytest.mark.django_db
def test_it_looks_up_many_values_with_one_parameter(django_assert_num_queries):
    named = [ResearcherFactory(name=f"R {n}") for n in range(3)]
    names = [researcher.name for researcher in named[:2]] + ["nobody"]
    with django_assert_num_queries(1):
        found = set(Researcher.objects.filter(name__in=among(names)))
    assert found == set(named[:2])
