"""The console's navigation as data: each app appends its entry here.

An entry whose URL does not resolve (its app is not installed) is skipped, and `roles`
limits who sees it; pages still check access themselves.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from server.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    description: str | Promise
    roles: frozenset[str] | None = None  # None: every staff role


REVIEWERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_ADMIN})

# In the order of the work: the round, the queue, support, then figures and files.
NAV: list[NavItem] = [
    NavItem("console:home", _("Home"), _("Start page of the staff console.")),
    NavItem(
        "review-pages:dashboard",
        _("Round dashboard"),
        _("Progress per commune, village and step; deadlines and the reporting calendar."),
        REVIEWERS,
    ),
    NavItem(
        "review:rounds",
        _("Review rounds"),
        _("Run a commune's round: meetings, postings, complaints, the decision, certificates."),
        REVIEWERS,
    ),
    NavItem(
        "review-pages:queue",
        _("Review queue"),
        _("Households to check, with flags; return or flag several at once."),
        REVIEWERS,
    ),
    NavItem(
        "support:dashboard",
        _("Housing support"),
        _("Houses by stage, money per programme, overdue stages, photos and payments."),
        frozenset({Role.SUPPORT_STAFF, Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN}),
    ),
    NavItem("reports:home", _("Reports"), _("Figures, transitions and targets of your area.")),
    NavItem(
        "exports:reports",
        _("Official reports"),
        _(
            "The list after the review and the summary per unit; send, print and follow the calendar."
        ),
    ),
    NavItem("exports:map", _("Map"), _("Households on a map, coloured by class.")),
    NavItem(
        "exports:exports",
        _("Exports"),
        _("Download households, members and assessments as CSV, XLSX or GeoJSON."),
    ),
]

ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN})
