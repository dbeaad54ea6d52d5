from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from aspire.fields import CodeField, NameField, updated_at_field
from aspire.versions import Versioned

DOMESTIC_COUNTRY = "JP"


class Coded(models.Model):
    """A record named by a code. Its uniqueness check, which the admin's forms and
    imports run through full_clean(), also refuses a code another record has in another
    case or had before a rename: programs.codes.refuse_taken, the rule of every door."""

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None) -> None:
        errors: dict = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "code" not in (exclude or ()) and "code" not in errors and self.code:
            from programs import codes  # noqa: PLC0415 - codes.py builds on this module

            try:
                codes.refuse_taken(type(self), self.code, self.pk)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class FundingAgency(Coded, Versioned):
    """A funding agency (FA): Japanese ones run programs, the others are partners."""

    code = CodeField(_("code"), unique=True)
    name = NameField(_("name (English)"), max_length=200)
    name_ja = NameField(_("name (Japanese)"), max_length=200, blank=True)
    country = CountryField(_("country"))
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("funding agency")
        verbose_name_plural = _("funding agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_domestic(self) -> bool:
        return self.country.code == DOMESTIC_COUNTRY


class Program(Coded, models.Model):
    code = CodeField(_("code"), unique=True)
    name = NameField(_("name (English)"), max_length=200)
    name_ja = NameField(_("name (Japanese)"), max_length=200, blank=True)
    managing_agency = models.ForeignKey(
        FundingAgency, models.PROTECT, related_name="programs", verbose_name=_("managing agency")
    )
    budget_yen = models.BigIntegerField(
        _("budget (yen)"), null=True, blank=True, help_text=_("Total program budget, if known.")
    )
    description = models.TextField(
        _("description"), blank=True, max_length=10_000, validators=[MaxLengthValidator(10_000)]
    )
    # The operating policy the goals come from (seed 000, §1 and 別紙2): its name, the
    # date of the revision the evaluation follows, and the excerpt that states its aim.
    policy_name_ja = models.CharField(_("operating policy (Japanese)"), max_length=300, blank=True)
    policy_name_en = models.CharField(_("operating policy (English)"), max_length=300, blank=True)
    policy_revised_on = models.DateField(_("operating policy revised on"), null=True, blank=True)
    policy_excerpt_ja = models.TextField(
        _("policy excerpt (Japanese)"),
        blank=True,
        max_length=10_000,
        validators=[MaxLengthValidator(10_000)],
    )
    policy_excerpt_en = models.TextField(
        _("policy excerpt (English)"),
        blank=True,
        max_length=10_000,
        validators=[MaxLengthValidator(10_000)],
    )
    # What the committee sees of the adoptable proposals that were not adopted, at every
    # door (accounts.rules.sees_unfunded_titles): how many, or also their titles (never
    # names).
    unfunded_disclosure = models.CharField(
        _("unfunded adoptable proposals shown to the committee"),
        max_length=8,
        choices=[("counts", _("Counts only")), ("titles", _("Titles, without names"))],
        default="counts",
    )
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def shows_unfunded_titles(self) -> bool:
        """The program's choice: the committee reads the unfunded adoptable proposals'
        titles (without names), not only how many there are."""
        return self.unfunded_disclosure == "titles"


class ProgramGoal(models.Model):
    """A goal of a program and its official evaluation indicators (評価指標, seed 000 別紙2).

    `title_*` is the goal as §3 and 別紙3 head it; `policy_title_*`, where the policy words
    it differently, as 別紙2 quotes it. Indicators: one a line."""

    program = models.ForeignKey(
        Program, models.CASCADE, related_name="goals", verbose_name=_("program")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_ja = models.CharField(_("title (Japanese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    policy_title_ja = models.CharField(
        _("title in the policy (Japanese)"), max_length=300, blank=True
    )
    policy_title_en = models.CharField(
        _("title in the policy (English)"), max_length=300, blank=True
    )
    indicators_ja = models.TextField(
        _("evaluation indicators (Japanese), one a line"),
        blank=True,
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
    )
    indicators_en = models.TextField(
        _("evaluation indicators (English), one a line"),
        blank=True,
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
    )

    class Meta:
        verbose_name = _("program goal")
        verbose_name_plural = _("program goals")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="one_goal_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.number}: {self.title_ja}"


class SupportType(models.Model):
    """A funding scheme within a program: how much a year and for how long."""

    program = models.ForeignKey(
        Program, models.CASCADE, related_name="support_types", verbose_name=_("program")
    )
    code = NameField(_("code"), max_length=40)
    name = NameField(_("name (English)"), max_length=200)
    name_ja = NameField(_("name (Japanese)"), max_length=200, blank=True)
    min_annual_budget_yen = models.BigIntegerField(
        _("minimum annual budget (yen)"), null=True, blank=True
    )
    max_annual_budget_yen = models.BigIntegerField(
        _("maximum annual budget (yen)"), null=True, blank=True
    )
    min_years = models.PositiveSmallIntegerField(
        _("minimum duration (years)"), null=True, blank=True
    )
    max_years = models.PositiveSmallIntegerField(
        _("maximum duration (years)"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("support type")
        verbose_name_plural = _("support types")
        ordering = ["program", "code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="unique_support_type_code"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.name_ja or self.name}"

    def clean(self) -> None:
        errors = {}
        if _inverted(self.min_annual_budget_yen, self.max_annual_budget_yen):
            errors["max_annual_budget_yen"] = _("The maximum is below the minimum.")
        if _inverted(self.min_years, self.max_years):
            errors["max_years"] = _("The maximum is below the minimum.")
        if errors:
            raise ValidationError(errors)


def _inverted(low: int | None, high: int | None) -> bool:
    return low is not None and high is not None and high < low


class FormerCode(models.Model):
    """A code a record had before staff renamed it (programs/codes.py): the links, files and
    API clients that still name it keep finding the record, and who renamed it when stays."""

    kind = models.CharField(_("kind"), max_length=60)  # the model's label: "calls.call"
    code = CodeField(_("former code"))
    record_id = models.BigIntegerField(_("record"))
    renamed_to = CodeField(_("renamed to"))
    renamed_at = models.DateTimeField(_("renamed at"), auto_now_add=True)
    renamed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renamed by"),
    )

    class Meta:
        verbose_name = _("former code")
        verbose_name_plural = _("former codes")
        ordering = ["kind", "code"]
        constraints = [
            # One record per old code of a kind, whatever the case: AMED and amed are one.
            models.UniqueConstraint(Lower("code"), "kind", name="unique_former_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.renamed_to}"
