"""Administrative units, households, members and their change history."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.accounts.scoping import path_within_q, scope_q
from server.common.fields import JSONField
from server.common.models import TimeStampedModel
from server.registry.choices import (
    ETHNICITY_CHOICES,
    AreaType,
    HouseholdStatus,
    Relation,
    Sex,
    UnitLevel,
)

CITIZEN_ID_PATTERN = r"^[0-9]{12}\Z"
"""Twelve ASCII digits; a bare digit class would also accept Arabic-Indic and fullwidth digits."""

citizen_id_validator = RegexValidator(
    CITIZEN_ID_PATTERN, _("A citizen ID has exactly 12 digits."), code="citizen_id"
)


class UnitQuerySet(models.QuerySet["Unit"]):
    def visible_to(self, user: object) -> "UnitQuerySet":
        """Units the user covers and everything below them."""
        return self.filter(scope_q(user, "path"))

    def descendants_of(self, unit: "Unit", *, include_self: bool = True) -> "UnitQuerySet":
        qs = self.filter(path_within_q("path", unit.path))
        return qs if include_self else qs.exclude(pk=unit.pk)


class Unit(TimeStampedModel):
    """A node of the administrative tree: province, (district), commune or village.

    `path` is the materialised path of official codes, e.g. "04/01234/0123401/";
    every descendant's path starts with its ancestor's, so subtree queries are one
    indexed prefix match with no recursion.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    area_type = models.CharField(_("area type"), max_length=8, choices=AreaType.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    is_demo = models.BooleanField(_("demo grouping"), default=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="unit_parent_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class HouseholdQuerySet(models.QuerySet["Household"]):
    def visible_to(self, user: object) -> "HouseholdQuerySet":
        """Households in villages the user covers: the one scoping rule for households."""
        return self.filter(scope_q(user, "village__path"))


class Household(TimeStampedModel):
    """A household on the registry, identified by a UUID (a phone may create it offline)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="commune_households", verbose_name=_("commune")
    )
    village = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="households", verbose_name=_("village")
    )
    code = models.CharField(_("household code"), max_length=30)
    head_name = models.CharField(_("head of household"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    gps_accuracy_m = models.DecimalField(
        _("GPS accuracy (m)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    is_ethnic_minority = models.BooleanField(_("ethnic minority"), default=False)
    has_meritorious_member = models.BooleanField(
        _("member with meritorious service"), default=False
    )
    receives_social_assistance = models.BooleanField(_("social assistance"), default=False)
    no_labour_capacity = models.BooleanField(_("no labour capacity"), default=False)
    status = models.CharField(
        _("official status"),
        max_length=16,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.NOT_REVIEWED,
    )
    status_year = models.PositiveSmallIntegerField(
        _("review year of the status"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2016), MaxValueValidator(2100)],
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    flagged_for_review = models.BooleanField(_("flagged for review"), default=False)
    flag_reason = models.CharField(_("reason for the flag"), max_length=64, blank=True)
    # Codes from PovertyCause and Policy; checked by the services, kept as lists for reports.
    poverty_causes = JSONField(_("causes of poverty"), default=list, blank=True)
    policies_received = JSONField(_("policies received"), default=list, blank=True)
    policies_needed = JSONField(_("policies needed"), default=list, blank=True)
    # Folded code, head name, address and member names: see server.common.text.fold.
    search_text = models.TextField(blank=True, editable=False)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["commune_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "code"], name="household_code_unique_in_commune"
            ),
        ]
        indexes = [models.Index(fields=["status", "status_year"], name="household_status")]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"


class MemberQuerySet(models.QuerySet["Member"]):
    def visible_to(self, user: object) -> "MemberQuerySet":
        return self.filter(scope_q(user, "household__village__path"))

    def current(self) -> "MemberQuerySet":
        return self.filter(removed_at__isnull=True)


class Member(TimeStampedModel):
    """A person on a household's roster. Removal is recorded, never a hard delete."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    relation = models.CharField(_("relation to head"), max_length=20, choices=Relation.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=ETHNICITY_CHOICES)
    citizen_id = models.CharField(
        _("citizen ID"), max_length=12, null=True, blank=True, validators=[citizen_id_validator]
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household_id", "created_at", "id"]
        constraints = [
            # Checked at every statement, not at commit: a head change demotes the old
            # head before it promotes the new one (registry.services).
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation=Relation.HEAD, removed_at__isnull=True),
                name="member_one_head",
                violation_error_code="duplicate_head",
                violation_error_message=_("The household already has a head."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class ChangeAction(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    REMOVED = "removed", _("Removed")


class HouseholdChange(models.Model):
    """Who changed what on a household or one of its members, and when.

    Written explicitly by the services in the same transaction as the change.
    Citizen IDs are stored masked, so history never reveals a full ID.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="changes")
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    entity = models.CharField(max_length=16)
    action = models.CharField(max_length=16, choices=ChangeAction.choices)
    changes = JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=16, default="api")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("change history")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.entity} {self.action} {self.at:%Y-%m-%d %H:%M}"


class HouseholdStatusRecord(models.Model):
    """A household's official status for one review year, as the commune decided it.

    The history that transitions between years are read from. One row per household and
    year: a later decision in the same year (the monthly review) replaces the row, and the
    change is kept in HouseholdChange. Written only by services.household_status_set.
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="status_records"
    )
    year = models.PositiveSmallIntegerField(
        _("review year"), validators=[MinValueValidator(2016), MaxValueValidator(2100)]
    )
    status = models.CharField(_("official status"), max_length=16, choices=HouseholdStatus.choices)
    decided_on = models.DateField(_("decision date"))
    decision_ref = models.CharField(_("decision"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("official status record")
        verbose_name_plural = _("official status history")
        ordering = ["household_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="status_record_one_per_year")
        ]
        indexes = [models.Index(fields=["year", "status"], name="status_record_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}: {self.status}"
