"""Renaming a record's code, the name of a program, agency, call or project in URLs,
files and API clients: a staff action that keeps the old code resolving (FormerCode), so
that nothing handed out before breaks. The API never renames (api/serializers.StableCode).

Records are known here only as models with a `code` field: programs imports no other app.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from programs.models import FormerCode


@transaction.atomic
def rename(record: models.Model, new_code: str, user=None) -> models.Model:
    """The record under its new code; its old one (and any before it) now lead to it."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    old = record.code
    record.code = new_code
    _check(record, old)
    kind = record._meta.label_lower
    FormerCode.objects.filter(kind=kind, code__iexact=record.code).delete()  # a rename back
    FormerCode.objects.filter(kind=kind, record_id=record.pk).update(renamed_to=record.code)
    FormerCode.objects.create(
        kind=kind, code=old, record_id=record.pk, renamed_to=record.code, renamed_by=user
    )
    record._change_reason = _("Code renamed from %(old)s") % {"old": old}  # its history
    record.save()
    return record


def _check(record: models.Model, old: str) -> None:
    """The new code keeps to the pattern and names no other record, now or formerly."""
    others = [field.name for field in record._meta.fields if field.name != "code"]
    record.clean_fields(exclude=others)  # normalises and validates the code alone
    if record.code == old:
        raise ValidationError({"code": _("This is the code already.")})
    model, kind = type(record), record._meta.label_lower
    if model.objects.filter(code__iexact=record.code).exclude(pk=record.pk).exists():
        raise ValidationError({"code": _("Another record has this code.")})
    taken = FormerCode.objects.filter(kind=kind, code__iexact=record.code)
    if taken.exclude(record_id=record.pk).exists():
        raise ValidationError({"code": _("This was another record's code, and still leads to it.")})


def current_code(model: type[models.Model], code: str) -> str | None:
    """The code now of the record that `code` named before a rename, if any did."""
    former = FormerCode.objects.filter(kind=model._meta.label_lower, code__iexact=code)
    return former.values_list("renamed_to", flat=True).first()


def former_codes(record: models.Model) -> list[str]:
    kind = record._meta.label_lower
    found = FormerCode.objects.filter(kind=kind, record_id=record.pk).order_by("renamed_at")
    return list(found.values_list("code", flat=True))
