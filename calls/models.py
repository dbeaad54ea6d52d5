import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Avg, Case, Count, F, Max, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from aspire.fields import LineField, NameField, updated_at_field
from aspire.versions import Versioned
from programs.models import FundingAgency, Program, SupportType

SCORE_MIN, SCORE_MAX = Decimal(1), Decimal(10)
DEFAULT_ADOPTABLE_SCORE = Decimal(6)  # AMED's 評点6以上


class CallKind(models.TextChoices):
    JOINT = "joint", _("Joint call (bilateral)")
    ALIGNMENT = "alignment", _("Alignment call (multilateral)")


class CallStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Call(models.Model):
    program = models.ForeignKey(
        Program, models.PROTECT, related_name="calls", verbose_name=_("program")
    )
    support_type = models.ForeignKey(
        SupportType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("support type"),
    )
    code = NameField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CallKind.choices)
    title = LineField(_("title"), max_length=300)
    partner_agencies = models.ManyToManyField(
        FundingAgency, blank=True, related_name="calls", verbose_name=_("partner agencies")
    )
    open_date = models.DateField(_("open date"), null=True, blank=True)
    close_date = models.DateField(_("close date"), null=True, blank=True)
    updated_at = updated_at_field()
    adoptable_score = models.DecimalField(
        _("adoptable score"),
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_ADOPTABLE_SCORE,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("Proposals whose final score reaches this are adoptable."),
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["program", "open_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(close_date__gte=F("open_date"))
                | Q(close_date__isnull=True)
                | Q(open_date__isnull=True),
                name="call_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        errors = {}
        if self.open_date and self.close_date and self.close_date < self.open_date:
            errors["close_date"] = _("The call cannot close before it opens.")
        if self.support_type_id and self.support_type.program_id != self.program_id:
            errors["support_type"] = _("This support type belongs to another program.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day: datetime.date) -> str:
        """Derived from the dates, so it never disagrees with them."""
        if self.open_date is None or self.open_date > day:
            return CallStatus.PLANNED
        if self.close_date is not None and self.close_date < day:
            return CallStatus.CLOSED
        return CallStatus.OPEN

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())


class CareerStage(models.TextChoices):
    STUDENT = "student", _("Student")
    POSTDOC = "postdoc", _("Postdoc")
    EARLY_CAREER = "early_career", _("Early career")
    MID_CAREER = "mid_career", _("Mid career")
    SENIOR = "senior", _("Senior")


YOUNG_CAREER_STAGES = [CareerStage.STUDENT, CareerStage.POSTDOC, CareerStage.EARLY_CAREER]


class Researcher(models.Model):
    name = NameField(_("name"), max_length=200)
    institution = NameField(_("institution"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    h_index = models.PositiveSmallIntegerField(_("h-index"), null=True, blank=True)
    orcid = models.CharField(
        _("ORCID"),
        max_length=19,
        blank=True,
        help_text=_("Sixteen digits in four groups, e.g. 0000-0002-1825-0097."),
        validators=[
            RegexValidator(
                r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", _("Enter an ORCID like 0000-0002-1825-0097.")
            )
        ],
    )
    erad_number = models.CharField(
        _("e-Rad researcher number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("An e-Rad researcher number has eight digits."))],
    )
    career_stage = models.CharField(
        _("career stage"), max_length=16, choices=CareerStage.choices, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="researcher",
        verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("researcher")
        verbose_name_plural = _("researchers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "institution"], name="unique_researcher_name_institution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.institution})" if self.institution else self.name

    def clean(self) -> None:
        if self.orcid and not orcid_checksum_ok(self.orcid):
            raise ValidationError({"orcid": _("This ORCID's check digit is wrong.")})


def orcid_checksum_ok(orcid: str) -> bool:
    """ORCID's last character is an ISO 7064 MOD 11-2 check over its fifteen digits."""
    digits = orcid.replace("-", "")
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    total = 0
    for digit in digits[:15]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[15].upper() == ("X" if check == 10 else str(check))


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProposalQuerySet(models.QuerySet):
    def with_scores(self) -> "ProposalQuerySet":
        """Annotate the review figures and the final score of shared/design/indicators.md.

        final_score is the panel score where set, else the mean of the reviewers' scores;
        compared unrounded against the call's adoptable score. Subqueries rather than
        joins, so that callers can still filter, aggregate and count over the result.
        """
        return self.annotate(
            review_count=Coalesce(_review_stat(Count("pk")), 0),
            review_mean=_review_stat(Avg("score")),
            review_spread=_review_stat(Max("score") - Min("score")),
            final_score=Coalesce("panel_score", "review_mean"),
            adoptable=Case(
                When(final_score__gte=F("call__adoptable_score"), then=True),
                default=False,
                output_field=models.BooleanField(),
            ),
        )


def _review_stat(expression) -> Subquery:
    scored = Review.objects.filter(proposal=OuterRef("pk"), score__isnull=False).order_by()
    return Subquery(scored.values("proposal").annotate(stat=expression).values("stat"))


class Proposal(Versioned):
    call = models.ForeignKey(Call, models.PROTECT, related_name="proposals", verbose_name=_("call"))
    ref = NameField(_("reference"), max_length=40, unique=True)
    title = LineField(_("title"), max_length=500)
    jp_pi = models.ForeignKey(
        Researcher,
        models.PROTECT,
        related_name="jp_proposals",
        verbose_name=_("Japanese PI"),
    )
    partner_pi = models.ForeignKey(
        Researcher,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_proposals",
        verbose_name=_("partner PI"),
    )
    requested_annual_budget_yen = models.BigIntegerField(
        _("requested annual budget (yen)"), null=True, blank=True
    )
    requested_years = models.PositiveSmallIntegerField(
        _("requested duration (years)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
        db_index=True,
    )
    panel_score = models.DecimalField(
        _("panel score"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("Where set, it replaces the mean of the reviewers' scores."),
    )
    updated_at = updated_at_field()
    history = HistoricalRecords()

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["call", "ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(panel_score__gte=SCORE_MIN, panel_score__lte=SCORE_MAX)
                | Q(panel_score__isnull=True),
                name="panel_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def clean(self) -> None:
        if self.call_id:
            errors = _support_type_errors(self, self.call.support_type)
            if errors:
                raise ValidationError(errors)


def _support_type_errors(proposal: Proposal, support: SupportType | None) -> dict:
    """The requested budget and duration must fit the call's support type."""
    if support is None:
        return {}
    errors = {}
    budget, years = proposal.requested_annual_budget_yen, proposal.requested_years
    if budget is not None and not _within(
        budget, support.min_annual_budget_yen, support.max_annual_budget_yen
    ):
        errors["requested_annual_budget_yen"] = _(
            "The support type “%(type)s” allows %(low)s to %(high)s yen a year."
        ) % {
            "type": support,
            "low": support.min_annual_budget_yen or 0,
            "high": support.max_annual_budget_yen or "∞",
        }
    if years is not None and not _within(years, support.min_years, support.max_years):
        errors["requested_years"] = _(
            "The support type “%(type)s” allows %(low)s to %(high)s years."
        ) % {"type": support, "low": support.min_years or 1, "high": support.max_years or "∞"}
    return errors


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


class Review(Versioned):
    """A reviewer's assignment to a proposal and, once given, their score."""

    proposal = models.ForeignKey(
        Proposal, models.CASCADE, related_name="reviews", verbose_name=_("proposal")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="reviews",
        verbose_name=_("reviewer"),
    )
    score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("1 to 10 on AMED's scale; empty while the review is pending."),
    )
    comment = models.TextField(
        _("comment"), blank=True, max_length=10_000, validators=[MaxLengthValidator(10_000)]
    )
    updated_at = updated_at_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["proposal", "reviewer"]
        # The mean score of every proposal, read from the index alone (docs/performance.md).
        indexes = [models.Index(fields=["proposal", "score"], name="review_proposal_score")]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="one_review_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX) | Q(score__isnull=True),
                name="review_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} / {self.reviewer}"

    def clean(self) -> None:
        from calls.services import conflict_of_interest

        if self.proposal_id and self.reviewer_id:
            reason = conflict_of_interest(self.reviewer, self.proposal)
            if reason:
                raise ValidationError({"reviewer": reason})


class ConflictOfInterest(models.Model):
    """A conflict a reviewer declared: they may not review this proposal."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="conflicts",
        verbose_name=_("reviewer"),
    )
    proposal = models.ForeignKey(
        Proposal, models.CASCADE, related_name="conflicts", verbose_name=_("proposal")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "proposal"], name="one_conflict_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ≠ {self.proposal}"
