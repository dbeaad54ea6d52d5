"""factory_boy factories for every model the tests build."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from calls.models import Call, CallKind, ConflictOfInterest, Proposal, Researcher, Review
from evaluations.models import Target
from exchange.models import ImportJob
from programs.models import FundingAgency, Program, SupportType
from projects.models import (
    AnnualReport,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    MemberRole,
    Paper,
    Presentation,
    Project,
    ProjectMember,
    ReportStatus,
    SurveyAnswer,
    participant,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("secret-password")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            # get_or_create: a transactional test's flush also empties the groups that
            # accounts' data migration made.
            self.groups.add(Group.objects.get_or_create(name=role)[0])


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingAgency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"FA{n}")
    name = factory.Sequence(lambda n: f"Funding Agency {n}")
    country = "US"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"PRG{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    managing_agency = factory.SubFactory(AgencyFactory, code="AMED", country="JP")


class SupportTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportType

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    name = "Large"
    max_annual_budget_yen = 100_000_000
    min_years = 1
    max_years = 5


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"CALL{n}")
    kind = CallKind.JOINT
    title = factory.Sequence(lambda n: f"Call {n}")
    open_date = datetime.date(2023, 5, 1)
    close_date = datetime.date(2023, 7, 31)

    @factory.post_generation
    def partner_agencies(self, create, extracted, **kwargs):
        if extracted:
            self.partner_agencies.set(extracted)


class ResearcherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Researcher

    name = factory.Sequence(lambda n: f"Researcher {n}")
    institution = factory.Sequence(lambda n: f"University {n}")
    country = "JP"
    h_index = 30


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    call = factory.SubFactory(CallFactory)
    ref = factory.Sequence(lambda n: f"P{n:05d}")
    title = factory.Sequence(lambda n: f"Proposal {n}")
    jp_pi = factory.SubFactory(ResearcherFactory)
    partner_pi = factory.SubFactory(ResearcherFactory, country="US")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    proposal = factory.SubFactory(ProposalFactory)
    reviewer = factory.SubFactory(UserFactory, roles=["reviewer"])
    score = Decimal(7)


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictOfInterest

    proposal = factory.SubFactory(ProposalFactory)
    reviewer = factory.SubFactory(UserFactory, roles=["reviewer"])


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    proposal = factory.SubFactory(ProposalFactory, status="adopted")
    code = factory.Sequence(lambda n: f"PJ{n:04d}")
    title = factory.SelfAttribute("proposal.title")
    start_date = datetime.date(2024, 1, 1)
    end_date = datetime.date(2028, 12, 31)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory, roles=["pi"])
    role = MemberRole.PI


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReport

    project = factory.SubFactory(ProjectFactory)
    fiscal_year = 2024
    status = ReportStatus.ACCEPTED


class _OutputFactory(factory.django.DjangoModelFactory):
    report = factory.SubFactory(ReportFactory)
    project = factory.SelfAttribute("report.project")


class PaperFactory(_OutputFactory):
    class Meta:
        model = Paper

    doi = factory.Sequence(lambda n: f"10.1234/paper.{n}")
    title = factory.Sequence(lambda n: f"Paper {n}")
    journal = "Nature"
    published_on = datetime.date(2024, 6, 1)
    international_coauthored = True


class PresentationFactory(_OutputFactory):
    class Meta:
        model = Presentation

    title = factory.Sequence(lambda n: f"Talk {n}")
    conference = "ISMB"
    country = "US"
    presented_on = datetime.date(2024, 7, 1)
    international = True


class EventFactory(_OutputFactory):
    class Meta:
        model = Event

    kind = "workshop"
    title = factory.Sequence(lambda n: f"Workshop {n}")
    held_on = datetime.date(2024, 9, 1)
    country = "JP"
    participants = 40


class ExchangeFactory(_OutputFactory):
    class Meta:
        model = Exchange

    person = factory.Sequence(lambda n: f"Traveller {n}")
    career_stage = "postdoc"
    direction = "dispatch"
    country = "US"
    institution = "Harvard University"
    start_date = datetime.date(2024, 8, 1)
    end_date = datetime.date(2024, 8, 20)
    funded_by_program = True
    purpose = "Joint experiments"


class LabStatisticFactory(_OutputFactory):
    class Meta:
        model = LabStatistic

    events_held = 3
    researchers_invited = 2
    researchers_dispatched = 4


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Hub {n}")
    country = "US"
    established_on = datetime.date(2024, 4, 1)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyAnswer

    class Params:
        person = factory.Sequence(lambda n: f"Young {n}")

    project = factory.SubFactory(ProjectFactory)
    participant = factory.LazyAttribute(lambda answer: participant(answer.project, answer.person))
    timing = "before"
    networking = 2
    communication = 2
    expertise = 3
    language = 2
    leadership = 2


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    program = factory.SubFactory(ProgramFactory)
    indicator = "g2.intl_coauthored_papers"
    fiscal_year = 2027
    value = Decimal(20)


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A staff import that is done: 3 agencies created."""

    class Meta:
        model = ImportJob

    kind = "agencies"
    filename = factory.Sequence(lambda n: f"agencies-{n}.csv")
    content = b""
    requested_by = factory.SubFactory(UserFactory, roles=["staff"], is_staff=True)
    status = "done"
    finished_at = factory.LazyFunction(timezone.now)
    result = factory.LazyFunction(
        lambda: (
            {"created": 3, "updated": 0, "unchanged": 0, "rows": 3, "dry_run": False}
            | {"errors": [], "error_count": 0}
        )
    )


def complete_report(report: AnnualReport) -> AnnualReport:
    """What a report must hold to be submitted (projects.reporting.submission_refusal):
    the lab-wide statistics and the buy-out answer."""
    from projects.models import LabStatistic

    LabStatistic.objects.get_or_create(
        report=report,
        defaults={"events_held": 1, "researchers_invited": 0, "researchers_dispatched": 0},
    )
    AnnualReport.objects.filter(pk=report.pk).update(buyout_used=True)
    report.refresh_from_db()
    return report
