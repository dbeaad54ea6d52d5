"""Inviting a person (a reviewer, usually) to set their password: Django's password reset
token machinery, mailed in their language. The link works once (the token changes with
the password) and for PASSWORD_RESET_TIMEOUT seconds."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User


def set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL.rstrip("/") + path


def invite(user: User, invited_by: User | None = None) -> None:
    """Mail `user` a link to set their password and sign in."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "url": set_password_url(user), "invited_by": invited_by}
        subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
        body = render_to_string("emails/invitation_body.txt", context)
    mail.EmailMessage(subject, body, to=[user.email]).send()
