from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluations.catalogue import INDICATOR_CHOICES
from programs.models import Program


class Target(models.Model):
    """What a program aims for in an indicator by the end of a fiscal year."""

    program = models.ForeignKey(
        Program, models.CASCADE, related_name="targets", verbose_name=_("program")
    )
    indicator = models.CharField(_("indicator"), max_length=64, choices=INDICATOR_CHOICES)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["program", "indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "indicator", "fiscal_year"], name="one_target_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.indicator} FY{self.fiscal_year}"
