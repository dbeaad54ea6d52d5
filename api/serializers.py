"""What the API shows of each record: never reviews, reviewers or contact data."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.rules import within_scope
from aspire.fields import CODE_PATTERN
from calls.models import Call, Proposal, Review
from evaluations.models import CommitteeMember, Evaluation, Target
from programs import codes
from programs.models import FundingAgency, Program, SupportType
from projects.models import (
    AnnualReport,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    Paper,
    Presentation,
    Project,
    ProjectBudget,
    SurveyAnswer,
)

CODE_HELP = (
    "Letters A-Z/a-z, digits, '.', '_' and '-', starting with a letter or digit, at most 40; "
    "unique ignoring case; it never changes through the API."
)
# The API takes a DOI as it gives one, in canonical form (pages and files also take
# `https://doi.org/…` and `doi:`): the schema can then say which text is a DOI.
DOI_PATTERN = r"^10\.[0-9]{4,9}/[!-~]+$"
DOI_HELP = "A DOI without resolver or `doi:`, such as 10.1038/s41586-020-2649-2; empty if none."


class Text(serializers.CharField):
    """Text as JSON sends it: a number or a boolean is refused, not turned into "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Writable(serializers.ModelSerializer):
    """A serializer that writes: the model's text fields take only text."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: Text,
        models.TextField: Text,
    }


class Country(CountryField):
    """An ISO 3166 code (or a country's name); anything but text is refused: django-countries
    reads `{}` as no country at all, and an agency would be saved without one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class DOI(Text, serializers.RegexField):
    """A DOI as text (Text: a number is refused), in canonical form (DOI_PATTERN)."""

    def __init__(self, **kwargs):
        kwargs |= {"max_length": 200, "allow_blank": True, "help_text": DOI_HELP}
        super().__init__(DOI_PATTERN, **kwargs)


class StableCode(serializers.RegexField):
    """A record's code: validated on creation, refused when a write would change it."""

    def __init__(self, **kwargs):
        super().__init__(CODE_PATTERN, max_length=40, help_text=CODE_HELP, **kwargs)


class AgencySerializer(Writable):
    """A funding agency: its code, names in English and Japanese, and country."""

    country = Country()
    code = StableCode()

    class Meta:
        model = FundingAgency
        fields = ["code", "name", "name_ja", "country", "updated_at"]

    def validate_code(self, code: str) -> str:
        # The rule of every door (a code another agency has or had): a 409 when taken.
        try:
            codes.refuse_taken(FundingAgency, code)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["code"], code="unique") from None
        return code


class AgencyUpdateSerializer(AgencySerializer):
    """An agency as PUT and PATCH write it: every field but the code, which the address
    names. A body may repeat the code (a record read and sent back); another is refused."""

    code = serializers.CharField(read_only=True)

    def validate(self, attrs: dict) -> dict:
        sent = self.initial_data.get("code", self.instance.code)
        if sent != self.instance.code:
            raise serializers.ValidationError(
                {"code": [_("A code never changes through the API; staff rename it in the admin.")]}
            )
        return attrs


class SupportTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportType
        fields = [
            "code",
            "name",
            "name_ja",
            "min_annual_budget_yen",
            "max_annual_budget_yen",
            "min_years",
            "max_years",
            "note",
        ]


class ProgramSerializer(serializers.ModelSerializer):
    managing_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    support_types = SupportTypeSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = ["code", "name", "name_ja", "managing_agency", "budget_yen", "description"]
        fields += ["support_types", "updated_at"]


class CallSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="code", read_only=True)
    support_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    partner_agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Call
        fields = ["code", "program", "support_type", "kind", "title", "open_date", "close_date"]
        fields += ["adoptable_score", "partner_agencies", "status", "updated_at"]


