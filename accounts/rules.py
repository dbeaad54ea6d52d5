"""Who may do what: every object permission of Aspire, written once.

Views, the admin and the API ask `user.has_perm("calls.view_proposal", proposal)`; lists
use the `visible_*` querysets below, which say the same thing in SQL.
"""

import rules
from django.db.models import Q, QuerySet

from accounts.models import Role

# calls.models.ProposalStatus.ADOPTED, spelt out: accounts imports no other app.
ADOPTED = "adopted"


def _in_group(role: str):
    @rules.predicate(name=f"is_{role}")
    def predicate(user) -> bool:
        return user.is_authenticated and user.has_role(role)

    return predicate


is_staff_member = rules.is_superuser | _in_group(Role.STAFF)
is_reviewer = _in_group(Role.REVIEWER)
is_pi = _in_group(Role.PI)
is_committee = _in_group(Role.COMMITTEE)


@rules.predicate
def is_api_client(user) -> bool:
    """A program pulling data with an API key: it reads what is not confidential."""
    return getattr(user, "is_api_client", False)


reads_everything = is_staff_member | is_committee | is_api_client
# The evaluation's figures (the dashboard, the indicators endpoint): not PIs or reviewers.
reads_figures = is_staff_member | is_committee | is_api_client


@rules.predicate
def holds_admin_permissions(user) -> bool:
    """Someone let into the admin with model permissions of their own, outside the groups."""
    return user.is_authenticated and user.is_staff and user.user_permissions.exists()


# Who must prove a second factor (a TOTP app, or a recovery code) after the password before
# reaching any page: those who read or change everything. PIs and reviewers need not.
needs_second_factor = is_staff_member | is_committee | holds_admin_permissions


@rules.predicate
def is_assigned_reviewer(user, proposal) -> bool:
    return (
        user.is_authenticated
        and proposal is not None
        and proposal.reviews.filter(reviewer=user).exists()
    )


@rules.predicate
def is_adopted_proposal(user, proposal) -> bool:
    return proposal is not None and proposal.status == ADOPTED


@rules.predicate
def is_project_member(user, project) -> bool:
    return (
        user.is_authenticated
        and project is not None
        and project.memberships.filter(user=user).exists()
    )


@rules.predicate
def is_project_pi(user, project) -> bool:
    return (
        user.is_authenticated
        and project is not None
        and project.memberships.filter(user=user, role="pi").exists()
    )


@rules.predicate
def is_report_member(user, report) -> bool:
    return report is not None and is_project_member(user, report.project)


@rules.predicate
def is_report_pi(user, report) -> bool:
    return report is not None and is_project_pi(user, report.project)


@rules.predicate
def is_editable_report(user, report) -> bool:
    return report is not None and report.status in ("draft", "returned")


@rules.predicate
def holds_seat(user, evaluation) -> bool:
    """A member of this evaluation's committee (their seat is linked to their account)."""
    return (
        user.is_authenticated
        and evaluation is not None
        and evaluation.members.filter(user=user).exists()
    )


@rules.predicate
def chairs(user, evaluation) -> bool:
    """The chair of this evaluation's committee: who signs, and so finalises, the report."""
    return (
        user.is_authenticated
        and evaluation is not None
        and evaluation.members.filter(user=user, role="chair").exists()
    )


@rules.predicate
def is_open_evaluation(user, evaluation) -> bool:
    return evaluation is not None and evaluation.finalised_at is None


# The permissions of proposals and reviews, by review phase, are in calls/rules.py.
rules.add_perm("projects.view_project", is_staff_member | is_committee | is_project_member)
rules.add_perm("projects.change_projectmember", is_project_pi)
rules.add_perm("projects.view_annualreport", is_staff_member | is_committee | is_report_member)
rules.add_perm("projects.change_annualreport", is_report_member & is_editable_report)
rules.add_perm("projects.submit_annualreport", is_report_pi & is_editable_report)
rules.add_perm("projects.review_annualreport", is_staff_member)
rules.add_perm("evaluations.view_evaluation", is_staff_member | is_committee)
rules.add_perm("evaluations.change_evaluation", (is_staff_member | holds_seat) & is_open_evaluation)
rules.add_perm("evaluations.add_opinion", holds_seat & is_open_evaluation)
# The chair signs the report: only the chair finalises it (staff reopen, with a reason).
rules.add_perm("evaluations.finalise_evaluation", chairs & is_open_evaluation)
rules.add_perm("evaluations.order_opinions", (is_staff_member | chairs) & is_open_evaluation)


def withholds_unfunded(user) -> bool:
    """The committee judges the program by what it funded: the titles and PIs of the
    proposals it did not fund (any status but adopted) are withheld from them at every
    door (issue 16). Not from staff (even those on the committee too), nor API keys."""
    return is_committee(user) and not (is_staff_member(user) or is_api_client(user))


