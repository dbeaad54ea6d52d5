"""No lost update: every editable row carries a version, and an edit names the version it
started from.

An edit is a three-way merge. The base is the row as the editor saw it (its history
entry at that version), "mine" the fields the editor changed from the base, "theirs" the
fields someone else changed since. Only my fields are written, so a field I did not touch
is never written back with the value I happened to see; unrelated edits, even of one row,
never conflict. Where we both changed one field to different values the save is refused
with `EditConflict`, which holds the base, their value and mine, field by field.

The pages (PI rows, committee texts), the admin and the API all save through
`save_edit`; the API turns the version into an ETag.
"""

import dataclasses
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Versioned(models.Model):
    """A row whose every save makes a new version (and, with history, a history entry)."""

    version = models.PositiveIntegerField(
        gettext_lazy("version"), default=1, db_default=1, editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


@dataclasses.dataclass(frozen=True)
class FieldConflict:
    """One field both editors changed, to different values."""

    name: str
    label: str
    base: Any
    theirs: Any
    yours: Any


class EditConflict(Exception):
    """Someone else changed the fields this edit changes; nothing was saved."""

    def __init__(self, current, conflicts: list[FieldConflict], by: str, at, mine=None):
        super().__init__(_("Someone else changed this since you opened it."))
        self.current, self.conflicts, self.by, self.at = current, conflicts, by, at
        self.mine: dict[str, Any] = mine or {}  # the fields the edit changed, and to what


def canonical(field: models.Field, value: Any) -> Any:
    """A value as the database compares it: "US" and Country("US"), 7 and Decimal("7.00")."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None or field.is_relation:
        return value
    try:
        return field.get_prep_value(field.to_python(value))
    except Exception:  # a value the field cannot read is a change, whatever it is
        return value


def _value(row, field: models.Field) -> Any:
    return getattr(row, field.attname)


def changed_fields(row: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The values that differ from the row's."""
    meta = row._meta
    return {
        name: value
        for name, value in values.items()
        if canonical(meta.get_field(name), value)
        != canonical(meta.get_field(name), _value(row, meta.get_field(name)))
    }


def _base(current: models.Model, version: int):
    """The row as it stood at `version` (its history entry), or None if unknown."""
    history = getattr(type(current), "history", None)
    if history is None:
        return None
    return history.filter(id=current.pk, version=version).first()


def last_change(current: models.Model) -> tuple[str, Any]:
    history = getattr(type(current), "history", None)
    entry = history.filter(id=current.pk).order_by("-history_id").first() if history else None
    if entry is None:
        return _("someone"), None
    return str(entry.history_user or _("someone")), entry.history_date


def merge(current: models.Model, base_version: int | None, values: dict[str, Any]) -> dict:
    """The fields an edit started at `base_version` writes onto `current`, or EditConflict."""
    if base_version is None or base_version == current.version:
        return changed_fields(current, values)
    base = _base(current, base_version)
    meta = current._meta
    mine = values if base is None else changed_fields(base, values)
    conflicts = []
    for name, value in mine.items():
        field = meta.get_field(name)
        base_value = None if base is None else _value(base, field)
        theirs = _value(current, field)
        they_changed = base is None or canonical(field, theirs) != canonical(field, base_value)
        if they_changed and canonical(field, theirs) != canonical(field, value):
            label = str(field.verbose_name)
            conflicts.append(FieldConflict(name, label, base_value, theirs, value))
    if conflicts:
        raise EditConflict(current, conflicts, *last_change(current), mine=mine)
    return changed_fields(current, mine)


@transaction.atomic
def save_edit(
    model: type[models.Model],
    pk: Any,
    base_version: int | None,
    values: dict[str, Any],
    queryset: models.QuerySet | None = None,
    validate=None,
    reason: str = "",
) -> models.Model:
    """Write `values` (field name → value) of an edit started at `base_version` onto the
    stored row, under a row lock; the others' changes since are kept. `validate(row)` may
    refuse the merged row (ValidationError) before it is saved; `reason` goes into the
    row's history (django-simple-history's change reason)."""
    rows = (queryset if queryset is not None else model.objects).select_for_update()
    current = rows.get(pk=pk)
    mine = merge(current, base_version, values)
    if not mine:
        return current
    for name, value in mine.items():
        setattr(current, name, value)
    if validate is not None:
        validate(current)
    if reason:
        current._change_reason = reason[:100]
    current.save(update_fields=[current._meta.get_field(name).name for name in mine])
    return current
