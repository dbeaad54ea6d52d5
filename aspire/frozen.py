"""Frozen records: what a submitted or accepted report, or a finalised evaluation, holds.

Each app registers, for its models, why a stored row may not be changed or deleted
(`projects/reporting.py`, `evaluations/services.py` say it; this module only asks). The
same answer then reaches every door:

- the pages, the imports and the API call the apps' services, which refuse with the
  answer as a message next to the field or naming the row;
- the admin shows frozen rows read-only and lists them as protected when a deletion
  would take them along (programs/admin.py);
- and, last, the ORM itself: a `save()` that changes a stored frozen row, or a `delete()`
  that would remove one (directly or by cascade), raises the same ValidationError, so a
  door that forgot to ask still cannot corrupt the record.

New rows are the apps' services' business (an accepted report takes none, an imported
one takes imported rows): only stored rows are guarded here.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import pre_delete, pre_save

Refusal = Callable[[models.Model], str | None]

_change: dict[type[models.Model], Refusal] = {}
_delete: dict[type[models.Model], Refusal] = {}


def register(
    model: type[models.Model], change: Refusal | None, delete: Refusal | None = None
) -> None:
    """Guard the stored rows of `model`: `change(row)` says why the row as it is now may
    not be saved over the stored one, `delete(row)` why it may not go (default: change)."""
    if change is not None:
        _change[model] = change
    if delete or change:
        _delete[model] = delete or change
    uid = f"aspire.frozen.{model._meta.label}"
    pre_save.connect(_guard_save, sender=model, dispatch_uid=uid)
    pre_delete.connect(_guard_delete, sender=model, dispatch_uid=uid)


def change_refusal(row: models.Model) -> str | None:
    refusal = _change.get(type(row))
    return refusal(row) if refusal and row.pk is not None else None


def deletion_refusal(row: models.Model) -> str | None:
    refusal = _delete.get(type(row))
    return refusal(row) if refusal and row.pk is not None else None


def _guard_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loading a fixture writes rows as they were
        return
    reason = change_refusal(instance)
    if reason:
        raise ValidationError(reason, code="frozen")


def _guard_delete(sender, instance, **kwargs) -> None:
    reason = deletion_refusal(instance)
    if reason:
        raise ValidationError(reason, code="frozen")


# --- A row read under its lock ------------------------------------------------------------


class _Held:
    """Registered with the transaction that locked a row: pending in its on-commit list
    until that transaction commits or rolls back (or its savepoint is rolled back)."""

    def __call__(self) -> None:
        pass


def hold(row: models.Model) -> None:
    """`row` was just read with SELECT … FOR UPDATE: nobody else can change the stored row
    until this transaction ends, so the guard of the row's next save may compare with
    this copy of it rather than read it again (at the deadline, 200 reads of rows just
    read). Outside the transaction that took the lock, the guard reads as ever."""
    held = _Held()
    transaction.on_commit(held, using=row._state.db)
    names = [field.attname for field in row._meta.concrete_fields]
    stored = type(row).from_db(row._state.db, names, [getattr(row, name) for name in names])
    stored._state.fields_cache = dict(row._state.fields_cache)  # what the lock read with it
    row._frozen_held = (stored, held)


def held(row: models.Model) -> models.Model | None:
    """The stored row as `hold` copied it, once, while its lock is still held; else None."""
    stored, token = row.__dict__.pop("_frozen_held", (None, None))
    if token is None:
        return None
    pending = transaction.get_connection(row._state.db).run_on_commit
    return stored if any(callback is token for _sids, callback, _robust in pending) else None