def visible_proposals(user, proposals: QuerySet) -> QuerySet:
    """Staff and API clients see every proposal, the committee the adopted ones, a
    reviewer those assigned."""
    if is_staff_member(user) or is_api_client(user):
        return proposals
    if is_committee(user):
        return proposals.filter(status=ADOPTED)
    if not user.is_authenticated:
        return proposals.none()
    return proposals.filter(reviews__reviewer=user)


def without_unfunded(user, rows: QuerySet, path: str) -> QuerySet:
    """Rows that name a proposal through `path` (a document, a review, a notice): what
    visible_proposals leaves, for the committee; rows naming no proposal stay."""
    if not withholds_unfunded(user):
        return rows
    return rows.filter(Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__status": ADOPTED}))


def visible_researchers(user, researchers: QuerySet) -> QuerySet:
    """A researcher who is a PI of unfunded proposals only is a name the committee must
    not be handed (a list, an autocomplete); a PI of an adopted proposal stays."""
    if not withholds_unfunded(user):
        return researchers
    proposals = researchers.model._meta.get_field("jp_proposals").related_model.objects
    unfunded, funded = proposals.exclude(status=ADOPTED), proposals.filter(status=ADOPTED)
    return researchers.exclude(_pi_of(unfunded) & ~_pi_of(funded))


def _pi_of(proposals: QuerySet) -> Q:
    # Without NULLs: NOT IN over a list holding NULL would exclude every row.
    jp = proposals.values("jp_pi")
    partner = proposals.filter(partner_pi__isnull=False).values("partner_pi")
    return Q(pk__in=jp) | Q(pk__in=partner)


def sees_unfunded_names(user) -> bool:
    """The PIs of unfunded proposals: staff only, whatever the program says."""
    return is_staff_member(user)


def sees_unfunded_titles(user, program) -> bool:
    """Titles of unfunded adoptable proposals: staff, and the committee where the
    program says so (Program.shows_unfunded_titles; otherwise how many only)."""
    return is_staff_member(user) or program.shows_unfunded_titles


def sees_proposal_title(user, proposal, program) -> bool:
    """One proposal's row in the committee's pages (a drill-down): adopted ones always;
    unfunded ones only as the program's disclosure says, and only the adoptable ones
    it speaks of (`adoptable`, annotated by with_scores)."""
    if not withholds_unfunded(user) or proposal.status == ADOPTED:
        return True
    return sees_unfunded_titles(user, program) and bool(getattr(proposal, "adoptable", False))


def visible_projects(user, projects: QuerySet) -> QuerySet:
    """Staff, the committee and API clients see every project, anyone else only their own."""
    if reads_everything(user):
        return projects
    if not user.is_authenticated:
        return projects.none()
    return projects.filter(memberships__user=user)


def visible_reports(user, reports: QuerySet) -> QuerySet:
    """Annual reports (or outputs, through `report`): members see their drafts too; the
    committee and API clients only what was handed in; staff everything."""
    prefix = "" if reports.model.__name__ == "AnnualReport" else "report__"
    if is_staff_member(user):
        return reports
    handed_in = Q(**{f"{prefix}status__in": ["submitted", "accepted"]})
    if reads_everything(user):
        return reports.filter(handed_in)
    if not user.is_authenticated:
        return reports.none()
    return reports.filter(**{f"{prefix}project__memberships__user": user})


# The way from each model the API serves to its program, for keys scoped to programs.
# Labels, not models: accounts imports from no other app.
_OUTPUT = "project__proposal__call__program"
PROGRAM_OF = {
    "programs.program": "pk",
    "calls.call": "program",
    "calls.proposal": "call__program",
    "projects.project": "proposal__call__program",
    "projects.annualreport": _OUTPUT,
    "projects.paper": _OUTPUT,
    "projects.presentation": _OUTPUT,
    "projects.event": _OUTPUT,
    "projects.exchange": _OUTPUT,
    "projects.hub": _OUTPUT,
    "projects.labstatistic": _OUTPUT,
    "projects.projectbudget": _OUTPUT,
    "projects.surveyanswer": _OUTPUT,
    "calls.review": "proposal__call__program",
    "evaluations.target": "program",
    "evaluations.evaluation": "program",
}
# Shared by every program, owned by none: read by every key, written by unscoped keys only.
SHARED_DATA = {"programs.fundingagency"}


def within_scope(user, queryset: QuerySet) -> QuerySet:
    """What a caller scoped to programs (an API key made for some programs) may read of
    `queryset`: those programs' rows. Everyone else is not narrowed here. A model without
    a known way to its program gives a scoped caller nothing: a new endpoint fails closed."""
    programs = getattr(user, "program_ids", None)
    label = queryset.model._meta.label_lower
    if programs is None or label in SHARED_DATA:
        return queryset
    path = PROGRAM_OF.get(label)
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": programs})


def is_scoped(user) -> bool:
    return getattr(user, "program_ids", None) is not None