class ResearcherField(serializers.Serializer):
    """A PI as research knows them: name, institution, country, ORCID, e-Rad number; no contact."""

    name = serializers.CharField()
    institution = serializers.CharField()
    country = Country()
    orcid = serializers.CharField(help_text="ORCID iD, e.g. 0000-0002-1825-0097; empty if unknown.")
    erad_number = serializers.CharField(
        help_text="e-Rad researcher number (8 digits); empty if unknown."
    )
    ror = serializers.CharField(
        source="institution_ror",
        help_text="The institution's ROR id (ror.org), such as 057zh3y96; empty if unknown.",
    )


class ProposalSerializer(serializers.ModelSerializer):
    call = serializers.SlugRelatedField(slug_field="code", read_only=True)
    jp_pi = ResearcherField(read_only=True)
    partner_pi = ResearcherField(read_only=True, allow_null=True)
    final_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = Proposal
        fields = ["ref", "call", "title", "status", "jp_pi", "partner_pi", "final_score"]
        fields += ["requested_annual_budget_yen", "requested_years", "decided_on", "updated_at"]
        extra_kwargs = {
            "decided_on": {"help_text": "When it was adopted or rejected; null until it is."}
        }


class ProjectSerializer(serializers.ModelSerializer):
    proposal = serializers.SlugRelatedField(slug_field="ref", read_only=True)
    program = serializers.CharField(source="proposal.call.program.code", read_only=True)

    class Meta:
        model = Project
        fields = ["code", "title", "proposal", "program", "start_date", "end_date"]
        fields += ["awarded_annual_yen", "awarded_total_yen", "updated_at"]
        extra_kwargs = {
            "awarded_annual_yen": {"help_text": "The budget a fiscal year awarded at adoption."},
            "awarded_total_yen": {
                "help_text": "The budget awarded at adoption over all the project's fiscal "
                "years; /budgets/ has each year's, as revised since."
            },
        }


class ReportSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AnnualReport
        fields = ["id", "project", "fiscal_year", "status", "nothing_to_report", "buyout_used"]
        fields += ["travel_trips", "travel_cost_yen", "submitted_at", "updated_at"]


class _OutputSerializer(Writable):
    """An output of a project's annual report of a fiscal year."""

    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    fiscal_year = serializers.IntegerField(source="report.fiscal_year", read_only=True)


class _DatedOutputSerializer(_OutputSerializer):
    """An output with a date, flagged when it is before its project's start: outside the
    project window of indicators.md (a paper of the year before the grant is not its own)."""

    dated: str  # the output's date field
    before_project = serializers.SerializerMethodField(
        help_text="Whether the output is dated before its project started."
    )

    def get_before_project(self, row) -> bool:
        annotated = getattr(row, "before_project", None)  # lists annotate it (api/views.py)
        return (
            annotated
            if annotated is not None
            else getattr(row, self.dated) < row.project.start_date
        )


def output_write_serializer(read: type[_OutputSerializer]) -> type[_OutputSerializer]:
    """An output as another system creates it: in the report of its project (by code,
    one of the caller's) and fiscal year, which must exist. An edit keeps both."""

    class Write(read):
        project = CodeField(slug_field="code", queryset=Project.objects.order_by("pk"))
        fiscal_year = serializers.IntegerField(min_value=1900, max_value=2999)

        class Meta(read.Meta):
            pass

        def validate(self, attrs: dict) -> dict:
            project, year = attrs.pop("project"), attrs.pop("fiscal_year")
            report = AnnualReport.objects.filter(project=project, fiscal_year=year).first()
            if report is None:
                message = _("The project %(project)s has no report of fiscal year %(year)s.")
                # No such report: a 404 naming the field, as for a project not there.
                raise serializers.ValidationError(
                    {"fiscal_year": [message % {"project": project.code, "year": year}]},
                    code="does_not_exist",
                )
            report.project = project  # the one just read by its code: not read again
            return attrs | {"report": report}

    Write.__name__ = read.__name__.replace("Serializer", "WriteSerializer")
    Write.__qualname__ = Write.__name__
    return Write


