"""Input and output shapes of the registry API, shared by its views."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from server.accounts import access
from server.registry.choices import ETHNICITY_CHOICES, HouseholdStatus, Relation, Sex
from server.registry.models import CITIZEN_ID_PATTERN, Household, HouseholdChange, Member, Unit

# Vietnam's mainland and islands, generously boxed; a point outside is a typo or a fake.
VN_LAT = (Decimal("6.0"), Decimal("23.5"))
VN_LON = (Decimal("102.0"), Decimal("117.9"))
MAX_AGE_YEARS = 120

# Messages of the checks below, declared on the fields they refuse (`error_messages`),
# so a refusal's text can be rendered again in another language (server/api/validation.py).
TOO_OLD = _("An age over 120 years is not plausible.")
DUPLICATE_HEAD = _("The household already has a head.")
OUTSIDE_VIETNAM = _("The point is outside Viet Nam.")
BOTH_COORDINATES = _("Give both latitude and longitude.")


class UnitRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class UnitOutputSerializer(serializers.ModelSerializer[Unit]):
    # A declared field named like Field.parent: the serializer metaclass moves it aside.
    parent = serializers.CharField(source="parent.code", default=None)  # type: ignore[assignment]

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "level",
            "division_type",
            "area_type",
            "parent",
            "depth",
            "is_demo",
        ]


class MemberInputSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=200)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        error_messages={"future": _("The date of birth is in the future."), "too_old": TOO_OLD},
    )
    birth_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        error_messages={
            "future": _("The year of birth is in the future."),
            "too_old": TOO_OLD,
            "mismatch": _("The year of birth does not match the date of birth."),
            # The field itself is optional: "required" is the date-or-year rule below.
            "required": _("Give the date of birth or at least the year of birth."),
        },
    )
    relation = serializers.ChoiceField(
        choices=Relation.choices, error_messages={"duplicate_head": DUPLICATE_HEAD}
    )
    ethnicity = serializers.ChoiceField(choices=ETHNICITY_CHOICES)
    citizen_id = serializers.RegexField(
        CITIZEN_ID_PATTERN,
        required=False,
        allow_null=True,
        allow_blank=False,
        error_messages={"invalid": _("A citizen ID has exactly 12 digits.")},
    )

    def validate_birth_date(self, value: date | None) -> date | None:
        if value is None:
            return value
        today = timezone.localdate()
        if value > today:
            self.fields["birth_date"].fail("future")
        if today.year - value.year > MAX_AGE_YEARS:
            self.fields["birth_date"].fail("too_old")
        return value

    def validate_birth_year(self, value: int | None) -> int | None:
        if value is None:
            return value
        this_year = timezone.localdate().year
        if value > this_year:
            self.fields["birth_year"].fail("future")
        if this_year - value > MAX_AGE_YEARS:
            self.fields["birth_year"].fail("too_old")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        birth_date, birth_year = attrs.get("birth_date"), attrs.get("birth_year")
        if birth_date and birth_year and birth_date.year != birth_year:
            _refuse(self, "birth_year", "mismatch")
        if not self.partial and not birth_date and not birth_year:
            _refuse(self, "birth_year", "required")
        if birth_date:
            attrs["birth_year"] = birth_date.year
        return attrs


def _refuse(serializer: serializers.Serializer[Any], field: str, code: str) -> None:
    """Refuse `field` from a serializer-wide check, with the field's own message for `code`."""
    message = serializer.fields[field].error_messages[code]
    raise serializers.ValidationError({field: message}, code=code)


class MemberUpdateSerializer(MemberInputSerializer):
    revision = serializers.IntegerField(min_value=1)


class GpsMixin(serializers.Serializer[Any]):
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        error_messages={"outside_vietnam": OUTSIDE_VIETNAM, "incomplete": BOTH_COORDINATES},
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        error_messages={"outside_vietnam": OUTSIDE_VIETNAM, "incomplete": BOTH_COORDINATES},
    )
    gps_accuracy_m = serializers.DecimalField(
        max_digits=7, decimal_places=1, required=False, allow_null=True, min_value=Decimal(0)
    )

    def validate_latitude(self, value: Decimal | None) -> Decimal | None:
        if value is not None and not VN_LAT[0] <= value <= VN_LAT[1]:
            self.fields["latitude"].fail("outside_vietnam")
        return value

    def validate_longitude(self, value: Decimal | None) -> Decimal | None:
        if value is not None and not VN_LON[0] <= value <= VN_LON[1]:
            self.fields["longitude"].fail("outside_vietnam")
        return value

    def _check_pair(self, attrs: dict[str, Any]) -> None:
        has_lat, has_lon = attrs.get("latitude") is not None, attrs.get("longitude") is not None
        if ("latitude" in attrs or "longitude" in attrs) and has_lat != has_lon:
            _refuse(self, "longitude" if has_lat else "latitude", "incomplete")


