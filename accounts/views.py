from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from accounts import two_factor
from accounts.forms import CodeForm, RateLimitedPasswordResetForm, SignInForm
from accounts.rules import is_committee, is_pi, is_reviewer, is_staff_member, needs_second_factor

RECOVERY_CODES_SESSION_KEY = "recovery_codes_to_show"
WRONG_CODE = gettext_lazy(
    "This code is not right. Type the code your app shows now, or a recovery code."
)
THROTTLED = gettext_lazy("Too many wrong codes. Wait a few seconds, then try the newest code.")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send people to their work: staff to the admin, the committee to the evaluations,
    reviewers to their reviews, everyone else to their projects."""
    if is_staff_member(request.user):
        return redirect("admin:index")
    if is_committee(request.user):
        return redirect("evaluations:index")
    if is_reviewer(request.user) and not is_pi(request.user):
        return redirect("reviews:mine")
    return redirect("projects:mine")


class SignInView(LoginView):
    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", "blocked"):
            response.status_code = 429
        return response


class ResetView(PasswordResetView):
    form_class = RateLimitedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


def _next(request: HttpRequest) -> str:
    """Where to go once verified: the page asked for, if it is one of ours."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target else settings.LOGIN_REDIRECT_URL


def _verified(request: HttpRequest, device) -> None:
    # A new session key once the second factor is proven, as at sign-in (session fixation).
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    if user.is_verified() or not needs_second_factor(user):
        return redirect(_next(request))
    if two_factor.app_device(user) is None:
        return redirect(_to("two_factor_setup", _next(request)))
    form = CodeForm(request.POST or None)
    if form.is_valid() and two_factor.throttled(user):
        form.add_error("code", THROTTLED)
    elif form.is_valid():
        device = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            if device.name == two_factor.RECOVERY_DEVICE:
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)s are left. Make new ones "
                        "under “Recovery codes” if you are running out."
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment at the first sign-in: scan the QR code, type the code the app shows."""
    user = request.user
    if not needs_second_factor(user) or two_factor.app_device(user) is not None:
        return redirect(_to("two_factor", _next(request)))
    device = two_factor.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if form.is_valid() and not device.verify_is_allowed()[0]:
        form.add_error("code", THROTTLED)
    elif form.is_valid():
        codes = two_factor.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            _verified(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_to("two_factor_codes", _next(request)))
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code(device),
        "secret": two_factor.secret(device),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (POST), shown once, right after they are made."""
    if not request.user.is_verified():
        return redirect("home")
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = two_factor.new_recovery_codes(request.user)
        return redirect(_to("two_factor_codes", _next(request)))
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    context = {
        "codes": [f"{code[:4]}-{code[4:]}" for code in codes or []],
        "left": two_factor.recovery_codes_left(request.user),
        "next": _next(request),
    }
    return render(request, "registration/recovery_codes.html", context)


def _to(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
