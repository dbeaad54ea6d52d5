import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# What a key may do is fixed when it is made: more rights, a later expiry or other programs
# take a new key. Revocation is final. A database trigger (migration 0003) refuses any
# other change, whatever door it comes through; `save()` says so first, in plain words.
FIXED_FIELDS = ("prefix", "key_hash", "can_write", "expires_at", "program_ids", "created_at")


def default_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.API_KEY_DAYS)


class FixedKeyError(Exception):
    """An attempt to change what a key may do, or to undo its revocation."""


class APIClient(models.Model):
    """A program outside Aspire that pulls data with a key (`Authorization: Token <key>`).

    Only a hash of the key is stored; the key itself is shown once, when it is made.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    can_write = models.BooleanField(_("may write"), default=False)
    # The programs whose data the key reads; empty for every program. Ids rather than a
    # many-to-many table: the scope is then part of the row the key is read with (no query
    # more per request), frozen with it by one trigger, and a deleted program narrows the
    # key rather than widening it.
    program_ids = models.JSONField(_("programs"), default=list, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            _refuse_changes_of_fixed_fields(self)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


def _refuse_changes_of_fixed_fields(client: APIClient) -> None:
    stored = APIClient.objects.filter(pk=client.pk).values(*FIXED_FIELDS, "revoked_at").first()
    if stored is None:
        return
    changed = [name for name in FIXED_FIELDS if getattr(client, name) != stored[name]]
    if stored["revoked_at"] is not None and client.revoked_at != stored["revoked_at"]:
        changed.append("revoked_at")
    if changed:
        raise FixedKeyError(
            f"An API key's {', '.join(changed)} cannot change: make a new key instead."
        )
