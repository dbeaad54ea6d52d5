import datetime
from decimal import Decimal

import idutils
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from aspire.fields import CodeField, LineField, NameField, RORField, updated_at_field
from aspire.versions import Versioned
from programs.models import Coded, FundingAgency, Program, SupportType

SCORE_MIN, SCORE_MAX = Decimal(1), Decimal(10)
DEFAULT_ADOPTABLE_SCORE = Decimal(6)  # AMED's 評点6以上


class CallKind(models.TextChoices):
    JOINT = "joint", _("Joint call (bilateral)")
    ALIGNMENT = "alignment", _("Alignment call (multilateral)")


class ReviewPhase(models.TextChoices):
    """Where a call's review stands, set by staff (what each role sees: calls/rules.py)."""

    ASSIGNMENT = "assignment", _("Assignment")
    REVIEWING = "reviewing", _("Reviewing")
    PANEL = "panel", _("Panel")
    CLOSED = "closed", _("Closed")


class CallStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Call(Coded, models.Model):
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
    code = CodeField(_("code"), unique=True)
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
    review_phase = models.CharField(
        _("review phase"),
        max_length=16,
        choices=ReviewPhase.choices,
        default=ReviewPhase.ASSIGNMENT,
    )
    reviewers_see_scores = models.BooleanField(
        _("reviewers see each other's scores in the panel"),
        default=False,
        help_text=_(
            "In the panel phase, a reviewer who has submitted sees the other reviewers' "
            "scores and comments."
        ),
    )
    review_due_on = models.DateField(
        _("reviews due on"),
        null=True,
        blank=True,
        help_text=_("The due date new assignments get; each review may have its own."),
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
    institution_ror = RORField(
        _("institution's ROR id"),
        blank=True,
        db_default="",  # writers that COPY researchers (evaluations/synthetic.py) need not know it
        help_text=_("The institution in the Research Organization Registry, e.g. 057zh3y96."),
    )
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
    # Eight digits and no check digit: e-Rad and MEXT publish none. Only Wikipedia's
    # 研究者番号 article says the first digit is a mod-10 check digit (example 90050426),
    # without a formula we could read or a primary source (docs/architecture.md); refusing
    # a real number on a guess would block its PI.
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
        # idutils checks ORCID's ISO 7064 MOD 11-2 check character (the format is the
        # field's validator).
        if self.orcid and not idutils.is_orcid(self.orcid):
            raise ValidationError({"orcid": _("This ORCID's check digit is wrong.")})


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
        compared unrounded against the call's adoptable score. Each is a column the
        proposal stores (calls/scores.py keeps them), named here as every reader knows
        them: ordering or filtering by one is an index or a column, never an aggregate.
        """
        return self.annotate(
            review_count=F("score_count"),
            review_mean=F("score_mean"),
            review_spread=F("score_spread"),
            final_score=F("score_final"),
            adoptable=Case(
                When(score_final__gte=F("call__adoptable_score"), then=True),
                default=False,
                output_field=models.BooleanField(),
            ),
        )


# The reviewers' figures a proposal stores (calls/scores.py): derived rows, never edited,
# left out of the history (they change with the reviews, whose history has them).
FIGURE_FIELDS = ("score_count", "score_mean", "score_spread")
# What the proposal stores of other rows: saves never write it back from memory.
DERIVED_FIELDS = (*FIGURE_FIELDS, "score_final", "partner_country")


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
    # Written with the status by calls.services.decide, at every door that decides.
    decided_on = models.DateField(
        _("decided on"),
        null=True,
        blank=True,
        help_text=_("When the proposal was adopted or rejected; empty until it is."),
    )
    updated_at = updated_at_field()
    # The submitted reviews' count, mean and spread (highest minus lowest), kept by
    # calls/scores.py in the transaction that writes a review; read through with_scores()
    # as review_count, review_mean, review_spread and final_score. The mean is
    # PostgreSQL's avg() as it comes (numeric without a fixed scale), so that it equals a
    # mean computed from the reviews, rounding included.
    score_count = models.PositiveIntegerField(_("reviews"), default=0, db_default=0, editable=False)
    score_mean = models.DecimalField(_("mean score"), null=True, blank=True, editable=False)
    score_spread = models.DecimalField(
        _("spread of scores"), max_digits=4, decimal_places=2, null=True, blank=True, editable=False
    )
    # The database derives it, so that no writer of the panel score or the mean can forget it.
    score_final = models.GeneratedField(
        expression=Coalesce("panel_score", "score_mean"),
        output_field=models.DecimalField(),
        db_persist=True,
        null=True,
        verbose_name=_("final score"),
    )
    # The partner PI's country, for the API's ?partner_country= (an index lookup rather
    # than a join through two million researchers). Database triggers (migrations
    # calls/0013, 0016) write it on every insert or change of the partner PI and on every
    # change of a researcher's country, whoever writes: a page, an import's COPY or bulk
    # update, the admin. Never written from here; a writer may give it (the proposals
    # import's COPY does, to spare the database a lookup a row), and a wrong one is set right.
    partner_country = models.CharField(
        _("partner country"), max_length=2, blank=True, default="", db_default="", editable=False
    )
    # The history is read by record (its `id`) and by date; the indexes django-simple-history
    # copies from the other fields would be kept up by every write (100,000 by a proposals
    # import) and asked by no query (calls/0016).
    history = HistoricalRecords(
        excluded_fields=[*DERIVED_FIELDS],
        no_db_index=["call", "ref", "status", "jp_pi", "partner_pi", "updated_at"],
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["call", "ref"]
        # Lists by final score, either way, with the primary key that breaks ties (the
        # API's cursor and the admin's ordering): a page reads its rows off the index.
        indexes = [
            models.Index(fields=["score_final", "id"], name="proposal_final_score"),
            models.Index(fields=["-score_final", "id"], name="proposal_final_score_desc"),
            # ?partner_country= in the lists' default order.
            models.Index(fields=["partner_country", "ref"], name="proposal_partner_country"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(panel_score__gte=SCORE_MIN, panel_score__lte=SCORE_MAX)
                | Q(panel_score__isnull=True),
                name="panel_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    def save(self, *args, **kwargs):
        # A whole-row save writes back only what it may change: the stored figures and the
        # partner's country it holds in memory may be older than the rows they come from.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in DERIVED_FIELDS
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.call_id:
            budget, years = self.requested_annual_budget_yen, self.requested_years
            errors = support_type_errors(budget, years, self.call.support_type)
            if errors:
                raise ValidationError(errors)


def support_type_errors(budget: int | None, years: int | None, support: SupportType | None) -> dict:
    """The requested budget and duration must fit the call's support type: the rule of
    Proposal.clean(), asked of values by the batched import (exchange/batches.py), which
    checks a new proposal without making an instance of it."""
    if support is None:
        return {}
    errors = {}
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


class CallFigure(models.Model):
    """A call's proposals counted per status and adoptability (final score against the
    call's adoptable score): what the indicators' goal 1 and the dashboard's calls table
    read, a few rows a call instead of every proposal (issue 18). Derived, never edited:
    kept by calls/figures.py."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="+", verbose_name=_("call"))
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices)
    adoptable = models.BooleanField(_("adoptable"))
    n = models.PositiveIntegerField(_("proposals"))

    class Meta:
        verbose_name = _("stored call figure")
        verbose_name_plural = _("stored call figures")
        indexes = [models.Index(fields=["call", "status"], name="callfigure_call_status")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.status} {self.n}"


