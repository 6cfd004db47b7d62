"""Enumerations of the registry, with Vietnamese and English labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


# A child's level must rank strictly below its parent's; levels may be skipped,
# so province -> commune (2025 two-tier) and province -> district -> commune both fit.
LEVEL_RANK = {
    UnitLevel.PROVINCE: 0,
    UnitLevel.DISTRICT: 1,
    UnitLevel.COMMUNE: 2,
    UnitLevel.VILLAGE: 3,
}


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class HouseholdStatus(models.TextChoices):
    NOT_REVIEWED = "not_reviewed", _("Not yet reviewed")
    POOR = "poor", _("Poor")
    NEAR_POOR = "near_poor", _("Near-poor")
    MIDDLE = "middle", _("Middle living standard")
    NOT_POOR = "not_poor", _("Not poor")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Not related")


# The 54 ethnic groups recognised by the General Statistics Office, by stable code.
ETHNICITIES: dict[str, str] = {
    "kinh": "Kinh", "tay": "Tày", "thai": "Thái", "muong": "Mường", "khmer": "Khmer",
    "hoa": "Hoa", "nung": "Nùng", "hmong": "Mông", "dao": "Dao", "gia_rai": "Gia Rai",
    "e_de": "Ê Đê", "ba_na": "Ba Na", "san_chay": "Sán Chay", "cham": "Chăm",
    "co_ho": "Cơ Ho", "xo_dang": "Xơ Đăng", "san_diu": "Sán Dìu", "hre": "Hrê",
    "ra_glai": "Ra Glai", "mnong": "Mnông", "tho": "Thổ", "xtieng": "Xtiêng",
    "kho_mu": "Khơ Mú", "bru_van_kieu": "Bru - Vân Kiều", "co_tu": "Cơ Tu", "giay": "Giáy",
    "ta_oi": "Tà Ôi", "ma": "Mạ", "gie_trieng": "Giẻ Triêng", "co": "Co", "cho_ro": "Chơ Ro",
    "xinh_mun": "Xinh Mun", "ha_nhi": "Hà Nhì", "chu_ru": "Chu Ru", "lao": "Lào",
    "la_chi": "La Chí", "khang": "Kháng", "phu_la": "Phù Lá", "la_hu": "La Hủ",
    "la_ha": "La Ha", "pa_then": "Pà Thẻn", "lu": "Lự", "ngai": "Ngái", "chut": "Chứt",
    "lo_lo": "Lô Lô", "mang": "Mảng", "co_lao": "Cờ Lao", "bo_y": "Bố Y", "cong": "Cống",
    "si_la": "Si La", "pu_peo": "Pu Péo", "ro_mam": "Rơ Măm", "brau": "Brâu", "o_du": "Ơ Đu",
}  # fmt: skip
FOREIGN = "foreign"
"""A member who is not a Vietnamese citizen: on the survey form's list, so on the registry's."""
ETHNICITY_CHOICES = [*ETHNICITIES.items(), (FOREIGN, _("Foreign national"))]
MAJORITY_ETHNICITY = "kinh"

FORM_RELATION_TO_REGISTRY: dict[str, str] = {"non_relative": Relation.OTHER}
"""Survey relation codes that differ from the registry's; every other code is the same.

The survey form names "not related" `non_relative` and the registry `other`; the forms
are published and immutable, so the two lists are joined here, in one place, and a test
checks that the mapped form list equals the registry's."""
REGISTRY_RELATION_TO_FORM = {v: k for k, v in FORM_RELATION_TO_REGISTRY.items()}


def relation_from_form(code: str) -> str:
    """The registry's relation code for a survey answer."""
    return FORM_RELATION_TO_REGISTRY.get(code, code)


class PovertyCause(models.TextChoices):
    """Causes of poverty that commune officers record (nguyên nhân nghèo, TT 07/2021 forms)."""

    NO_CAPITAL = "no_capital", _("Lack of capital")
    NO_LAND = "no_land", _("Lack of land for production")
    NO_TOOLS = "no_tools", _("Lack of means of production")
    NO_LABOUR = "no_labour", _("Lack of labour")
    NO_SKILLS = "no_skills", _("Lack of knowledge or skills")
    NO_JOB = "no_job", _("No stable job")
    ILLNESS = "illness", _("Illness, accident or disability")
    MANY_DEPENDANTS = "many_dependants", _("Many dependants")
    DISASTER = "disaster", _("Natural disaster or crop failure")
    SOCIAL_ILLS = "social_ills", _("Social ills (drugs, gambling)")
    NO_WILL = "no_will", _("Lack of will to escape poverty")
    OTHER = "other", _("Other")


class Policy(models.TextChoices):
    """Support policies a household received or needs (chính sách hỗ trợ)."""

    HEALTH_INSURANCE = "health_insurance", _("Health insurance")
    EDUCATION = "education", _("Education support")
    CREDIT = "credit", _("Preferential credit")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    JOB = "job", _("Job placement")
    LIVELIHOOD = "livelihood", _("Livelihood support (seeds, livestock)")
    HOUSING = "housing", _("Housing support")
    WATER_SANITATION = "water_sanitation", _("Clean water and sanitation")
    ELECTRICITY = "electricity", _("Electricity bill support")
    INFORMATION = "information", _("Access to information")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SOCIAL_ASSISTANCE = "social_assistance", _("Monthly social assistance")
    OTHER = "other", _("Other")
