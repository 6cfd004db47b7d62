"""Add a few households through the registry services, so they reach the sync feed.

Run inside Django: DEBUG=1 .venv/bin/python manage.py shell < bench/app/seed_feed.py
(seed_demo first). Used for screenshots and the cold-start benchmark.
"""

from server.registry.models import Unit
from server.registry.services import household_create

village = Unit.objects.get(code="01290001")
PEOPLE = [
    ("Nguyễn Văn An", "Xóm Trên"),
    ("Hoàng Thị Đào", "Xóm Dưới"),
    ("Lò Văn Páo", "Bản Chang"),
    ("Nông Thị Hoà", "Xóm Trên"),
    ("Triệu Văn Đức", "Bản Chang"),
    ("Lương Thị Mai", "Xóm Giữa"),
]
for index, (name, hamlet) in enumerate(PEOPLE, start=1):
    household_create(
        actor=None,
        village=village,
        members=[
            {
                "full_name": name,
                "sex": "male",
                "birth_year": 1970 + index,
                "relation": "head",
                "ethnicity": "tay",
            }
        ],
        data={"code": f"CT-{index:03d}", "head_name": name, "address": f"{hamlet}, Thôn Bản Chang"},
    )
print("households added:", len(PEOPLE))