class PIFigure(models.Model):
    """A call's adopted proposals counted per their two PIs' h-indexes (NULL where
    unknown): the h-index medians of goal 1 without the two million researchers. Apart
    from CallFigure, whose few rows a call the proposal counts then read alone. Kept by
    calls/figures.py."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="+", verbose_name=_("call"))
    jp_h_index = models.PositiveSmallIntegerField(_("Japanese PI's h-index"), null=True)
    partner_h_index = models.PositiveSmallIntegerField(_("partner PI's h-index"), null=True)
    n = models.PositiveIntegerField(_("proposals"))

    class Meta:
        verbose_name = _("stored PI figure")
        verbose_name_plural = _("stored PI figures")
        indexes = [models.Index(fields=["call"], name="pifigure_call")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.jp_h_index}/{self.partner_h_index} {self.n}"


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
    # The reviewer's work in progress: only a submitted score (above) counts.
    draft_score = models.DecimalField(
        _("draft score"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    # db_default: writers that COPY reviews (evaluations/synthetic.py) need not know it.
    draft_comment = models.TextField(
        _("draft comment"),
        blank=True,
        default="",
        db_default="",
        max_length=10_000,
        validators=[MaxLengthValidator(10_000)],
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(draft_score__gte=SCORE_MIN, draft_score__lte=SCORE_MAX)
                | Q(draft_score__isnull=True),
                name="review_draft_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} / {self.reviewer}"

    @property
    def status(self) -> str:
        """Pending (an assignment), draft (saved, not submitted) or submitted (it counts)."""
        if self.score is not None:
            return ReviewStatus.SUBMITTED
        if self.draft_score is not None or self.draft_comment:
            return ReviewStatus.DRAFT
        return ReviewStatus.PENDING

    def get_status_display(self) -> str:
        return ReviewStatus(self.status).label

    def clean(self) -> None:
        from calls.services import conflict_of_interest

        # Conflicts refuse an assignment, not the scoring of one already made.
        adding = self._state.adding or self.reviewer_id != getattr(self, "_loaded_reviewer", None)
        if self.proposal_id and self.reviewer_id and adding:
            reason = conflict_of_interest(self.reviewer, self.proposal)
            if reason:
                raise ValidationError({"reviewer": reason})

    @classmethod
    def from_db(cls, db, field_names, values):
        review = super().from_db(db, field_names, values)
        review._loaded_reviewer = review.__dict__.get("reviewer_id")
        review._loaded_proposal = review.__dict__.get("proposal_id")
        return review

    # Every door that writes one review (the reviewer's page, the admin, an import, the
    # demo, a factory) saves or deletes it here: its proposal's stored figures follow in
    # the same transaction (calls/scores.py). Writers of many rows at once (COPY, a
    # queryset's delete) refresh the figures themselves.

    def save(self, *args, **kwargs):
        from calls import scores

        adding, update_fields = self._state.adding, kwargs.get("update_fields")
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            if self._changes_figures(adding, update_fields):
                moved_from = getattr(self, "_loaded_proposal", None)
                scores.refresh({self.proposal_id, moved_from} - {None})
        self._loaded_proposal = self.proposal_id

    def delete(self, *args, **kwargs):
        from calls import scores

        proposal = getattr(self, "_loaded_proposal", None) or self.proposal_id
        with transaction.atomic(savepoint=False):
            deleted = super().delete(*args, **kwargs)
            scores.refresh([proposal])
        return deleted

    def _changes_figures(self, adding: bool, update_fields) -> bool:
        """Whether this save may change a proposal's figures. A new assignment without a
        score and an edit of other fields (a due date, a draft) cannot; any other save
        might, even with the score it read (someone may have changed it since)."""
        if adding:
            return self.score is not None
        if update_fields is not None:
            return bool({"score", "proposal", "proposal_id"} & set(update_fields))
        return True


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


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


class ReviewerAffiliation(models.Model):
    """Where a reviewer worked, and when: a conflict if a PI works there now and the
    reviewer did within the last years (calls/conflicts.py). An agency's staff name it."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="affiliations",
        verbose_name=_("reviewer"),
    )
    institution = NameField(_("institution"), max_length=200, blank=True)
    institution_ror = RORField(
        _("institution's ROR id"),
        blank=True,
        db_default="",
        help_text=_("The institution in the Research Organization Registry, e.g. 057zh3y96."),
    )
    agency = models.ForeignKey(
        FundingAgency,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_affiliations",
        verbose_name=_("funding agency"),
        help_text=_("When the reviewer works or worked for a funding agency."),
    )
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(
        _("until (year)"), null=True, blank=True, help_text=_("Empty while they still work there.")
    )

    class Meta:
        verbose_name = _("reviewer affiliation")
        verbose_name_plural = _("reviewer affiliations")
        ordering = ["reviewer", "-end_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__gt="") | Q(agency__isnull=False),
                name="affiliation_names_a_place",
            ),
        ]

    def __str__(self) -> str:
        return self.institution or str(self.agency)

    def clean(self) -> None:
        if not self.institution and not self.agency_id:
            raise ValidationError({"institution": _("Name an institution or an agency.")})
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("It cannot end before it starts.")})


