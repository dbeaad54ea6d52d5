"""What each group may do in the staff admin, kept in step after every migrate.

Object-level rules (whose report, which proposal) are in accounts/rules.py; these are the
model permissions the admin checks: staff manage everything of the program data and read
the audit log and the import jobs, the committee reads the program data (never reviews,
reviewers or conflicts of interest).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.models import Role

# API keys are the machinery of superusers (issue 13: out of officers' sight).
STAFF_APPS = ["programs", "calls", "projects", "evaluations"]
# Read only: nobody writes the audit log or an import job (exchange) by hand.
STAFF_READS = ["audit", "exchange"]
COMMITTEE_APPS = ["programs", "calls", "projects", "evaluations"]
CONFIDENTIAL = ["review", "conflictofinterest", "historicalreview"]


def grant_role_permissions(**kwargs) -> None:
    """Give the staff and committee groups their permissions (a post_migrate handler)."""
    staff, _created = Group.objects.get_or_create(name=Role.STAFF)
    # set(), not add(): a permission taken from the group (the API's) goes on every migrate.
    managed = Permission.objects.filter(content_type__app_label__in=STAFF_APPS)
    read = Permission.objects.filter(
        content_type__app_label__in=STAFF_READS, codename__startswith="view_"
    )
    # Officers manage reviewers' and PIs' accounts (accounts/admin.py narrows which), never
    # delete them: a reviewer's reviews and history keep their name.
    accounts = Permission.objects.filter(
        content_type__app_label="accounts",
        content_type__model="user",
        codename__in=["view_user", "add_user", "change_user"],
    )
    staff.permissions.set([*managed, *read, *accounts])
    for role in (Role.REVIEWER, Role.PI):
        Group.objects.get_or_create(name=role)
    committee, _created = Group.objects.get_or_create(name=Role.COMMITTEE)
    readable = Permission.objects.filter(
        Q(content_type__app_label__in=COMMITTEE_APPS) & Q(codename__startswith="view_")
    ).exclude(content_type__model__in=CONFIDENTIAL)
    committee.permissions.add(*readable)
