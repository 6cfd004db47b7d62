"""Words in place of the reports' counter keys."""

from django import template

from server.reports.labels import indicator_name

register = template.Library()


@register.filter
def indicator_label(key: str) -> str:
    """'ind:J1:deprived' -> 'J1 · Việc làm'."""
    parts = key.split(":")
    return indicator_name(parts[1]) if len(parts) > 1 else key
