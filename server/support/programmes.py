"""The programmes shipped with the system, as data; migration 0002 loads them.

Amounts are VND per house. Where the legal text was not re-read for this release, the
source says so (see ../shared/docs/staff-side.md §3 for the marks).
"""

from typing import Any, Final

ALL_STAGES: Final = [
    "approved",
    "started",
    "foundation",
    "frame_walls",
    "roof",
    "completed",
    "in_use",
]

TT01_RULES: Final = ["no_house", "non_durable", "area_per_person", "no_earlier_support"]
QD55_RULES: Final = [*TT01_RULES, "single_person_area", "old_deteriorated"]

TT01_SOURCE: Final = "Thông tư 01/2022/TT-BXD, Điều 6 (đối tượng và điều kiện hỗ trợ nhà ở)"
QD55_SOURCE: Final = (
    "Thông tư 01/2022/TT-BXD, Điều 6; Quyết định 55/QĐ-BXD (2025): dưới 18 m² cho người ở "
    "một mình, nhà bền chắc từ 20 năm đã xuống cấp (chưa đối chiếu lại văn bản)"
)
PAYMENT_SOURCE: Final = (
    "Thông tư 55/2023/TT-BTC, Điều 75: xây mới tạm ứng 70% sau phần móng, 30% khi hoàn thành; "
    "sửa chữa 70% sau khi làm được 30% khối lượng (giai đoạn khung, tường), 30% khi hoàn thành"
)

PROGRAMMES: Final[list[dict[str, Any]]] = [
    {
        "code": "project-5",
        "name_vi": "Dự án 5, Chương trình MTQG giảm nghèo bền vững: hỗ trợ nhà ở",
        "name_en": "Project 5 of the national target programme: housing support",
        "kind": "national_target",
        "legal_ref": "TT 01/2022/TT-BXD",
        "source_text": "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo ở huyện nghèo.",
        "eligibility_rules": TT01_RULES,
        "eligibility_source": TT01_SOURCE,
        "requires_poverty_status": True,
        "amounts": [
            ("new_build", 40_000_000, "2022-01-01", "TT 01/2022/TT-BXD, Điều 6"),
            ("repair", 20_000_000, "2022-01-01", "TT 01/2022/TT-BXD, Điều 6"),
        ],
    },
    {
        "code": "xoa-nha-tam",
        "name_vi": "Phong trào chung tay xóa nhà tạm, nhà dột nát",
        "name_en": "Campaign to remove temporary and dilapidated houses",
        "kind": "campaign",
        "legal_ref": "QĐ 1243/QĐ-TTg",
        "source_text": "Mức hỗ trợ tăng từ ngày 10/11/2024 (chưa đối chiếu lại văn bản).",
        "eligibility_rules": QD55_RULES,
        "eligibility_source": QD55_SOURCE,
        "requires_poverty_status": True,
        "amounts": [
            ("new_build", 40_000_000, "2024-04-13", "TT 01/2022/TT-BXD (mức trước 10/11/2024)"),
            ("repair", 20_000_000, "2024-04-13", "TT 01/2022/TT-BXD (mức trước 10/11/2024)"),
            ("new_build", 60_000_000, "2024-11-10", "QĐ 1243/QĐ-TTg ngày 10/11/2024"),
            ("repair", 30_000_000, "2024-11-10", "QĐ 1243/QĐ-TTg ngày 10/11/2024"),
        ],
    },
    {
        "code": "nguoi-co-cong",
        "name_vi": "Hỗ trợ nhà ở cho người có công với cách mạng",
        "name_en": "Housing for households with meritorious service",
        "kind": "meritorious",
        "legal_ref": "QĐ 22/2013/QĐ-TTg; QĐ 21/2024/QĐ-TTg",
        "source_text": "Không phải chương trình giảm nghèo; cùng các giai đoạn.",
        "eligibility_rules": ["meritorious_member", *TT01_RULES],
        "eligibility_source": "QĐ 22/2013/QĐ-TTg; QĐ 21/2024/QĐ-TTg (chưa đối chiếu lại)",
        "requires_poverty_status": False,
        "amounts": [
            ("new_build", 60_000_000, "2024-11-10", "QĐ 21/2024/QĐ-TTg"),
            ("repair", 30_000_000, "2024-11-10", "QĐ 21/2024/QĐ-TTg"),
        ],
    },
    {
        "code": "dai-doan-ket",
        "name_vi": "Nhà Đại đoàn kết, Quỹ Vì người nghèo",
        "name_en": "Great Solidarity houses, Fund for the Poor",
        "kind": "fund_for_the_poor",
        "legal_ref": "Ủy ban MTTQ Việt Nam, Quỹ Vì người nghèo (mức theo địa phương)",
        "source_text": "Mức từ 30 đến 150 triệu đồng tùy địa phương; nhà tài trợ đóng góp.",
        "eligibility_rules": TT01_RULES,
        "eligibility_source": TT01_SOURCE,
        "requires_poverty_status": True,
        "amounts": [
            ("new_build", 50_000_000, "2024-01-01", "Mức tham khảo; địa phương quyết định"),
            ("repair", 30_000_000, "2024-01-01", "Mức tham khảo; địa phương quyết định"),
        ],
    },
    {
        "code": "dia-phuong",
        "name_vi": "Chương trình hỗ trợ nhà ở của địa phương",
        "name_en": "Local housing programme",
        "kind": "local",
        "legal_ref": "Nghị quyết HĐND tỉnh (điền khi áp dụng)",
        "source_text": "Mức do Hội đồng nhân dân tỉnh quyết định.",
        "eligibility_rules": TT01_RULES,
        "eligibility_source": TT01_SOURCE,
        "requires_poverty_status": True,
        "amounts": [
            ("new_build", 40_000_000, "2024-01-01", "Mức tham khảo; HĐND tỉnh quyết định"),
            ("repair", 20_000_000, "2024-01-01", "Mức tham khảo; HĐND tỉnh quyết định"),
        ],
    },
]
