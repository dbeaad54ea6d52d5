from django import template

from exchange.kinds import KINDS

register = template.Library()

_BY_MODEL = {kind.model._meta.label_lower: name for name, kind in KINDS.items()}


@register.simple_tag
def exchange_kind(opts) -> str:
    """The exchange kind of an admin changelist's model, or '' where there is none."""
    return _BY_MODEL.get(opts.label_lower, "")
