"""Every seat at the table has an account: an invitation mail with a set-password link.

Inviting a seat makes (or finds) the account of its e-mail, in the committee group, links
it to the seat and mails a link to choose a password (Django's password-reset link, valid
for PASSWORD_RESET_TIMEOUT). The member then enrols the second factor on first sign-in.
"""

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Role, User
from evaluations.models import CommitteeMember
from evaluations.services import check_part


def set_password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", args=[uid, token])


@transaction.atomic
def invite(seat: CommitteeMember, base_url: str) -> User:
    """Give the seat an account and mail its set-password link; again, a new link."""
    check_part(seat)  # a finalised evaluation's committee is frozen
    if not seat.email:
        raise ValidationError({"email": _("Enter the member's e-mail address first.")})
    user = User.objects.filter(email__iexact=seat.email).first()
    if user is None:
        user = User.objects.create_user(email=seat.email, full_name=seat.name)
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.COMMITTEE)[0])
    if seat.user_id != user.pk:
        seat.user = user
        seat.save(update_fields=["user"])
    link = base_url.rstrip("/") + set_password_path(user)
    evaluation = seat.evaluation
    subject = _("Invitation to the evaluation committee: %(evaluation)s") % {
        "evaluation": evaluation
    }
    body = _(
        "Dear %(name)s,\n\nYou have a seat on the committee of %(evaluation)s. Choose your "
        "password here:\n\n%(link)s\n\nThen sign in with your e-mail address; you will be "
        "asked to set up a second factor (an authenticator app). On the evaluation's page "
        "you write and edit your own opinions.\n"
    ) % {"name": seat.name, "evaluation": evaluation, "link": link}
    send_mail(subject, body, None, [seat.email])
    return user
