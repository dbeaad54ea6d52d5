"""Writes by API keys in the records' history: simple_history takes a change's author from
the request's user, which for a key is no person (api.authentication.ClientPrincipal, no
row of the users table). Inside `written_by`, a change is recorded with no user and the key
as its reason ("API client <name> (<prefix>…)"), as the history pages show it."""

import contextlib
import contextvars
from collections.abc import Iterator

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_client: contextvars.ContextVar[str | None] = contextvars.ContextVar("api_client", default=None)


@contextlib.contextmanager
def written_by(user) -> Iterator[None]:
    """Record the changes of the block as made by `user`'s key (a person: as they are)."""
    client = getattr(user, "client", None)
    if client is None:
        yield
        return
    token = _client.set(f"API client {client.name} ({client.prefix}…)"[:100])
    request = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = None  # so simple_history asks no user of it
    try:
        yield
    finally:
        HistoricalRecords.context.request = request
        _client.reset(token)


@receiver(pre_create_historical_record)
def _name_the_key(sender, history_instance, **kwargs) -> None:
    if (client := _client.get()) is not None:
        history_instance.history_change_reason = client
