from django import template

from programs.fiscal import format_fiscal_year

register = template.Library()


@register.filter
def fiscal_year(year: int | None) -> str:
    """2024 → FY2024 (令和6年度)."""
    return format_fiscal_year(int(year)) if year not in (None, "") else ""