class HouseholdFieldsSerializer(GpsMixin):
    code = serializers.RegexField(r"^[A-Za-z0-9._-]{1,30}\Z", max_length=30)
    head_name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    is_ethnic_minority = serializers.BooleanField(required=False)
    has_meritorious_member = serializers.BooleanField(required=False)
    receives_social_assistance = serializers.BooleanField(required=False)
    no_labour_capacity = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        self._check_pair(attrs)
        return attrs


class HouseholdCreateSerializer(HouseholdFieldsSerializer):
    id = serializers.UUIDField(required=False)
    village = serializers.CharField(max_length=20)
    # many=True builds a ListSerializer, which takes max_length; the stubs type the child.
    members = MemberInputSerializer(many=True, required=False, max_length=30)  # type: ignore[call-arg]

    def validate_members(self, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
        heads = [i for i, m in enumerate(members) if m["relation"] == Relation.HEAD]
        if len(heads) > 1:
            raise serializers.ValidationError(
                # Keyed by list index, as DRF reports a list's items; the stubs allow str keys.
                {heads[1]: {"relation": [DUPLICATE_HEAD]}},  # type: ignore[dict-item]
                code="duplicate_head",
            )
        return members


class HouseholdUpdateSerializer(HouseholdFieldsSerializer):
    revision = serializers.IntegerField(min_value=1)


class VillageInputSerializer(serializers.Serializer[Any]):
    """One village, whichever way it arrives: the JSON endpoint or a row of a CSV import."""

    code = serializers.RegexField(
        r"^[A-Za-z0-9-]{1,20}\Z",
        error_messages={
            "invalid": _("The code must be 1–20 letters or digits."),
            "blank": _("The code must be 1–20 letters or digits."),
            "required": _("The code must be 1–20 letters or digits."),
        },
    )
    name = serializers.CharField(
        max_length=200,
        error_messages={"blank": _("The name is empty."), "required": _("The name is empty.")},
    )
    commune = serializers.CharField(max_length=20)
    division_type = serializers.CharField(max_length=40, required=False, default="thôn")


class MemberOutputSerializer(serializers.ModelSerializer[Member]):
    citizen_id = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "sex",
            "birth_date",
            "birth_year",
            "relation",
            "ethnicity",
            "citizen_id",
            "revision",
            "updated_at",
        ]

    def get_citizen_id(self, member: Member) -> str | None:
        return access.citizen_id_for(self.context["request"].user, member.citizen_id)


class HouseholdListOutputSerializer(serializers.ModelSerializer[Household]):
    village = UnitRefSerializer()
    commune = UnitRefSerializer()
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "head_name",
            "address",
            "village",
            "commune",
            "status",
            "status_year",
            "is_ethnic_minority",
            "has_meritorious_member",
            "receives_social_assistance",
            "no_labour_capacity",
            "latitude",
            "longitude",
            "member_count",
            "revision",
            "updated_at",
        ]


class HouseholdDetailOutputSerializer(HouseholdListOutputSerializer):
    members = serializers.SerializerMethodField()

    class Meta(HouseholdListOutputSerializer.Meta):
        fields = [
            *HouseholdListOutputSerializer.Meta.fields,
            "gps_accuracy_m",
            "members",
            "created_at",
        ]

    def get_members(self, household: Household) -> list[dict[str, Any]]:
        members = [m for m in household.members.all() if m.removed_at is None]
        return MemberOutputSerializer(members, many=True, context=self.context).data  # type: ignore[return-value]  # a ReturnList of dicts


class HouseholdFilterSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(required=False, max_length=20)
    status = serializers.ChoiceField(choices=HouseholdStatus.choices, required=False)
    is_ethnic_minority = serializers.BooleanField(required=False, allow_null=True, default=None)
    has_meritorious_member = serializers.BooleanField(required=False, allow_null=True, default=None)
    receives_social_assistance = serializers.BooleanField(
        required=False, allow_null=True, default=None
    )
    no_labour_capacity = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, max_length=100, allow_blank=True)


class HouseholdChangeOutputSerializer(serializers.ModelSerializer[HouseholdChange]):
    actor = serializers.CharField(source="actor.username", default=None)
    member = serializers.UUIDField(source="member_id", allow_null=True)

    class Meta:
        model = HouseholdChange
        fields = ["id", "entity", "member", "action", "changes", "actor", "source", "at"]
