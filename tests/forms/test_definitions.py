"""The shipped definitions: they load, carry both languages and implement Phiếu A's rule."""

from __future__ import annotations

import re
from typing import Any

import pytest

from forms import FormDefinition, iter_shipped_definitions, resolve, validate
from forms.shipped import find_shipped, shipped_definition_paths

VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I
)
CRITERIA = [f"c0{i}" for i in range(1, 10)]


def screening_answers(met: int) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "survey_date": "2026-09-10",
        "review_year": 2026,
        "area_type": "rural",
        "head_name": "Nguyễn Văn Hùng",
        "member_count": 4,
    }
    ids = [
        node.id for node in find_shipped("household_screening").walk() if node.id[:3] in CRITERIA
    ]
    for index, qid in enumerate(ids):
        answers[qid] = "yes" if index < met else "no"
    return answers


def test_every_definition_file_loads_with_a_unique_id_and_version() -> None:
    forms = list(iter_shipped_definitions())
    assert len(forms) == len(shipped_definition_paths()) >= 2
    assert len({(f.id, f.version) for f in forms}) == len(forms)


def test_definition_file_name_matches_its_version() -> None:
    for path, form in zip(shipped_definition_paths(), iter_shipped_definitions(), strict=True):
        assert (path.parent.name, path.stem) == (form.id, f"v{form.version}")


@pytest.mark.parametrize("form", list(iter_shipped_definitions()), ids=lambda f: f.id)
def test_every_label_has_vietnamese_with_diacritics_and_english(form: FormDefinition) -> None:
    labelled = [node for node in form.walk() if node.label is not None]
    assert all(node.label.vi.strip() and node.label.en.strip() for node in labelled)  # type: ignore[union-attr]
    with_diacritics = [n for n in labelled if VIETNAMESE_LETTERS.search(n.label.vi)]  # type: ignore[union-attr]
    assert len(with_diacritics) >= 0.9 * len(labelled)


def test_survey_uses_the_official_terminology(survey: FormDefinition) -> None:
    texts = (
        " ".join(
            text.vi
            for node in survey.walk()
            for text in (node.label, node.hint, node.constraint_message)
            if text is not None
        )
        + " "
        + " ".join(c.label.vi for cl in survey.choice_lists.values() for c in cl.choices)
    )
    for term in (
        "Chủ hộ",
        "Nhân khẩu",
        "Bảo hiểm y tế",
        "Nhà tạm, nhà thiếu kiên cố",
        "Nguồn nước sinh hoạt hợp vệ sinh",
        "Nhà tiêu hợp vệ sinh",
        "Hộ gia đình",
    ):
        assert term in texts, term


def test_survey_lists_the_54_ethnic_groups(survey: FormDefinition) -> None:
    codes = survey.choice_lists["ethnicity"].values()
    assert len(codes - {"foreign"}) == 54
    assert {"kinh", "tay", "hmong", "khmer", "o_du", "ro_mam"} <= codes


def test_screening_has_nine_provisional_criteria(screening: FormDefinition) -> None:
    criteria = [node for node in screening.walk() if node.id[:3] in CRITERIA]
    assert len(criteria) == 9
    assert all(node.provisional and node.required for node in criteria)
    assert screening.provisional


@pytest.mark.parametrize(("met", "screened_out"), [(0, False), (3, False), (4, True), (9, True)])
def test_four_or_more_criteria_screen_the_household_out(met: int, screened_out: bool) -> None:
    form = find_shipped("household_screening")
    answers = screening_answers(met)
    assert validate(form, answers) == []
    values = resolve(form, answers).values
    assert (values["criteria_met"], values["screened_out"]) == (met, screened_out)


def test_screening_requires_every_criterion() -> None:
    form = find_shipped("household_screening")
    answers = screening_answers(2)
    del answers["c05_production_assets"]
    assert [(e.path, e.code) for e in validate(form, answers)] == [
        ("c05_production_assets", "required")
    ]


def test_survey_calculations_are_exposed_by_resolve(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    values = resolve(survey, household).values
    assert values["member_count"] == 3
    assert values["income_total_12m"] == 57000000
    assert str(values["income_per_person_month"]) == "1583333"
    assert values["non_durable_parts"] == 0
    assert values["members"][2]["age_year_end"] == 12  # type: ignore[index, call-overload]


def test_find_shipped_picks_the_highest_version_by_default() -> None:
    assert find_shipped("household_survey").version == "1"
    with pytest.raises(LookupError):
        find_shipped("household_survey", "9")
