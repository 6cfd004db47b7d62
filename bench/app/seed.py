"""Seed a throwaway database for the app benchmarks and screenshots.

Run inside Django: .venv/bin/python manage.py shell < bench/app/seed.py
Creates one village with a volunteer (ctv / pw-volunteer-1), a reviewer (thamdinh) and
six households written through the registry services, so they reach the sync feed.
"""

from server.accounts.models import Role, UnitAssignment, User
from server.registry.services import household_create, unit_create
from server.surveys.services import publish_shipped_forms

PASSWORD = "pw-volunteer-1"  # noqa: S105 - throwaway benchmark database
publish_shipped_forms()
province = unit_create(code="95", name="Tỉnh Thử", level="province", parent=None)
district = unit_create(code="95-D1", name="Huyện Thử", level="district", parent=province)
commune = unit_create(
    code="95001", name="Xã Thử", level="commune", parent=district, area_type="rural"
)
village = unit_create(code="95001001", name="Thôn Nà Pò", level="village", parent=commune)
volunteer = User.objects.create_user(username="ctv", password=PASSWORD, role=Role.VOLUNTEER)
UnitAssignment.objects.create(user=volunteer, unit=village)
reviewer = User.objects.create_user(
    username="thamdinh", password=PASSWORD, role=Role.DISTRICT_REVIEWER
)
UnitAssignment.objects.create(user=reviewer, unit=district)
PEOPLE = [
    ("Nguyễn Văn An", "Xóm Trên"),
    ("Hoàng Thị Đào", "Xóm Dưới"),
    ("Lò Văn Páo", "Bản Chang"),
    ("Nông Thị Hoà", "Xóm Trên"),
    ("Triệu Văn Đức", "Bản Chang"),
    ("Lương Thị Mai", "Xóm Giữa"),
]
for index, (name, hamlet) in enumerate(PEOPLE, start=1):
    head = {"full_name": name, "sex": "male", "birth_year": 1970 + index}
    household_create(
        actor=None,
        village=village,
        members=[{**head, "relation": "head", "ethnicity": "tay"}],
        data={"code": f"HD{index:03d}", "head_name": name, "address": f"{hamlet}, Thôn Nà Pò"},
    )
