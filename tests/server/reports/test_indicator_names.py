"""Indicators are named in words under the standard in force, not by code alone."""

from django.utils import translation

from server.reports.labels import indicator_name
from server.reports.templatetags.reports import indicator_label


def test_an_indicator_is_named_under_the_standard_in_force() -> None:
    with translation.override("vi"):
        assert indicator_name("J1", 2025) == "J1 · Việc làm"
        assert indicator_name("H1", 2025) == "H1 · Dinh dưỡng"
        assert indicator_name("H1", 2019) == "H1 · Tiếp cận các dịch vụ y tế"


def test_english_names_follow_the_language_switch() -> None:
    with translation.override("en"):
        assert indicator_name("J1", 2025).startswith("J1 · ")
        assert indicator_name("J1", 2025) != "J1 · Việc làm"


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert indicator_name("Z9", 2025) == "Z9"


def test_the_table_filter_reads_the_counter_key() -> None:
    with translation.override("vi"):
        assert indicator_label("ind:J1:deprived") == "J1 · Việc làm"
