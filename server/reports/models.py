"""Per-village figure counters, the dirty markers that keep them in step, and targets."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.registry.models import Unit


class VillageFigure(models.Model):
    """One counter of one village, e.g. ("st:rural:poor", 12).

    The dashboard of any unit is the sum of its villages' counters: one indexed prefix
    match on `path` and a GROUP BY metric, however many households sit below.
    """

    village = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    metric = models.CharField(max_length=96)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "metric"], name="village_figure_once"),
        ]
        indexes = [
            models.Index(
                fields=["path", "metric"],
                name="village_figure_path",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.metric}={self.value}"


class DirtyVillage(models.Model):
    """A village whose counters are stale: inserted by database triggers, in the writer's
    own transaction, on every change to households, members, assessments and status records.

    Not unique on purpose: a refresh deletes exactly the marker rows it read before it
    recomputed, so a write that commits during the refresh leaves its own marker behind.
    """

    village_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"dirty {self.village_id}"


class PoorCommune(models.Model):
    """A commune on the list of poor (especially difficult) communes, for targets of that group.

    Kept in this app as data per unit: the registry does not know the list.
    """

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )
    decision_ref = models.CharField(_("decision"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("poor commune")
        verbose_name_plural = _("poor communes")

    def __str__(self) -> str:
        return str(self.unit)


class TargetGroup(models.TextChoices):
    ALL = "all", _("All households")
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic-minority households")
    POOR_COMMUNES = "poor_communes", _("Poor communes")


class TargetMeasure(models.TextChoices):
    RATE_BELOW = "rate_below", _("Poverty rate below X% by a year")
    RATE_CUT = "rate_cut", _("Poverty rate cut by N points a year")
    COUNT_CUT = "count_cut", _("N fewer poor households a year")
    NONE_LEFT = "none_left", _("No poor household left by a year")
    NEAR_POOR_BELOW = "near_poor_below", _("Near-poverty rate below Y% by a year")
    INCOME_MULTIPLE = "income_multiple", _("Poor households' income per person ×k")


class Target(models.Model):
    """A unit's goal in the movement. Kept apart from results: nothing here feeds a class."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(
        _("group"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.ALL
    )
    measure = models.CharField(_("measure"), max_length=20, choices=TargetMeasure.choices)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    base_year = models.PositiveSmallIntegerField(
        _("base year"), validators=[MinValueValidator(2010), MaxValueValidator(2100)]
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), validators=[MinValueValidator(2010), MaxValueValidator(2100)]
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["unit__path", "target_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "group", "measure", "base_year", "target_year"],
                name="target_once",
            ),
            models.CheckConstraint(
                condition=models.Q(target_year__gt=models.F("base_year")),
                name="target_after_base",
            ),
        ]

    def __str__(self) -> str:
        return self.name
