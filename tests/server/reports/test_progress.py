"""Each target measure's progress, projection and on-track flag, from hand-written series."""

from decimal import Decimal

from server.reports.progress import YearPoint, progress, project


def points(*rows: tuple[int, int, int, int]) -> dict[int, YearPoint]:
    """(year, households, poor, near_poor) rows."""
    return {y: YearPoint(year=y, households=h, poor=p, near_poor=n) for y, h, p, n in rows}


def test_projection_is_the_least_squares_line_and_flat_through_one_point() -> None:
    series = [(2016, Decimal(20)), (2017, Decimal(17)), (2018, Decimal("16.5"))]
    assert project(series, 2020) == Decimal("12.58")
    assert project([(2016, Decimal(7))], 2020) == Decimal("7.00")


def test_rate_below_on_track_when_the_line_reaches_the_goal() -> None:
    p = progress(
        measure="rate_below", value=Decimal(5), base_year=2016, target_year=2020,
        points=points((2016, 100, 20, 5), (2017, 100, 15, 5), (2018, 100, 10, 5)),
    )  # fmt: skip
    assert p.series == (
        (2016, Decimal("20.00")),
        (2017, Decimal("15.00")),
        (2018, Decimal("10.00")),
    )
    assert (p.latest_year, p.latest, p.goal, p.projected) == (2018, Decimal("10.00"), 5, 0)
    assert (p.achieved, p.on_track) == (False, True)


def test_rate_below_off_track_when_the_line_stays_above() -> None:
    p = progress(
        measure="rate_below", value=Decimal(5), base_year=2016, target_year=2020,
        points=points((2016, 100, 20, 0), (2017, 100, 19, 0), (2018, 100, 18, 0)),
    )  # fmt: skip
    assert (p.projected, p.on_track) == (Decimal("16.00"), False)


def test_rate_cut_is_behind_once_a_year_misses_its_requirement() -> None:
    p = progress(
        measure="rate_cut", value=Decimal(2), base_year=2016, target_year=2020,
        points=points((2016, 200, 40, 0), (2017, 200, 34, 0), (2018, 200, 33, 0)),
    )  # fmt: skip
    assert p.required == (
        (2017, Decimal(18)), (2018, Decimal(16)), (2019, Decimal(14)), (2020, Decimal(12)),
    )  # fmt: skip
    assert (p.latest, p.projected, p.on_track) == (Decimal("16.50"), Decimal("12.58"), False)


def test_count_cut_on_pace_and_projected_to_meet_the_last_year() -> None:
    p = progress(
        measure="count_cut", value=Decimal(100), base_year=2021, target_year=2023,
        points=points((2021, 9000, 245, 600), (2022, 9000, 145, 500)),
    )  # fmt: skip
    assert p.required == ((2022, Decimal(145)), (2023, Decimal(45)))
    assert (p.projected, p.on_track, p.achieved) == (Decimal("45.00"), True, False)


def test_none_left_off_track_until_the_line_reaches_zero() -> None:
    p = progress(
        measure="none_left", value=Decimal(0), base_year=2021, target_year=2023,
        points=points((2021, 9000, 245, 600), (2022, 9000, 145, 500)),
    )  # fmt: skip
    assert (p.goal, p.projected, p.on_track) == (0, Decimal("45.00"), False)


def test_none_left_achieved_when_the_target_year_has_no_poor_household() -> None:
    p = progress(
        measure="none_left", value=Decimal(0), base_year=2021, target_year=2023,
        points=points((2021, 9000, 245, 600), (2022, 9000, 145, 500), (2023, 9000, 0, 480)),
    )  # fmt: skip
    assert (p.latest, p.achieved, p.on_track) == (Decimal(0), True, True)


def test_near_poor_below_reads_the_near_poor_rate() -> None:
    p = progress(
        measure="near_poor_below", value=Decimal(1), base_year=2022, target_year=2025,
        points=points((2022, 1000, 5, 40), (2023, 1000, 4, 25)),
    )  # fmt: skip
    assert p.series == ((2022, Decimal("4.00")), (2023, Decimal("2.50")))
    assert (p.projected, p.on_track) == (Decimal("0.00"), True)


def test_income_multiple_against_the_base_year_mean() -> None:
    pts = {
        2016: YearPoint(2016, 100, 10, 0, income_sum=6_000_000, income_count=10),
        2018: YearPoint(2018, 100, 8, 0, income_sum=6_400_000, income_count=8),
    }
    p = progress(
        measure="income_multiple", value=Decimal("1.5"), base_year=2016, target_year=2020,
        points=pts,
    )  # fmt: skip
    assert p.series == ((2016, Decimal("1.00")), (2018, Decimal("1.33")))
    assert (p.goal, p.projected, p.on_track) == (Decimal("1.5"), Decimal("1.66"), True)


def test_no_figures_gives_no_flag() -> None:
    p = progress(
        measure="rate_below", value=Decimal(5), base_year=2016, target_year=2020, points={}
    )
    assert (p.latest, p.projected, p.on_track, p.achieved) == (None, None, None, False)
