"""Adoption: turning a proposal into a funded project."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Proposal, ProposalStatus
from programs.fiscal import fiscal_year
from projects.models import MemberRole, Project, ProjectBudget, ProjectMember


def default_start(today: datetime.date) -> datetime.date:
    """Projects start on the first day of the month after adoption unless staff say otherwise."""
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def planned_years(proposal: Proposal) -> int:
    support = proposal.call.support_type
    return proposal.requested_years or (support.max_years if support else None) or 1


@transaction.atomic
def adopt(proposal: Proposal, start_date: datetime.date | None = None) -> Project:
    """Adopt a proposal and create its project: once, however often it is asked."""
    # The row lock makes a second click wait until the first has created the project.
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    existing = Project.objects.filter(proposal=proposal).first()
    if existing:
        return existing
    mark_adopted(proposal)
    return _create_project(proposal, start_date or default_start(timezone.localdate()))


def adoption_refusal(proposal: Proposal) -> str | None:
    """Why a proposal cannot be adopted (the one rule of every door), or None."""
    if proposal.status == ProposalStatus.WITHDRAWN:
        return _("%(ref)s was withdrawn and cannot be adopted.") % {"ref": proposal}
    return None


def mark_adopted(proposal: Proposal) -> None:
    """The proposal of a project is adopted: by the adopt action, a project made in the
    admin or a projects import alike; a proposal that may not be, is refused."""
    if proposal.status == ProposalStatus.ADOPTED:
        return
    refusal = adoption_refusal(proposal)
    if refusal:
        raise ValidationError(refusal)
    proposal.status = ProposalStatus.ADOPTED
    proposal.save(update_fields=["status"])  # save(), not update(): history records who


def _create_project(proposal: Proposal, start: datetime.date) -> Project:
    end = _add_years(start, planned_years(proposal)) - datetime.timedelta(days=1)
    project = Project.objects.create(
        proposal=proposal, code=proposal.ref, title=proposal.title, start_date=start, end_date=end
    )
    if proposal.requested_annual_budget_yen is not None:
        ProjectBudget.objects.bulk_create(
            ProjectBudget(
                project=project, fiscal_year=year, amount_yen=proposal.requested_annual_budget_yen
            )
            for year in range(fiscal_year(start), fiscal_year(end) + 1)
        )
    pi_user = proposal.jp_pi.user
    if pi_user is not None:
        ProjectMember.objects.create(project=project, user=pi_user, role=MemberRole.PI)
    return project
