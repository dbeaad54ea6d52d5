"""`{% link href text %}`: the text as a link where there is an address, plain otherwise."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html

register = template.Library()


@register.simple_tag
def link(href: str, text) -> str:
    """A tag, not an {% include %}: the dashboard's calls table has four a call, and at a
    thousand calls the includes alone cost a third of a second. The text is localised
    as {{ text }} would be."""
    shown = localize(text)
    return format_html('<a href="{}">{}</a>', href, shown) if href else conditional_escape(shown)
