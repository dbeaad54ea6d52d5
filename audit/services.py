"""Writing the audit log: one INSERT per export, download or API write, never per read.

The address is the one django-axes resolves (`axes.helpers.get_client_ip_address`), so a
client-IP source configured for sign-in (a reverse proxy's header) applies here too.
"""

import getpass
import ipaddress

from axes.helpers import get_client_ip_address
from django.http import HttpRequest

from audit.models import AuditEntry, Channel


def record_request(
    request: HttpRequest, action: str, channel: str, kind: str, **what
) -> AuditEntry:
    """Log what the person or API client behind `request` did. `what` names the entry's
    other fields: target, filters, format, rows, method, status."""
    user = request.user
    client = getattr(user, "client", None)  # an API key's principal (api.authentication)
    if client is not None:
        who = {"actor": f"API client {client.name} ({client.prefix})", "client": client.prefix}
    elif user.is_authenticated:
        who = {"actor": user.email, "user": user}
    else:
        who = {"actor": "anonymous"}
    return _write(action, channel, kind, address=_address(request), **who, **what)


def record_command(action: str, kind: str, **what) -> AuditEntry:
    """Log what a management command did, as the operating-system account that ran it."""
    return _write(action, Channel.COMMAND, kind, actor=f"command line: {_os_user()}", **what)


def _write(action: str, channel: str, kind: str, target: str = "", **fields) -> AuditEntry:
    return AuditEntry.objects.create(
        action=action, channel=channel, kind=kind[:100], target=str(target)[:500], **fields
    )


def _address(request: HttpRequest) -> str | None:
    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:  # a malformed forwarded header must not lose the entry
        return None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container's user may have no name
        return "unknown"
