"""Who sees what: the object rules of accounts/rules.py, for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.rules import visible_projects, visible_proposals
from calls.models import Proposal
from projects.models import Project
from tests.factories import (
    MemberFactory,
    ProjectFactory,
    ProposalFactory,
    ReportFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two proposals, two projects, and one person of each role."""
    reviewer = UserFactory(roles=["reviewer"])
    assigned, other = ProposalFactory(), ProposalFactory()
    ReviewFactory(proposal=assigned, reviewer=reviewer)
    pi = UserFactory(roles=["pi"])
    member = UserFactory(roles=["pi"])
    own, foreign = ProjectFactory(), ProjectFactory()
    MemberFactory(project=own, user=pi, role="pi")
    MemberFactory(project=own, user=member, role="member")
    return {
        "reviewer": reviewer,
        "pi": pi,
        "member": member,
        "staff": UserFactory(roles=["staff"]),
        "committee": UserFactory(roles=["committee"]),
        "stranger": UserFactory(),
        "assigned": assigned,
        "other": other,
        "own": own,
        "foreign": foreign,
    }


def test_it_shows_a_reviewer_only_assigned_proposals(world):
    reviewer = world["reviewer"]
    assert reviewer.has_perm("calls.view_proposal", world["assigned"])
    assert not reviewer.has_perm("calls.view_proposal", world["other"])
    assert list(visible_proposals(reviewer, Proposal.objects.all())) == [world["assigned"]]


def test_it_shows_staff_every_proposal(world):
    user = world["staff"]
    assert user.has_perm("calls.view_proposal", world["other"])
    assert visible_proposals(user, Proposal.objects.all()).count() == Proposal.objects.count()


def test_it_shows_the_committee_only_adopted_proposals(world):
    """Issue 16: the committee is not handed the proposals that were not funded."""
    committee, other = world["committee"], world["other"]
    assert not committee.has_perm("calls.view_proposal", other)
    adopted = set(Proposal.objects.filter(status="adopted"))  # the projects' proposals
    assert set(visible_proposals(committee, Proposal.objects.all())) == adopted
    Proposal.objects.filter(pk=other.pk).update(status="adopted")
    other.refresh_from_db()
    assert committee.has_perm("calls.view_proposal", other)
    assert other in visible_proposals(committee, Proposal.objects.all())


@pytest.mark.parametrize("role", ["pi", "stranger"])
def test_it_hides_proposals_from_others(world, role):
    assert not world[role].has_perm("calls.view_proposal", world["assigned"])
    assert not visible_proposals(world[role], Proposal.objects.all()).exists()


def test_it_shows_a_pi_only_their_projects(world):
    pi = world["pi"]
    assert pi.has_perm("projects.view_project", world["own"])
    assert not pi.has_perm("projects.view_project", world["foreign"])
    assert list(visible_projects(pi, Project.objects.all())) == [world["own"]]


@pytest.mark.parametrize("role", ["reviewer", "stranger"])
def test_it_hides_projects_from_non_members(world, role):
    assert not world[role].has_perm("projects.view_project", world["own"])
    assert not visible_projects(world[role], Project.objects.all()).exists()


@pytest.mark.parametrize("role", ["staff", "committee"])
def test_it_shows_staff_and_committee_every_project(world, role):
    assert visible_projects(world[role], Project.objects.all()).count() == 2


def test_it_lets_members_edit_drafts_but_only_the_pi_submit(world):
    report = ReportFactory(project=world["own"], status="draft")
    pi, member = world["pi"], world["member"]
    assert pi.has_perm("projects.change_annualreport", report)
    assert member.has_perm("projects.change_annualreport", report)
    assert pi.has_perm("projects.submit_annualreport", report)
    assert not member.has_perm("projects.submit_annualreport", report)


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_it_freezes_submitted_and_accepted_reports(world, status):
    report = ReportFactory(project=world["own"], status=status)
    assert not world["pi"].has_perm("projects.change_annualreport", report)
    assert not world["pi"].has_perm("projects.submit_annualreport", report)


def test_it_reopens_returned_reports(world):
    report = ReportFactory(project=world["own"], status="returned")
    assert world["pi"].has_perm("projects.change_annualreport", report)


@pytest.mark.parametrize("role", ["committee", "staff"])
def test_it_lets_committee_and_staff_read_but_not_edit_reports(world, role):
    report = ReportFactory(project=world["own"], status="draft")
    assert world[role].has_perm("projects.view_annualreport", report)
    assert not world[role].has_perm("projects.change_annualreport", report)


@pytest.mark.parametrize("role", ["reviewer", "stranger"])
def test_it_hides_reports_from_strangers(world, role):
    report = ReportFactory(project=world["own"], status="draft")
    assert not world[role].has_perm("projects.view_annualreport", report)


def test_it_gives_anonymous_users_nothing(world):
    anonymous = AnonymousUser()
    assert not anonymous.has_perm("calls.view_proposal", world["assigned"])
    assert not anonymous.has_perm("projects.view_project", world["own"])
