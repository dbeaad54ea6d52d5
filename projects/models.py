import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from aspire import normalise
from aspire.fields import CodeField, DOIField, LineField, NameField, RORField, updated_at_field
from aspire.versions import Versioned
from calls.models import CareerStage, Proposal
from programs.fiscal import fiscal_year
from programs.models import Coded


def _ends_after_start(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__gte": F(start)}) | Q(**{f"{end}__isnull": True}), name=name
    )


def _check_dates(start: datetime.date | None, end: datetime.date | None, field: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: _("The end cannot be before the start.")})


class Project(Coded, models.Model):
    """An adopted proposal, funded for some fiscal years."""

    proposal = models.OneToOneField(
        Proposal, models.PROTECT, related_name="project", verbose_name=_("proposal")
    )
    # The proposal's call, copied (save() and projects/figures.py keep it): what counts a
    # project in its program's figures is then a join of 80k projects with 1,000 calls,
    # not with a million proposals (issue 18). A call that moves to another program takes
    # its projects along: the program is the call's.
    call = models.ForeignKey(
        "calls.Call", models.PROTECT, related_name="+", verbose_name=_("call"), editable=False
    )
    code = CodeField(_("code"), unique=True)
    title = LineField(_("title"), max_length=500, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # What the decision awarded (projects.services.adopt writes both); the budgets of
    # each fiscal year (ProjectBudget) start from it and may be revised after.
    awarded_annual_yen = models.BigIntegerField(
        _("awarded a fiscal year (yen)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    awarded_total_yen = models.BigIntegerField(
        _("awarded in all (yen)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Over all the project's fiscal years, as decided at adoption."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProjectMember",
        related_name="projects",
        verbose_name=_("members"),
    )
    updated_at = updated_at_field()
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [_ends_after_start("start_date", "end_date", "project_ends_after_start")]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        if self.proposal_id is not None:  # the copy of its proposal's call, kept with it
            self.call_id = self.proposal.call_id
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "call"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        _check_dates(self.start_date, self.end_date, "end_date")

    @property
    def start_fiscal_year(self) -> int:
        return fiscal_year(self.start_date)


class ProjectBudget(Versioned):
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="budgets", verbose_name=_("project")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount_yen = models.BigIntegerField(_("amount (yen)"), validators=[MinValueValidator(0)])
    updated_at = updated_at_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget of a fiscal year")
        verbose_name_plural = _("budget per fiscal year")
        ordering = ["project", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "fiscal_year"], name="one_budget_per_year"),
            models.CheckConstraint(condition=Q(amount_yen__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} FY{self.fiscal_year}"


class MemberRole(models.TextChoices):
    PI = "pi", _("Principal investigator")
    MEMBER = "member", _("Member (may edit drafts)")


class ProjectMember(models.Model):
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


COUNTED_REPORT_STATUSES = [ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]


class AnnualReport(Versioned):
    """What a project did in one fiscal year."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="reports", verbose_name=_("project")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    nothing_to_report = models.BooleanField(_("nothing to report"), default=False)
    buyout_used = models.BooleanField(_("buy-out used"), null=True, blank=True)
    buyout_reason = models.TextField(
        _("why buy-out was not used"),
        blank=True,
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
    )
    travel_trips = models.PositiveIntegerField(_("trips abroad"), null=True, blank=True)
    travel_cost_yen = models.PositiveBigIntegerField(_("travel costs (yen)"), null=True, blank=True)
    staff_comment = models.TextField(
        _("staff comment"), blank=True, max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # A record of past years made by an import (data-exchange.md: "created as accepted"):
    # later imported files add their rows to it; what it holds is frozen like any other.
    imported = models.BooleanField(
        _("created by an import"), default=False, db_default=False, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["project", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "fiscal_year"], name="one_report_per_year"),
        ]

    def __str__(self) -> str:
        try:
            code = self.project.code
        except Project.DoesNotExist:  # the history of a deleted report outlives its project
            code = self.project_id
        return f"{code} FY{self.fiscal_year}"

    def clean(self) -> None:
        from projects.reporting import report_refusal

        refusal = report_refusal(self)
        if refusal:
            raise ValidationError(refusal, code="frozen")


class ReportOutput(Versioned):
    """An output reported in an annual report; subclasses declare `report` and `project`.

    The project is stored beside the report so that the natural keys of
    shared/design/data-exchange.md, which are per project, can be unique constraints.
    """

    updated_at = updated_at_field()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.project_id = self.report.project_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # The project comes from the report and is no form field, so forms skip the
        # constraints that name it (one paper per project, …): check them here instead,
        # after the rules of projects/reporting.py (frozen reports, one report per row).
        from projects.reporting import check_row

        if self.report_id:
            self.project_id = self.report.project_id
            check_row(self)
            self.validate_constraints()

    @property
    def before_project_start(self) -> bool:
        """Kept, but never counted: it happened before the project started."""
        return self.output_date < self.project.start_date


def paper_key(doi: str, title: str) -> str:
    """The "same paper" rule of indicators.md as one comparable string: the canonical DOI
    (aspire/normalise.py: however it was written), else the trimmed, case-folded title."""
    if doi.strip():
        return "doi:" + normalise.doi(doi)
    return "title:" + " ".join(normalise.spaces(title).casefold().split())


class Paper(ReportOutput):
    report = models.ForeignKey(
        AnnualReport, models.CASCADE, related_name="papers", verbose_name=_("annual report")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="papers", verbose_name=_("project")
    )
    doi = DOIField(_("DOI"), max_length=200, blank=True)
    title = LineField(_("title"), max_length=1000)
    journal = LineField(_("journal"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"))
    international_coauthored = models.BooleanField(_("international co-authored"))
    authors = models.TextField(
        _("authors"), blank=True, max_length=100_000, validators=[MaxLengthValidator(100_000)]
    )
    affiliation_countries = models.CharField(
        _("countries of the affiliations"),
        max_length=300,
        blank=True,
        help_text=_("ISO country codes separated by commas, as found in the Crossref record."),
    )
    dedupe_key = models.CharField(max_length=1100, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["published_on", "title"]
        # The API's papers by date and its date filters walk this index, not 1.3M rows.
        indexes = [
            models.Index(fields=["published_on", "id"], name="paper_published_on"),
            # projects/figures.py recomputes one paper of every project by its key.
            models.Index(fields=["dedupe_key"], name="paper_dedupe_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "dedupe_key"],
                name="one_paper_per_project",
                violation_error_message=_("This paper is already reported for this project."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.dedupe_key = paper_key(self.doi, self.title)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.dedupe_key = paper_key(self.doi, self.title)
        super().clean()

    @property
    def output_date(self) -> datetime.date:
        return self.published_on


class Presentation(ReportOutput):
    report = models.ForeignKey(
        AnnualReport, models.CASCADE, related_name="presentations", verbose_name=_("annual report")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="presentations", verbose_name=_("project")
    )
    title = LineField(_("title"), max_length=1000)
    conference = LineField(_("conference"), max_length=300)
    country = CountryField(_("country"), blank=True)
    presented_on = models.DateField(_("presented on"))
    international = models.BooleanField(_("international"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        ordering = ["presented_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "title", "presented_on"],
                name="one_presentation_per_day",
                violation_error_message=_("This presentation is already reported."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def output_date(self) -> datetime.date:
        return self.presented_on


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    SYMPOSIUM = "symposium", _("Symposium")
    SEMINAR = "seminar", _("Seminar")
    LECTURE_TOUR = "lecture_tour", _("Lecture tour")
    OTHER = "other", _("Other")


class Event(ReportOutput):
    report = models.ForeignKey(
        AnnualReport, models.CASCADE, related_name="events", verbose_name=_("annual report")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="events", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = LineField(_("title"), max_length=500)
    held_on = models.DateField(_("held on"))
    country = CountryField(_("country"), blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["held_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "title", "held_on"],
                name="one_event_per_day",
                violation_error_message=_("This event is already reported."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def output_date(self) -> datetime.date:
        return self.held_on


class Direction(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch (abroad)")
    RECEIVE = "receive", _("Receive (from abroad)")


SHORT_STAY_DAYS = 7


class Exchange(ReportOutput):
    """A researcher sent abroad or received from abroad."""

    report = models.ForeignKey(
        AnnualReport, models.CASCADE, related_name="exchanges", verbose_name=_("annual report")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="exchanges", verbose_name=_("project")
    )
    person = NameField(_("person"), max_length=200)
    career_stage = models.CharField(_("career stage"), max_length=16, choices=CareerStage.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    country = CountryField(_("country"))
    institution = NameField(_("institution"), max_length=300, blank=True)
    institution_ror = RORField(
        _("institution's ROR id"),
        blank=True,
        db_default="",  # writers that COPY outputs (evaluations/synthetic.py) need not know it
        help_text=_("The institution in the Research Organization Registry, e.g. 057zh3y96."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    funded_by_program = models.BooleanField(_("funded by the program"))
    purpose = models.TextField(
        _("purpose"), blank=True, max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["start_date", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person", "direction", "start_date"],
                name="one_exchange_per_start",
                violation_error_message=_("This stay is already reported."),
            ),
            _ends_after_start("start_date", "end_date", "exchange_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.start_date}"

    def clean(self) -> None:
        _check_dates(self.start_date, self.end_date, "end_date")
        super().clean()

    @property
    def output_date(self) -> datetime.date:
        return self.start_date

    @property
    def stay_days(self) -> int | None:
        return (self.end_date - self.start_date).days + 1 if self.end_date else None


class Hub(Versioned):
    """A research hub abroad; it belongs to the project, not to a year's report."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="hubs", verbose_name=_("project")
    )
    name = NameField(_("name"), max_length=300)
    country = CountryField(_("country"))
    established_on = models.DateField(_("established on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    updated_at = updated_at_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="one_hub_per_name"),
            _ends_after_start("established_on", "closed_on", "hub_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from projects.reporting import check_item

        _check_dates(self.established_on, self.closed_on, "closed_on")
        if self.project_id and self.established_on:
            check_item(self)


class LabStatistic(ReportOutput):
    """Lab-wide activity in a fiscal year, the program's and any other."""

    report = models.OneToOneField(
        AnnualReport, models.CASCADE, related_name="lab_statistic", verbose_name=_("annual report")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="lab_statistics", verbose_name=_("project")
    )
    events_held = models.PositiveIntegerField(_("events held"))
    researchers_invited = models.PositiveIntegerField(_("researchers invited from abroad"))
    researchers_dispatched = models.PositiveIntegerField(_("researchers dispatched abroad"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lab-wide statistics")
        verbose_name_plural = _("lab-wide statistics")
        ordering = ["project", "report__fiscal_year"]

    def __str__(self) -> str:
        return str(self.report)


class SurveyTiming(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


SURVEY_ITEMS = ["networking", "communication", "expertise", "language", "leadership"]


def _survey_score(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Participant(models.Model):
    """A person of a project who is no account holder (a student, a postdoc), named once.

    Survey answers name a participant rather than typing a name, so that the before and
    after answers of one person pair up however the name was spelt: the key ignores white
    space and case (福田悠人 and 福田 悠人 are one participant, aspire/normalise.py).
    """

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="participants", verbose_name=_("project")
    )
    name = NameField(_("name"), max_length=200)
    key = models.CharField(max_length=200, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "key"],
                name="one_participant_per_name",
                violation_error_message=_("This person is already a participant of the project."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = normalise.person_key(self.name)
        super().save(*args, **kwargs)


def participant(project: Project, name: str) -> Participant:
    """The project's participant of that name, made if new (however the name is spelt)."""
    found, _created = Participant.objects.get_or_create(
        project=project, key=normalise.person_key(name), defaults={"name": name}
    )
    return found


class SurveyAnswer(Versioned):
    """A young researcher's self-assessment before or after their time abroad (1–5).

    It belongs to the project (data-exchange.md); `report` is the annual report it was
    recorded in, if any, which it is frozen with once handed in.
    """

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="survey_answers", verbose_name=_("project")
    )
    participant = models.ForeignKey(
        Participant,
        models.PROTECT,
        related_name="survey_answers",
        verbose_name=_("person"),
    )
    report = models.ForeignKey(
        AnnualReport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_answers",
        verbose_name=_("recorded in"),
    )
    timing = models.CharField(_("timing"), max_length=8, choices=SurveyTiming.choices)
    networking = _survey_score(_("networking"))
    communication = _survey_score(_("communication"))
    expertise = _survey_score(_("expertise"))
    language = _survey_score(_("language"))
    leadership = _survey_score(_("leadership"))
    updated_at = updated_at_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["project", "participant__name", "-timing"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "timing"],
                name="one_answer_per_timing",
                violation_error_message=_("This person already answered at this timing."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{item}__gte": 1, f"{item}__lte": 5}),
                    name=f"survey_{item}_1_to_5",
                )
                for item in SURVEY_ITEMS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.participant} ({self.get_timing_display()})"

    def clean(self) -> None:
        from projects.reporting import check_item

        if self.participant_id and self.participant.project_id != self.project_id:
            raise ValidationError({"participant": _("This person is of another project.")})
        check_item(self)


class ReportingPeriod(models.Model):
    """When a program's PIs report a fiscal year: from the opening to the due date."""

    program = models.ForeignKey(
        "programs.Program",
        models.CASCADE,
        related_name="reporting_periods",
        verbose_name=_("program"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["program", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "fiscal_year"], name="one_reporting_period_per_year"
            ),
            _ends_after_start("opens_on", "due_on", "reporting_period_due_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.program} FY{self.fiscal_year}"

    def clean(self) -> None:
        _check_dates(self.opens_on, self.due_on, "due_on")


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Before the due date")
    OVERDUE = "overdue", _("Overdue")
    BY_STAFF = "by_staff", _("Sent by staff")


class Reminder(models.Model):
    """A reminder e-mailed about a report. The unique constraint is what makes the
    daily job send each reminder at most once, even when two runs overlap."""

    report = models.ForeignKey(
        AnnualReport, models.CASCADE, related_name="reminders", verbose_name=_("annual report")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    days_to_due = models.IntegerField(_("days to the due date"))
    recipients = models.TextField(_("recipients"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Who sent a reminder by hand ("remind now"); the daily job's have none.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "sent_on"], name="one_reminder_per_report_kind_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.get_kind_display()} {self.sent_on}"


class ResearcherIds(models.Model):
    """Where a researcher's outputs already are: their researchmap permalink and ORCID iD,
    linked once and used by every report's "bring this fiscal year's outputs"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="researcher_ids",
        verbose_name=_("user"),
    )
    researchmap_id = models.CharField(_("researchmap ID"), max_length=100, blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True)

    class Meta:
        verbose_name = _("researcher IDs")
        verbose_name_plural = _("researcher IDs")

    def __str__(self) -> str:
        return str(self.user)


class DraftSource(models.TextChoices):
    RESEARCHMAP = "researchmap", "researchmap"
    ORCID = "orcid", "ORCID"
    BIBTEX = "bibtex", "BibTeX"
    RIS = "ris", "RIS"
    DOI = "doi", _("DOI list")
    PASTE = "paste", _("Pasted from a spreadsheet")


class DraftKind(models.TextChoices):
    PAPER = "paper", _("Paper")
    PRESENTATION = "presentation", _("Presentation")
    EVENT = "event", _("Event")


class DraftOutput(models.Model):
    """An output brought in from elsewhere, waiting for the PI to tick and confirm it.

    It is no row of the report yet: confirming turns it into a paper, presentation or
    event through projects.reporting.add_row, so every rule of a report applies to it then.
    """

    report = models.ForeignKey(
        AnnualReport, models.CASCADE, related_name="drafts", verbose_name=_("annual report")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DraftKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=DraftSource.choices)
    title = LineField(_("title"), max_length=1000, blank=True)
    doi = DOIField(_("DOI"), max_length=200, blank=True)
    venue = LineField(_("journal or conference"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    international = models.BooleanField(_("international"), default=False)
    country = CountryField(_("country"), blank=True)
    authors = models.TextField(
        _("authors"), blank=True, max_length=100_000, validators=[MaxLengthValidator(100_000)]
    )
    # An event's own (pasted from a spreadsheet): its kind and how many took part.
    event_kind = models.CharField(
        _("kind of event"), max_length=16, choices=EventKind.choices, blank=True
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    # Why it should not, or cannot yet, be confirmed: reported in another year, missing
    # what a row needs (a service could not be reached), refused when confirmed.
    problem = models.CharField(_("problem"), max_length=16, blank=True)  # projects/sources.py
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    duplicate = models.BooleanField(_("already reported"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("output to confirm")
        verbose_name_plural = _("outputs to confirm")
        ordering = ["kind", "date", "title"]

    def __str__(self) -> str:
        return self.title or self.doi or str(self.pk)


class NoticeKind(models.TextChoices):
    RETURNED = "returned", _("Report returned")
    ACCEPTED = "accepted", _("Report accepted")
    ADOPTED = "adopted", _("Proposal adopted")
    REJECTED = "rejected", _("Proposal not adopted")


class Notice(models.Model):
    """A mail told to a researcher at a step (a report returned or accepted, a proposal
    adopted or not): who, what, when, by whom, and whether it went out. Reminders have
    their own record (Reminder), which the daily job needs for "at most once"."""

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    report = models.ForeignKey(
        AnnualReport,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("annual report"),
    )
    proposal = models.ForeignKey(
        Proposal,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("proposal"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    comment = models.TextField(_("staff comment"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class FigureKind(models.TextChoices):
    """What an OutputFigure counts (projects/figures.py says which rows each takes)."""

    PRESENTATION = "presentation", _("International presentations")
    EVENT = "event", _("Events")
    EXCHANGE = "exchange", _("Program-funded exchanges")


class OutputFigure(models.Model):
    """How many rows of one kind one annual report holds with the same date and attributes:
    the stored counts the indicators read instead of the rows (issue 18).

    Kept by projects/figures.py in the transaction of every write; never edited. The
    report's status is copied here so that counted and uncounted years read apart, and
    the output's own date is kept to the day, so that every window of indicators.md (the
    project's start, any as-of date) stays exact. The project's program and start are
    copied too: a project's save refreshes its reports.
    """

    report = models.ForeignKey(
        AnnualReport, models.CASCADE, related_name="+", verbose_name=_("annual report")
    )
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="+", verbose_name=_("project")
    )
    # The project's program and start, copied so that the indicators read this table
    # alone (no walk through 50k proposals to find a program's projects).
    program = models.ForeignKey(
        "programs.Program", models.CASCADE, related_name="+", verbose_name=_("program")
    )
    project_start = models.DateField(_("project start"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=FigureKind.choices)
    # An event's kind, an exchange's direction; empty for presentations.
    label = models.CharField(_("label"), max_length=16, blank=True)
    # An exchange's traveller is young (calls.models.YOUNG_CAREER_STAGES).
    young = models.BooleanField(_("young"), default=False)
    day = models.DateField(_("date"))  # the output's own date (an exchange's start)
    end_day = models.DateField(_("end date"), null=True, blank=True)  # an exchange's end
    n = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("stored output count")
        verbose_name_plural = _("stored output counts")
        indexes = [
            models.Index(fields=["program", "kind"], name="outputfigure_program_kind"),
            models.Index(fields=["report"], name="outputfigure_report"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.day}: {self.n}"


class PaperFigure(models.Model):
    """One distinct international co-authored paper of a program (the "same paper" of
    indicators.md: one `dedupe_key`), with the dates from which it counts, over the
    counted rows of every project of the program that reports it.

    `counted_from`: its first row dated in its own project's window (g2.intl_coauthored_
    papers counts it from then); `before_from`: the earliest start of a project that
    reports it before its start; `after_from`: the earliest start of one that reports it
    on or after. Kept by projects/figures.py."""

    program = models.ForeignKey(
        "programs.Program", models.CASCADE, related_name="+", verbose_name=_("program")
    )
    dedupe_key = models.CharField(_("paper key"), max_length=1100)
    counted_from = models.DateField(_("counted from"), null=True)
    before_from = models.DateField(_("reported before a start from"), null=True)
    after_from = models.DateField(_("reported after a start from"), null=True)

    class Meta:
        verbose_name = _("stored paper dates")
        verbose_name_plural = _("stored paper dates")
        indexes = [models.Index(fields=["dedupe_key"], name="paperfigure_dedupe_key")]
        constraints = [
            models.UniqueConstraint(fields=["program", "dedupe_key"], name="one_paper_figure")
        ]

    def __str__(self) -> str:
        return self.dedupe_key
