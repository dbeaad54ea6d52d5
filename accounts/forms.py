from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import signin


class RateLimitedSignIn:
    """Says so when the client address is refused (accounts/backends.py), instead of the
    usual "wrong e-mail or password"; the address is normalised as the lookup does it."""

    blocked_message = _(
        "Too many failed sign-ins from your network. Please wait an hour and try again."
    )

    def clean_username(self):
        return signin.normalise_email(self.cleaned_data.get("username"))

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "sign_in_blocked", False):
                raise ValidationError(self.blocked_message, code="blocked") from None
            raise


class SignInForm(RateLimitedSignIn, AuthenticationForm):
    pass


class AdminSignInForm(RateLimitedSignIn, AdminAuthenticationForm):
    pass


class RateLimitedPasswordResetForm(PasswordResetForm):
    """Mails at most RESET_EMAIL_RATE resets to an address and RESET_IP_RATE from a client;
    the page that follows is the same whether a mail went out, was held back, or no account
    has the address."""

    def clean_email(self):
        return signin.normalise_email(self.cleaned_data["email"])

    def save(self, *args, request=None, **kwargs):
        if signin.may_send_password_reset(request, self.cleaned_data["email"]):
            super().save(*args, request=request, **kwargs)


class CodeForm(forms.Form):
    """Six digits from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
