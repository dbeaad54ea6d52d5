"""Telling researchers at every step: a report returned (with the staff comment) or
accepted, a proposal adopted or not. Each notice is a Notice row (who, what, when, by
whom, sent or not), made in the transaction of the step and mailed once it commits, in
the recipient's language; staff see them in the admin, the PI on the report page.

Reminders have their own record (projects/reminders.py); `remind_now` is there too.
"""

import logging
import smtplib

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from calls.models import Proposal
from projects.models import AnnualReport, MemberRole, Notice, NoticeKind

logger = logging.getLogger(__name__)


def _pis(report: AnnualReport) -> list[User]:
    memberships = report.project.memberships.filter(role=MemberRole.PI, user__is_active=True)
    return [membership.user for membership in memberships.select_related("user")]


def _proposal_pi(proposal: Proposal) -> list[User]:
    user = proposal.jp_pi.user if proposal.jp_pi_id else None
    return [user] if user is not None and user.is_active else []


def notify(
    kind: str,
    recipient: User,
    *,
    report: AnnualReport | None = None,
    proposal: Proposal | None = None,
    comment: str = "",
    by: User | None = None,
) -> Notice:
    """Record one notice, written in the recipient's language; it is mailed on commit."""
    context = {
        "kind": kind,
        "user": recipient,
        "report": report,
        "proposal": proposal,
        "comment": comment,
        "contact": settings.REPORTS_CONTACT,
        "url": _url(report),
    }
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/notice_subject.txt", context).split())
        body = render_to_string("emails/notice_body.txt", context)
    notice = Notice.objects.create(
        kind=kind,
        recipient=recipient,
        report=report,
        proposal=proposal,
        subject=subject[:300],
        body=body,
        comment=comment,
        sent_by=by if by is not None and by.pk else None,
    )
    transaction.on_commit(lambda: deliver(notice.pk))
    return notice


def _url(report: AnnualReport | None) -> str:
    path = reverse("projects:report", args=[report.pk]) if report else reverse("projects:mine")
    return settings.SITE_URL.rstrip("/") + path


def deliver(notice_id: int) -> bool:
    """Mail a recorded notice once; a mail server that fails leaves it unsent (shown so)."""
    notice = Notice.objects.select_related("recipient").filter(pk=notice_id).first()
    if notice is None or notice.sent_at is not None:
        return False
    message = mail.EmailMessage(notice.subject, notice.body, to=[notice.recipient.email])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Notice %s not mailed to %s", notice.pk, notice.recipient.email)
        return False
    Notice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


def report_returned(report: AnnualReport, by: User | None = None) -> list[Notice]:
    return [
        notify(NoticeKind.RETURNED, pi, report=report, comment=report.staff_comment, by=by)
        for pi in _pis(report)
    ]


def report_accepted(report: AnnualReport, by: User | None = None) -> list[Notice]:
    return [notify(NoticeKind.ACCEPTED, pi, report=report, by=by) for pi in _pis(report)]


def proposal_decided(proposal: Proposal, kind: str, by: User | None = None) -> list[Notice]:
    """Adopted (NoticeKind.ADOPTED) or not (REJECTED): to the proposal's Japanese PI."""
    return [notify(kind, pi, proposal=proposal, by=by) for pi in _proposal_pi(proposal)]


def for_report(report: AnnualReport) -> list[Notice]:
    """What the report's people were told, newest first (the report page's list)."""
    return list(Notice.objects.filter(report=report).select_related("recipient", "sent_by"))


def decisions_for(user: User, shown: int = 20) -> list[Notice]:
    """What `user` was told of their proposals (adopted or not), newest first: "My
    projects" shows them, so that the decision is on the site and not only in a mail."""
    told = Notice.objects.filter(recipient=user, proposal__isnull=False).select_related("proposal")
    return list(told.order_by("-created_at")[:shown])
