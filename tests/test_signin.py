"""Signing in as a government system needs it (issue 12, item 2): one lock whatever the
spelling of the address, the client address from a configured source, sessions that end
when idle, a second factor for staff and the committee, and limits on password resets and
on sign-ins from one address."""

import base64
import datetime
import re
from urllib.parse import unquote

import pytest
from axes.models import AccessAttempt
from django.conf import settings as project_settings
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import User
from accounts.signin import client_ip
from tests.conftest import sign_in, totp_code
from tests.factories import ProgramFactory, UserFactory
from tests.test_settings import setting

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password"  # every UserFactory user's
LOGIN = reverse("login")
TWO_FACTOR = reverse("two_factor")
SETUP = reverse("two_factor_setup")
CODES = reverse("two_factor_codes")


def sign_in_with_password(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, **extra) -> None:
    for _attempt in range(times):
        response = sign_in_with_password(client, username, "wrong", **extra)
        assert response.status_code in (200, 429)


@pytest.fixture
def member():
    return UserFactory(email="member@example.org", roles=["pi"])


# --- One account, one lock, whatever the spelling ------------------------------------------

SPELLINGS = [
    "MEMBER@example.org",
    " member@example.org",
    "Member@Example.ORG ",
    "ｍｅｍｂｅｒ@example.org",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_it_signs_in_with_any_spelling_of_the_address(client, member, spelling):
    response = sign_in_with_password(client, spelling)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_it_keeps_a_locked_account_locked_whatever_the_spelling(client, member, spelling):
    fail(client, member.email, project_settings.AXES_FAILURE_LIMIT)
    response = sign_in_with_password(client, spelling)  # the right password
    assert response.status_code == 429
    assert not signed_in(client)


def test_it_counts_the_failures_of_every_spelling_towards_one_lock(client, member):
    for spelling in (SPELLINGS * 2)[: project_settings.AXES_FAILURE_LIMIT]:
        fail(client, spelling, 1)
    assert AccessAttempt.objects.get().username == "member@example.org"
    assert sign_in_with_password(client, member.email).status_code == 429
    assert not signed_in(client)


def test_twenty_wrong_guesses_over_case_variants_lock_the_account(client, member):
    variants = [
        "member@example.org",
        "MEMBER@example.org",
        "Member@example.org",
        "mEmBeR@example.org",
    ]
    for guess in range(20):
        sign_in_with_password(client, variants[guess % 4], f"guess-{guess}")
    for spelling in variants:
        assert sign_in_with_password(client, spelling).status_code == 429
    assert not signed_in(client)


def test_the_lock_page_is_ours_in_both_languages(client, member):
    fail(client, member.email, project_settings.AXES_FAILURE_LIMIT)
    page = sign_in_with_password(client, member.email).text
    assert '<a href="/" class="brand">Aspire</a>' in page
    assert "This account was locked after 5 wrong passwords" in page
    client.cookies[project_settings.LANGUAGE_COOKIE_NAME] = "ja"
    page = sign_in_with_password(client, member.email).text
    assert "ロック" in page


def test_it_refuses_a_second_account_differing_only_in_case(member):
    with pytest.raises(ValidationError, match="already exists"):
        User(email="MEMBER@example.org").validate_constraints()


# --- The client address --------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_it_trusts_no_forwarded_header_by_default():
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    assert setting("TRUSTED_PROXIES", {}) == 0


def test_a_spoofed_forwarded_header_does_not_dodge_the_lock(client, member):
    for n in range(project_settings.AXES_FAILURE_LIMIT):
        fail(client, member.email, 1, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert (
        sign_in_with_password(client, member.email, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code
        == 429
    )
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"  # the test client's REMOTE_ADDR


def test_behind_trusted_proxies_it_reads_the_address_the_outermost_one_saw(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request_from("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
    # What the client wrote itself stands left of what our proxy appended.
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request_from("10.0.0.3", "6.6.6.6, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"
    # Fewer hops than proxies, or no address at all: the header is not ours.
    assert client_ip(request_from("10.0.0.3", "198.51.100.7")) == "10.0.0.3"
    assert client_ip(request_from("10.0.0.3", "nonsense, 10.0.0.2")) == "10.0.0.3"
    settings.TRUSTED_PROXIES, settings.CLIENT_IP_HEADER = 1, "X-Real-IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.8")
    assert client_ip(request) == "198.51.100.8"


def test_behind_a_proxy_the_lock_is_per_client(client, member, settings):
    settings.TRUSTED_PROXIES = 1
    fail(
        client,
        member.email,
        project_settings.AXES_FAILURE_LIMIT,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    locked = sign_in_with_password(client, member.email, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    other = sign_in_with_password(Client(), member.email, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302


def test_it_reads_the_proxy_settings_from_the_environment():
    env = {"TRUSTED_PROXIES": "2", "CLIENT_IP_HEADER": "X-Real-IP"}
    assert setting("TRUSTED_PROXIES", env) == 2
    assert setting("CLIENT_IP_HEADER", env) == "X-Real-IP"
    assert setting("AXES_CLIENT_IP_CALLABLE", {}) == "accounts.signin.client_ip"


# --- Sessions end when idle ----------------------------------------------------------------


def session_row(client) -> Session:
    return Session.objects.get(
        session_key=client.cookies[project_settings.SESSION_COOKIE_NAME].value
    )


def test_it_ends_sessions_after_thirty_idle_minutes_by_default():
    assert setting("SESSION_COOKIE_AGE", {}) == 30 * 60
    assert setting("SESSION_COOKIE_AGE", {"SESSION_IDLE_MINUTES": "10"}) == 10 * 60


def test_activity_moves_the_end_of_a_session_on(client, member):
    assert sign_in_with_password(client, member.email).status_code == 302
    started = session_row(client).expire_date
    assert abs((started - timezone.now()).total_seconds() - 30 * 60) < 60
    # 25 minutes later (the session saw its last request then), the user comes back.
    row = session_row(client)
    store = SessionStore(row.session_key)
    store["seen"] -= 25 * 60
    store.save()
    Session.objects.filter(pk=row.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert client.get(reverse("projects:mine")).status_code == 200
    moved = session_row(client).expire_date
    assert abs((moved - timezone.now()).total_seconds() - 30 * 60) < 60
    # Within the minute that follows, requests leave the session unwritten.
    client.get(reverse("projects:mine"))
    assert session_row(client).expire_date == moved
    assert client.cookies[project_settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_an_idle_session_is_signed_out(client, member):
    sign_in_with_password(client, member.email)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("projects:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- The second factor ---------------------------------------------------------------------


@pytest.fixture
def staff():
    return UserFactory(roles=["staff"], is_staff=True)


@pytest.fixture
def committee():
    return UserFactory(roles=["committee"], is_staff=True)


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    return two_factor.enrol(user)


def a_minute_passes(user) -> None:
    """As if the user waited after a wrong code: its devices throttle the next try for a
    second, then two, four … (django-otp)."""
    earlier = timezone.now() - datetime.timedelta(minutes=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=earlier)


def password_only(client, user) -> Client:
    """Past the password, not the second factor (as after the sign-in page)."""
    client.force_login(user)
    return client


def guarded_pages() -> list[str]:
    program = ProgramFactory(code="ASPIRE")
    return [
        reverse("admin:index"),
        reverse("admin:calls_proposal_changelist"),
        reverse("admin:accounts_user_changelist"),
        reverse("evaluations:index"),
        reverse("evaluations:dashboard", args=[program.code]),
        reverse("projects:queue"),
        "/api/v1/proposals/",
        reverse("home"),
    ]


@pytest.mark.parametrize("role", ["staff", "committee", "superuser"])
def test_staff_and_the_committee_reach_no_page_without_the_second_factor(client, role):
    user = UserFactory(roles=[] if role == "superuser" else [role], is_staff=True)
    user.is_superuser = role == "superuser"
    user.save()
    enrolled(user)
    password_only(client, user)
    for path in guarded_pages():
        response = client.get(path)
        assert response.status_code == 302, path
        assert unquote(response["Location"]) == f"{TWO_FACTOR}?next={path}", path
    assert client.post(reverse("admin:calls_proposal_changelist"), {}).status_code == 302


def test_staff_reach_the_pages_once_verified(client, staff):
    device, _codes = enrolled(staff)
    password_only(client, staff)
    response = client.post(f"{TWO_FACTOR}?next=/admin/calls/proposal/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/calls/proposal/"
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("evaluations:index")).status_code == 200


def test_anyone_given_admin_permissions_of_their_own_needs_it_too(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_fundingagency"))
    password_only(client, viewer)
    path = reverse("admin:programs_fundingagency_changelist")
    assert client.get(path)["Location"].startswith(TWO_FACTOR)


@pytest.mark.parametrize("role", ["pi", "reviewer"])
def test_pis_and_reviewers_need_no_second_factor(client, role):
    user = UserFactory(roles=[role], is_staff=True)  # as the demo's: all may open the admin
    assert sign_in_with_password(client, user.email).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("projects:mine")).status_code == 200
    assert client.get(TWO_FACTOR).status_code == 302  # nothing to do there


def test_it_enrols_an_app_at_the_first_sign_in(client, committee):
    response = sign_in_with_password(client, committee.email)
    response = client.get(response["Location"])  # home, which asks for the second factor
    assert unquote(response["Location"]) == f"{TWO_FACTOR}?next=/"
    response = client.get(response["Location"])
    assert unquote(response["Location"]) == f"{SETUP}?next=/"
    page = client.get(SETUP).text
    device = TOTPDevice.objects.get(user=committee, confirmed=False)
    # The QR code is an SVG made here, as a data: URI (the CSP allows no other source).
    uri = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', page).group(1)
    svg = (
        unquote(uri.split(",", 1)[1])
        if ";base64" not in uri
        else base64.b64decode(uri.split(",", 1)[1]).decode()
    )
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "<path" in svg
    assert two_factor.secret(device) in page
    assert device.config_url.startswith("otpauth://totp/Aspire%3A")
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page and "style=" not in page
    assert client.get(SETUP).text.count(two_factor.secret(device)) == 1  # same key on reload

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert "This code is not right" in wrong.text
    assert client.get(reverse("evaluations:index")).status_code == 302

    a_minute_passes(committee)
    response = client.post(f"{SETUP}?next=/evaluations/", {"code": totp_code(device)})
    assert unquote(response["Location"]) == f"{CODES}?next=/evaluations/"
    codes = re.findall(
        r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", client.get(response["Location"]).text
    )
    assert len(codes) == 10
    assert "<code>" not in client.get(CODES).text  # shown once
    assert client.get(reverse("evaluations:index")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert two_factor.recovery_codes_left(committee) == 10


def test_it_asks_for_the_code_at_each_sign_in_and_takes_each_code_once(client, staff):
    device, _codes = enrolled(staff)
    sign_in_with_password(client, staff.email)
    assert client.get(reverse("admin:index"))["Location"].startswith(TWO_FACTOR)
    wrong = client.post(TWO_FACTOR, {"code": "12345"})
    assert wrong.status_code == 200
    assert "This code is not right" in wrong.text
    a_minute_passes(staff)
    code = totp_code(device)
    assert client.post(TWO_FACTOR, {"code": code})["Location"] == "/"
    assert client.get(reverse("admin:index")).status_code == 200
    # The same code again, from another browser, is refused (replayed).
    other = Client()
    sign_in_with_password(other, staff.email)
    assert "not right" in other.post(TWO_FACTOR, {"code": code}).text
    assert other.get(reverse("admin:index")).status_code == 302


def test_a_recovery_code_signs_in_once(client, staff):
    _device, codes = enrolled(staff)
    sign_in_with_password(client, staff.email)
    response = client.post(
        TWO_FACTOR, {"code": f"{codes[0][:4]}-{codes[0][4:].upper()}"}, follow=True
    )
    assert response.request["PATH_INFO"] == reverse("admin:index")
    assert "9 are left" in response.text
    other = Client()
    sign_in_with_password(other, staff.email)
    assert "not right" in other.post(TWO_FACTOR, {"code": codes[0]}).text
    assert other.get(reverse("admin:index")).status_code == 302


def test_it_makes_new_recovery_codes_and_the_old_ones_stop_working(client, staff):
    _device, old = enrolled(staff)
    sign_in(client, staff)
    response = client.post(CODES, follow=True)
    new = [
        code.replace("-", "") for code in re.findall(r"<code>([a-z2-7-]{9})</code>", response.text)
    ]
    assert len(new) == 10 and not set(new) & set(old)
    other = password_only(Client(), staff)
    assert "not right" in other.post(TWO_FACTOR, {"code": old[1]}).text
    a_minute_passes(staff)
    assert other.post(TWO_FACTOR, {"code": new[1]}).status_code == 302


def test_it_slows_down_guessing_codes(client, staff):
    device, _codes = enrolled(staff)
    password_only(client, staff)
    client.post(TWO_FACTOR, {"code": "000001"})
    client.post(TWO_FACTOR, {"code": "000002"})
    throttled = client.post(TWO_FACTOR, {"code": totp_code(device)})  # right, but too soon
    assert "Too many wrong codes" in throttled.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_device_deleted_by_staff_ends_its_sessions_verification(client, staff):
    device, _codes = enrolled(staff)
    sign_in(client, staff)
    assert client.get(reverse("admin:index")).status_code == 200
    device.delete()  # staff reset it: lost phone
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(TWO_FACTOR)
    assert client.get(response["Location"])["Location"].startswith(SETUP)
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_verification_gives_a_new_session_key(client, staff):
    device, _codes = enrolled(staff)
    password_only(client, staff)
    before = client.session.session_key
    client.post(TWO_FACTOR, {"code": totp_code(device)})
    assert client.session.session_key != before
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_it_goes_on_only_to_our_own_pages(client, staff):
    device, _codes = enrolled(staff)
    password_only(client, staff)
    response = client.post(f"{TWO_FACTOR}?next=https://evil.example/", {"code": totp_code(device)})
    assert response["Location"] == "/"


def test_the_second_factor_pages_speak_japanese(client, staff, settings):
    settings.LANGUAGE_CODE = "ja"
    password_only(client, staff)
    assert "2段階認証" in client.get(SETUP).text
    enrolled(staff)
    assert "2段階認証" in client.get(TWO_FACTOR).text


def test_the_admin_lists_devices_without_their_keys(admin_client, staff):
    device, codes = enrolled(staff)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).text
    assert device.key not in page
    recovery = StaticDevice.objects.get(user=staff)
    page = admin_client.get(reverse("admin:otp_static_staticdevice_change", args=[recovery.pk]))
    assert page.status_code == 200
    assert codes[0] not in page.text


# --- Password reset ------------------------------------------------------------------------


def ask_reset(client, email: str, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_it_mails_an_address_at_most_three_resets_an_hour(client, member, mailoutbox):
    responses = [ask_reset(client, member.email) for _request in range(20)]
    assert len(mailoutbox) == 3
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, reverse("password_reset_done"))
    }


def test_any_spelling_of_the_address_spends_the_same_budget(client, member, mailoutbox):
    for spelling in [
        "member@example.org",
        "MEMBER@example.org",
        " Member@example.org",
        "ｍｅｍｂｅｒ@example.org",
    ]:
        ask_reset(client, spelling)
    assert len(mailoutbox) == 3


def test_it_mails_a_client_at_most_ten_resets_an_hour(client, mailoutbox):
    users = UserFactory.create_batch(15)
    for user in users:
        ask_reset(client, user.email)
    assert len(mailoutbox) == 10
    ask_reset(Client(REMOTE_ADDR="198.51.100.20"), users[-1].email)
    assert len(mailoutbox) == 11


def test_the_answer_never_says_whether_an_address_exists(client, member, mailoutbox):
    known = ask_reset(client, member.email)
    unknown = ask_reset(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mailoutbox) == 1


def test_the_reset_pages_are_ours_in_both_languages(client, member, mailoutbox, settings):
    page = client.get(reverse("password_reset")).text
    assert '<a href="/" class="brand">Aspire</a>' in page
    assert "Forgotten your password?" in page
    settings.LANGUAGE_CODE = "ja"
    page = client.get(reverse("password_reset")).text
    assert "パスワード" in page and "Forgotten your password?" not in page
    assert "メール" in client.get(reverse("password_reset_done")).text
    ask_reset(client, member.email)
    mail = mailoutbox[0]
    assert "パスワード" in mail.subject
    link = re.search(r"https?://testserver(/accounts/reset/\S+)", mail.body).group(1)
    assert "&amp;" not in mail.body and "&#" not in mail.body
    form = client.get(link, follow=True)
    assert "新しいパスワード" in form.text
    assert '<a href="/" class="brand">Aspire</a>' in form.text
    done = client.post(
        form.request["PATH_INFO"],
        {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"},
        follow=True,
    )
    assert done.request["PATH_INFO"] == reverse("password_reset_complete")
    member.refresh_from_db()
    assert member.check_password("a-new-long-password-42")
    assert "使えません" in client.get(link, follow=True).text  # used once


# --- Sign-ins from one address across accounts ---------------------------------------------


def test_it_slows_spraying_many_accounts_from_one_address(client, member):
    limit, _window = project_settings.SIGNIN_IP_RATE
    for user in UserFactory.create_batch(limit):
        fail(client, user.email, 1)  # one guess each: no account is locked
    assert not AccessAttempt.objects.filter(failures_since_start__gte=2).exists()
    refused = sign_in_with_password(client, member.email)  # the right password
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your network" in refused.text
    assert not signed_in(client)
    # Another address is not held up.
    assert (
        sign_in_with_password(Client(REMOTE_ADDR="198.51.100.30"), member.email).status_code == 302
    )


def test_the_admin_sign_in_is_limited_alike(client, staff, settings):
    settings.SIGNIN_IP_RATE = (3, 3600)
    fail(client, "someone@example.org", 3)
    page = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD}).text
    assert "Too many failed sign-ins from your network" in page
    assert not signed_in(client)


def test_without_the_cache_sign_in_still_works_and_no_reset_mail_goes_out(
    client, member, settings, mailoutbox
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert sign_in_with_password(client, member.email).status_code == 302
    assert ask_reset(Client(), member.email).status_code == 302
    assert mailoutbox == []


def test_it_reads_the_limits_from_the_environment():
    assert setting("SIGNIN_IP_RATE", {}) == (30, 3600)
    assert setting("RESET_EMAIL_RATE", {}) == (3, 3600)
    assert setting("RESET_IP_RATE", {}) == (10, 3600)
    assert setting("RESET_EMAIL_RATE", {"PASSWORD_RESET_RATE": "5/day"}) == (5, 86400)
