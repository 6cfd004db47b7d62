"""Vietnamese number, percent and date formats, and the navigation for the layout.

The console writes numbers the Vietnamese way in both languages (1.234.567,5 and 12,5%;
dates as 29/11/2026), as officials' printed reports do.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import timezone

from server.console.navigation import ResolvedItem, items_for

register = template.Library()


def format_vn(value: Any, places: int = 0) -> str:
    """1234567.891 -> '1.234.567,89' with `places` decimals; '' for a missing value."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter
def vn_number(value: Any, places: int = 0) -> str:
    return format_vn(value, int(places))


@register.filter
def vn_percent(value: Any, places: int = 1) -> str:
    """A ratio already in per cent (12.345 -> '12,3%')."""
    text = format_vn(value, int(places))
    return f"{text}%" if text else ""


@register.filter
def vn_date(value: Any) -> str:
    if isinstance(value, datetime):
        local: datetime = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


@register.simple_tag(takes_context=True)
def console_nav(context: template.Context) -> list[ResolvedItem]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return items_for(user)
