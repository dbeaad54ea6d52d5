"""The audit log: who exported, downloaded or wrote what through the API, when, from where.

An entry is written once by `audit.services` and never changed; staff read the log in the
admin. Like `accounts`, this app imports from none of the others, so that every app (the
evaluations' downloads as well as exchange and api on top) can write to it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Download")
    API_WRITE = "api_write", _("API write")


class Channel(models.TextChoices):
    ADMIN = "admin", _("Staff admin")
    PAGE = "page", _("Page")
    API = "api", _("REST API")
    COMMAND = "command", _("Command line")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    channel = models.CharField(_("through"), max_length=8, choices=Channel.choices)
    # Who, as they were named at the time: an e-mail address, an API client, or the account
    # that ran a command. The label stays when the user or the key is gone.
    actor = models.CharField(_("who"), max_length=300, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    client = models.CharField(_("API key prefix"), max_length=12, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    kind = models.CharField(_("what"), max_length=100)
    target = models.CharField(_("object"), max_length=500, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=16, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8, blank=True)
    status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-pk"]  # the order they were written in, read off the primary key

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.kind}"
