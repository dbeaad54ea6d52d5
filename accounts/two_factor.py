"""The second factor of staff and the committee: a TOTP app, with recovery codes.

Built on django-otp: a confirmed TOTPDevice is the app, a StaticDevice named "recovery"
holds the recovery codes (each deleted when used). `django_otp.login` marks the session as
verified; OTPMiddleware reads that back on every request, and accounts/middleware.py sends
whoever `needs_second_factor` and is not verified to these pages.
"""

import re
from base64 import b32encode

import segno
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery"
APP_DEVICE = "app"


def app_device(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP app, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same secret until it is confirmed, so that
    a reload of the page does not invalidate what the app has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


@transaction.atomic
def confirm_enrolment(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows: its recovery codes, or None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(_digits(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One app per person: an earlier one (reset by staff, or an abandoned try) goes.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return new_recovery_codes(device.user)


@transaction.atomic
def enrol(user: User, codes: int = RECOVERY_CODES) -> tuple[TOTPDevice, list[str]]:
    """A confirmed app and fresh recovery codes at once (the demo's accounts)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=True)
    return device, new_recovery_codes(user, codes)


@transaction.atomic
def new_recovery_codes(user: User, count: int = RECOVERY_CODES) -> list[str]:
    """Fresh recovery codes; any earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


def verify(user: User, code: str) -> Device | None:
    """The device that accepts the code: the app's six digits, or a recovery code (used up).
    Each device throttles its own failures (1, 2, 4 … seconds between tries)."""
    digits = _digits(code)
    if re.fullmatch(r"\d{6}", digits):
        device = app_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE).first()
        digits = re.sub(r"[\s-]", "", code).lower()
    if device is None:
        return None
    return verify_token(user, device.persistent_id, digits)


def throttled(user: User) -> bool:
    """True while a device of the user waits after wrong codes (django-otp's throttling)."""
    devices = [app_device(user), *StaticDevice.objects.filter(user=user)]
    return any(device and not device.verify_is_allowed()[0] for device in devices)


def secret(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code(device: TOTPDevice) -> str:
    """The otpauth:// URI as a QR code, an SVG data URI made here: no CDN, no script, dark
    on white whatever the page's colours (the CSP allows images from data: URIs)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")
