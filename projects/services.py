"""Adoption: turning a proposal into a funded project.

A decision is a plan per proposal (`Plan`): the start date, the years and the budget a
fiscal year, checked against the call's support type; a proposal below the call's
adoptable score is adopted only with a reason, which the proposal's history keeps.
Projects run in whole fiscal years: they end on the 31 March with which their planned
duration ends, and have a budget row for every fiscal year they touch.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from calls import services as calls_services
from calls.models import Proposal, ProposalStatus
from programs import codes
from programs.fiscal import fiscal_year, fiscal_year_end, fiscal_year_start
from projects import notices
from projects.models import MemberRole, NoticeKind, Project, ProjectBudget, ProjectMember


@dataclasses.dataclass
class Plan:
    """What staff decide when adopting one proposal."""

    start_date: datetime.date
    years: int
    annual_budget_yen: int | None
    reason: str = ""  # needed below the call's adoptable score


def default_start(today: datetime.date) -> datetime.date:
    """Projects start with the next fiscal year unless staff say otherwise."""
    return fiscal_year_start(fiscal_year(today) + 1)


def project_end(start: datetime.date, years: int) -> datetime.date:
    """The 31 March on or after the last day of `years` years from `start`."""
    try:
        last = start.replace(year=start.year + years) - datetime.timedelta(days=1)
    except ValueError:  # 29 February into a common year
        last = start.replace(year=start.year + years, day=28) - datetime.timedelta(days=1)
    return fiscal_year_end(fiscal_year(last))


def planned_years(proposal: Proposal) -> int:
    support = proposal.call.support_type
    return proposal.requested_years or (support.max_years if support else None) or 1


def default_plan(proposal: Proposal, today: datetime.date | None = None) -> Plan:
    """The plan the decision page starts from: what the proposal asked for."""
    start = default_start(today or timezone.localdate())
    return Plan(start, planned_years(proposal), proposal.requested_annual_budget_yen)


def below_threshold(proposal: Proposal) -> bool:
    """Not adoptable by its final score (none at all counts as below): with_scores' rule."""
    scored = Proposal.objects.with_scores().filter(pk=proposal.pk)
    return not scored.values_list("adoptable", flat=True).first()


def plan_errors(proposal: Proposal, plan: Plan) -> dict[str, str]:
    """What is wrong with a plan, by field: the support type's ranges, the reason."""
    errors = {}
    support = proposal.call.support_type
    if plan.years < 1:
        errors["years"] = _("A project runs at least one year.")
    elif support and not _within(plan.years, support.min_years, support.max_years):
        errors["years"] = _("The support type “%(type)s” allows %(low)s to %(high)s years.") % {
            "type": support,
            "low": support.min_years or 1,
            "high": support.max_years or "∞",
        }
    budget = plan.annual_budget_yen
    if budget is not None and budget < 0:
        errors["annual_budget_yen"] = _("A budget cannot be negative.")
    elif support and budget is not None:
        low, high = support.min_annual_budget_yen, support.max_annual_budget_yen
        if not _within(budget, low, high):
            errors["annual_budget_yen"] = _(
                "The support type “%(type)s” allows %(low)s to %(high)s yen a year."
            ) % {"type": support, "low": f"{low or 0:,}", "high": f"{high:,}" if high else "∞"}
    if below_threshold(proposal) and not plan.reason.strip():
        errors["reason"] = _(
            "This proposal is below the call's adoptable score: say why it is adopted."
        )
    return errors


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


@transaction.atomic
def adopt(proposal: Proposal, plan: Plan | None = None, by=None) -> Project:
    """Adopt a proposal and create its project: once, however often it is asked. The PI
    is told (projects/notices.py), in their language, once the decision commits."""
    # The row lock makes a second click wait until the first has created the project.
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    existing = Project.objects.filter(proposal=proposal).first()
    if existing:
        return existing
    plan = plan or default_plan(proposal)
    errors = plan_errors(proposal, plan)
    if errors:
        raise ValidationError(errors)
    codes.refuse_taken(Project, proposal.ref)  # the project's code: no other's, now or before
    mark_adopted(proposal, reason=plan.reason)
    project = _create_project(proposal, plan)
    notices.proposal_decided(proposal, NoticeKind.ADOPTED, by)
    return project


@transaction.atomic
def reject(proposals, by=None) -> int:
    """Reject proposals still under consideration (calls.services.reject) and tell each PI."""
    chosen = list(
        proposals.select_for_update(of=("self",))
        .filter(status__in=calls_services.REJECTABLE)
        .select_related("jp_pi__user")
    )
    count = calls_services.reject(Proposal.objects.filter(pk__in=[p.pk for p in chosen]))
    for proposal in chosen:
        notices.proposal_decided(proposal, NoticeKind.REJECTED, by)
    return count


def adoption_refusal(proposal: Proposal) -> str | None:
    """Why a proposal cannot be adopted (the one rule of every door), or None."""
    if proposal.status == ProposalStatus.WITHDRAWN:
        return _("%(ref)s was withdrawn and cannot be adopted.") % {"ref": proposal}
    return None


def mark_adopted(proposal: Proposal, reason: str = "") -> None:
    """The proposal of a project is adopted: by the adopt action, a project made in the
    admin or a projects import alike; a proposal that may not be, is refused."""
    if proposal.status == ProposalStatus.ADOPTED:
        return
    refusal = adoption_refusal(proposal)
    if refusal:
        raise ValidationError(refusal)
    calls_services.decide(proposal, ProposalStatus.ADOPTED)  # dated today
    if reason.strip():
        proposal._change_reason = reason.strip()[:100]  # the history says why
    # save(), not update(): history records who
    proposal.save(update_fields=["status", "decided_on", "updated_at"])


def _create_project(proposal: Proposal, plan: Plan) -> Project:
    start, end = plan.start_date, project_end(plan.start_date, plan.years)
    years = range(fiscal_year(start), fiscal_year(end) + 1)
    annual = plan.annual_budget_yen
    project = Project.objects.create(
        proposal=proposal,
        code=proposal.ref,
        title=proposal.title,
        start_date=start,
        end_date=end,
        awarded_annual_yen=annual,
        awarded_total_yen=None if annual is None else annual * len(years),
    )
    if annual is not None:
        budgets = [
            ProjectBudget(project=project, fiscal_year=year, amount_yen=annual) for year in years
        ]
        bulk_create_with_history(budgets, ProjectBudget)  # budgets keep their history
    pi_user = proposal.jp_pi.user
    if pi_user is not None:
        ProjectMember.objects.create(project=project, user=pi_user, role=MemberRole.PI)
    return project
