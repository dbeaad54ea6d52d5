"""`{{ year|fiscal_year }}`: 2024 → FY2024 (令和6年度), in the active language's catalogue."""

from django import template

from programs.fiscal import format_fiscal_year

register = template.Library()


@register.filter(is_safe=True)
def fiscal_year(year):
    """A fiscal year as FY2024 (令和6年度); empty for None, anything else not a year unchanged."""
    if year is None or year == "":
        return ""
    try:
        number = int(year)
    except (TypeError, ValueError):
        return year
    return format_fiscal_year(number)


@register.filter
def days_until(day, today):
    """`{{ due_on|days_until:today }}`: days from today to `day`, negative once it has passed."""
    if day is None or today is None:
        return None
    return (day - today).days


@register.filter
def days_late(day, today):
    """`{{ due_on|days_late:today }}`: how many days `day` has passed (the opposite)."""
    days = days_until(day, today)
    return None if days is None else -days