def validate_pdf(file) -> None:
    """A PDF (it starts with %PDF-), no larger than PROPOSAL_FILE_MAX_BYTES."""
    limit = getattr(settings, "PROPOSAL_FILE_MAX_BYTES", 20 * 1024 * 1024)
    if file.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(5)
    file.seek(position)
    if head != b"%PDF-" or not file.name.lower().endswith(".pdf"):
        raise ValidationError(_("Upload a PDF file."))


class ProposalDocument(models.Model):
    """A proposal's document (PDF): staff upload it, assigned reviewers read it. Served
    by a view that asks the rules, never from MEDIA_URL."""

    proposal = models.ForeignKey(
        Proposal, models.CASCADE, related_name="documents", verbose_name=_("proposal")
    )
    title = LineField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="proposals/", validators=[validate_pdf])
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal document")
        verbose_name_plural = _("proposal documents")
        ordering = ["proposal", "uploaded_at"]

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1]


class ReviewReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Before the due date")
    OVERDUE = "overdue", _("Overdue")


class ReviewReminder(models.Model):
    """A reminder mailed to a reviewer, recorded before it goes out: the unique constraint
    sends each at most once per step (the mechanism of projects/reminders.py)."""

    review = models.ForeignKey(
        Review, models.CASCADE, related_name="reminders", verbose_name=_("review")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReviewReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    days_to_due = models.IntegerField(_("days to the due date"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "sent_on"], name="one_reminder_per_review_kind_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.get_kind_display()} {self.sent_on}"
