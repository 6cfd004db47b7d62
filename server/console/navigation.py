"""Resolves the navigation data for one person."""

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from server.console.nav import NAV


@dataclass(frozen=True)
class ResolvedItem:
    url: str
    label: str | Promise
    description: str | Promise


def items_for(user: Any) -> list[ResolvedItem]:
    """The entries this person's role sees, in NAV order, skipping apps not installed."""
    role = getattr(user, "role", None)
    items = []
    for item in NAV:
        if item.roles is not None and role not in item.roles and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(ResolvedItem(url, item.label, item.description))
    return items
