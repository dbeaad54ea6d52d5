from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aspire.fields import NameField, updated_at_field
from aspire.jobs import Leased
from aspire.versions import Versioned
from evaluations.catalogue import INDICATOR_CHOICES
from programs.fiscal import YEAR_VALIDATORS
from programs.models import Program


class Target(Versioned):
    """What a program aims for in an indicator by the end of a fiscal year."""

    program = models.ForeignKey(
        Program, models.CASCADE, related_name="targets", verbose_name=_("program")
    )
    indicator = models.CharField(_("indicator"), max_length=64, choices=INDICATOR_CHOICES)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), validators=YEAR_VALIDATORS)
    # Every indicator counts or shares something: a target below zero is a typo.
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # Where the program started from: the pace expected by a date runs in a straight line
    # from the baseline (at the end of its fiscal year) through this program's earlier
    # targets of the indicator (the interim ones) to this one (evaluations/pace.py).
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline fiscal year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    updated_at = updated_at_field()

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


class EvaluationKind(models.TextChoices):
    MID_TERM = "mid_term", _("Mid-term evaluation")
    FINAL = "final", _("Final evaluation")


class Grade(models.TextChoices):
    S = "S", _("S: excellent (大変優れている)")
    A = "A", _("A: very good (優れている)")
    B = "B", _("B: adequate (妥当である)")
    C = "C", _("C: somewhat insufficient (やや不十分である)")


class Evaluation(Versioned):
    """A committee's evaluation of a program as of a date (seed 000)."""

    program = models.ForeignKey(
        Program, models.PROTECT, related_name="evaluations", verbose_name=_("program")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EvaluationKind.choices)
    as_of = models.DateField(_("as of"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # The title block (seed 000): the document's title, the issuing committee and the
    # opening paragraph, in both languages.
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    committee_name_ja = models.CharField(_("committee (Japanese)"), max_length=300, blank=True)
    committee_name_en = models.CharField(_("committee (English)"), max_length=300, blank=True)
    preamble_ja = models.TextField(
        _("opening paragraph (Japanese)"),
        blank=True,
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
    )
    preamble_en = models.TextField(
        _("opening paragraph (English)"),
        blank=True,
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
    )
    overall_grade = models.CharField(
        _("overall grade"), max_length=1, choices=Grade.choices, blank=True
    )
    overall_comment = models.TextField(
        _("overall comment"), blank=True, max_length=20_000, validators=[MaxLengthValidator(20_000)]
    )
    overall_comment_en = models.TextField(
        _("overall comment (English)"),
        blank=True,
        max_length=20_000,
        validators=[MaxLengthValidator(20_000)],
    )
    # Finalising freezes the indicator values: later data never moves a published report.
    snapshot = models.JSONField(_("indicator snapshot"), null=True, blank=True, editable=False)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True, editable=False)
    updated_at = updated_at_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["program", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "as_of"], name="one_evaluation_per_program_kind_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.get_kind_display()} {self.as_of}"

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None

    def clean(self) -> None:
        from evaluations.services import evaluation_refusal

        refusal = evaluation_refusal(self)
        if refusal:
            raise ValidationError(refusal, code="frozen")


class EvaluationPart:
    """What a finalised evaluation freezes with it (evaluations/services.py)."""

    def clean(self) -> None:
        from evaluations.services import check_part

        check_part(self)


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class CommitteeMember(EvaluationPart, models.Model):
    """A member of the evaluation committee (別紙1)."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="members", verbose_name=_("evaluation")
    )
    name = NameField(_("name"), max_length=200)
    affiliation = NameField(_("affiliation and title"), max_length=300, blank=True)
    # Where the invitation goes (evaluations/invitations.py): every seat gets an account.
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(
        _("role"), max_length=8, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("user account"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["evaluation", "-role", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="one_seat_per_name"),
        ]

    def __str__(self) -> str:
        return self.name


GOAL_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]


class GoalAssessment(EvaluationPart, Versioned):
    """The committee's grade, assessment and future directions for one goal (§3)."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="assessments", verbose_name=_("evaluation")
    )
    goal = models.PositiveSmallIntegerField(_("goal"), choices=GOAL_CHOICES)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    assessment = models.TextField(
        _("assessment"), blank=True, max_length=20_000, validators=[MaxLengthValidator(20_000)]
    )
    future_directions = models.TextField(
        _("future directions"),
        blank=True,
        max_length=20_000,
        validators=[MaxLengthValidator(20_000)],
    )
    assessment_en = models.TextField(
        _("assessment (English)"),
        blank=True,
        max_length=20_000,
        validators=[MaxLengthValidator(20_000)],
    )
    future_directions_en = models.TextField(
        _("future directions (English)"),
        blank=True,
        max_length=20_000,
        validators=[MaxLengthValidator(20_000)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal assessment")
        verbose_name_plural = _("goal assessments")
        ordering = ["evaluation", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="one_assessment_per_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} goal {self.goal}"


class Opinion(EvaluationPart, Versioned):
    """A committee member's opinion on a goal (別紙3), entered by the member."""

    member = models.ForeignKey(
        CommitteeMember, models.CASCADE, related_name="opinions", verbose_name=_("member")
    )
    goal = models.PositiveSmallIntegerField(_("goal"), choices=GOAL_CHOICES)
    text = models.TextField(
        _("opinion"), max_length=10_000, validators=[MaxLengthValidator(10_000)]
    )
    text_en = models.TextField(
        _("opinion (English)"),
        blank=True,
        max_length=10_000,
        validators=[MaxLengthValidator(10_000)],
    )
    # 別紙3 lists the opinions of a goal in the order they were entered (then as the chair
    # reorders them): a new opinion goes last (services.add_opinion).
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["goal", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.member} goal {self.goal}"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class ReportFileStatus(models.TextChoices):
    """The values of aspire.jobs.JobStatus, in the words of the report's page."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Generating")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class EvaluationReport(Leased):
    """A generated document of an evaluation, made by a job that reports its progress."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="reports", verbose_name=_("evaluation")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("ja", "日本語"), ("en", "English")]
    )
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ReportFileStatus.choices,
        default=ReportFileStatus.PENDING,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="evaluations/", blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # The run that made the file (the last claim's): what the page shows as its time.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A PDF's pages: laid out so far while the job runs, then in all (the next run's guide).
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.language} {self.format}"

    @property
    def seconds(self) -> float | None:
        """How long the run that made the file took, or has taken so far."""
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())
