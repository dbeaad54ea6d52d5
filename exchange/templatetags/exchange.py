"""{% load exchange %}: the data-exchange kind of an admin change list's model."""

from django import template
from django.urls import reverse

from exchange.kinds import KIND_OF_MODEL

register = template.Library()


@register.simple_tag
def exchange_kind(opts) -> str:
    """The kind of a model's options (app_label.model_name), or '' where it has none."""
    return KIND_OF_MODEL.get(opts.label_lower, "")


@register.simple_tag(takes_context=True)
def exchange_links(context, opts) -> dict:
    """The import and export addresses of a change list, each only with its permissions
    (as exchange.views asks: add and change to import, view to export)."""
    kind = exchange_kind(opts)
    request = context.get("request")
    if not kind or request is None:
        return {}

    def may(action: str) -> bool:
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    can_import = may("add") and may("change")
    can_export = may("view") or may("change")  # as the admin: change implies view
    return {
        "kind": kind,
        "import_url": reverse("exchange:import", args=[kind]) if can_import else "",
        "export_url": reverse("exchange:export", args=[kind]) if can_export else "",
    }
