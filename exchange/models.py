"""An import as a job of its own: the file, who asked, and what became of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aspire.jobs import JobStatus, Leased


class ImportJob(Leased):
    """One file to import, worked through by a job on the `imports` queue (exchange/imports.py).

    A staff preview (`preview`: everything checked, nothing written), the import it
    confirms, or a PI's upload into one section of a report. The file waits in the row
    (at most IMPORT_MAX_BYTES), so that any worker can read it; `result` holds what the
    import did, row by row, once it is done."""

    kind = models.CharField(_("kind"), max_length=40)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"), editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("requested by"),
    )
    # The report a PI's upload fills; none for the staff's imports.
    report = models.ForeignKey(
        "projects.AnnualReport",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("annual report"),
    )
    preview = models.BooleanField(_("preview"), default=False)
    # Changes made by others after this moment (or the file's export) are listed as stale.
    since = models.DateTimeField(_("since"), null=True, blank=True)
    file_since = models.BooleanField(default=True, editable=False)
    # A preview is confirmed once: a second click imports nothing.
    confirmed = models.BooleanField(_("confirmed"), default=False)
    language = models.CharField(max_length=10, default="ja", editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "status"], name="import_jobs_of_user")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind})"