class PaperSerializer(_DatedOutputSerializer):
    dated = "published_on"
    doi = DOI(required=False)

    class Meta:
        model = Paper
        fields = ["id", "project", "fiscal_year", "doi", "title", "journal", "published_on"]
        fields += ["international_coauthored", "authors", "before_project", "updated_at"]


class PresentationSerializer(_DatedOutputSerializer):
    dated = "presented_on"
    country = Country()

    class Meta:
        model = Presentation
        fields = ["id", "project", "fiscal_year", "title", "conference", "country"]
        fields += ["presented_on", "international", "before_project", "updated_at"]


class EventSerializer(_DatedOutputSerializer):
    dated = "held_on"
    country = Country()

    class Meta:
        model = Event
        fields = ["id", "project", "fiscal_year", "kind", "title", "held_on", "country"]
        fields += ["participants", "before_project", "updated_at"]


class ExchangeSerializer(_DatedOutputSerializer):
    """A stay abroad; the traveller is not named (a person is personal data)."""

    dated = "start_date"
    country = Country()

    class Meta:
        model = Exchange
        fields = ["id", "project", "fiscal_year", "direction", "career_stage", "country"]
        fields += ["institution", "institution_ror", "start_date", "end_date"]
        fields += ["funded_by_program", "purpose"]
        fields += ["before_project", "updated_at"]


class HubSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    country = Country()

    class Meta:
        model = Hub
        fields = ["id", "project", "name", "country", "established_on", "closed_on", "updated_at"]


@extend_schema_field({"type": "string", "pattern": CODE_PATTERN})
class CodeField(serializers.SlugRelatedField):
    """A record named by its code, among those the caller may read: a key scoped to
    programs cannot name another program's. A NUL character is an invalid code, not a
    server error: PostgreSQL cannot compare text that contains one."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        return within_scope(request.user, queryset) if request else queryset


@extend_schema_field(
    {
        "type": "number",
        "minimum": 0,
        "maximum": 10**10,
        "exclusiveMaximum": True,
        "multipleOf": 0.01,
    }
)
class Amount(serializers.DecimalField):
    """A number of at most two decimals (what a target stores), documented as such."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=0, **kwargs)


class TargetSerializer(Writable):
    """A program's target for an indicator in a fiscal year."""

    program = CodeField(slug_field="code", queryset=Program.objects.all())
    value = Amount()

    class Meta:
        model = Target
        fields = ["id", "program", "indicator", "fiscal_year", "value", "updated_at"]


class CommitteeMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeMember
        fields = ["name", "affiliation", "role"]


class EvaluationSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="code", read_only=True)
    members = CommitteeMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "program", "kind", "as_of", "held_on", "overall_grade"]
        fields += ["overall_comment", "finalised_at", "members", "snapshot", "updated_at"]


class LabStatisticSerializer(_OutputSerializer):
    class Meta:
        model = LabStatistic
        fields = ["id", "project", "fiscal_year", "events_held", "researchers_invited"]
        fields += ["researchers_dispatched", "updated_at"]


class BudgetSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProjectBudget
        fields = ["id", "project", "fiscal_year", "amount_yen", "updated_at"]


class SurveyAnswerSerializer(serializers.ModelSerializer):
    """One person's answers: personal, so for staff only (api.views.StaffOnly)."""

    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    person = serializers.CharField(source="participant.name", read_only=True)

    class Meta:
        model = SurveyAnswer
        fields = ["id", "project", "person", "timing", "networking", "communication"]
        fields += ["expertise", "language", "leadership", "updated_at"]


class ReviewSerializer(serializers.ModelSerializer):
    """A review with its reviewer: confidential, so for staff only (api.views.StaffOnly)."""

    proposal = serializers.SlugRelatedField(slug_field="ref", read_only=True)
    reviewer = serializers.CharField(source="reviewer.email", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "proposal", "reviewer", "score", "comment", "updated_at"]
