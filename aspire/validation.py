"""A model's field rules asked of plain values, for imports of 100,000 rows (issue 18).

`Model.full_clean()` needs an instance, and making one costs more than checking it. The
rules are the fields' own (`Field.clean`: to_python, choices, blank and null, validators
such as max_length and ranges), called here as `Model.clean_fields()` calls them, in the
same order and with the same messages; only the instance is left out. A model's `clean()`
must offer its rule as a function of values for a caller to ask it too (for proposals,
calls.models.support_type_errors), so that each rule is written once.
"""

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import DatabaseDefault


@functools.cache
def _checked_fields(model: type[models.Model], exclude: frozenset[str]) -> tuple:
    fields = []
    for field in model._meta.fields:
        if field.name in exclude or field.generated:
            continue
        if field.is_relation:  # a reference's rule asks the database: the caller resolves it
            raise TypeError(f"{model.__name__}.{field.name} must be excluded")
        # The value of a choice or a number repeats from row to row: its check is kept.
        repeats = bool(field.choices) or not isinstance(field, models.CharField | models.TextField)
        fields.append((field, field.attname, field.name, field.blank, repeats))
    return tuple(fields)


@functools.cache
def defaults(model: type[models.Model]) -> dict[str, Any]:
    """The values a new instance starts with (Model.__init__), by attname; only for
    defaults that are constants (a callable default would be called once for every row)."""
    found = {}
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            raise TypeError(f"{model.__name__}.{field.name} has a callable default")
        found[field.attname] = field.get_default()
    return found


def clean_values(
    model: type[models.Model],
    values: dict[str, Any],
    exclude: frozenset[str],
    memo: dict | None = None,
) -> dict[str, Any]:
    """`values` (by attname; a field left out has its default) as `instance.clean_fields(
    exclude)` would leave them on an instance holding them: cleaned, or a ValidationError
    by field name. `exclude` must name every reference (their rules query the database).
    `memo`, kept by the caller from row to row, holds what choices and numbers gave: a
    field's clean() depends on the value alone."""
    errors = {}
    cleaned = defaults(model) | values
    for field, attname, name, blank, repeats in _checked_fields(model, exclude):
        raw = cleaned[attname]
        if blank and raw in field.empty_values or isinstance(raw, DatabaseDefault):
            continue
        key = (attname, raw) if repeats and memo is not None else None
        try:
            if key is None:
                cleaned[attname] = field.clean(raw, None)  # no field here asks its instance
            elif key in memo:
                cleaned[attname] = _given(memo[key])
            else:
                memo[key] = _outcome(field, raw)
                cleaned[attname] = _given(memo[key])
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned


def _outcome(field: models.Field, raw: Any) -> tuple[bool, Any]:
    try:
        return True, field.clean(raw, None)
    except ValidationError as error:
        return False, error  # worded when shown, in the language then active


def _given(outcome: tuple[bool, Any]) -> Any:
    fine, value = outcome
    if not fine:
        raise value.with_traceback(None)  # one exception raised again: no growing traceback
    return value
