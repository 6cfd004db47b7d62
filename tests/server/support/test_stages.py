"""The stage machine, exhaustively: every set of proved stages against a plain oracle."""

from itertools import combinations

import pytest

from server.support import stages
from server.support.stages import ORDER, PROVABLE, Stage

ALL_SUBSETS = [
    frozenset(combo) for n in range(len(PROVABLE) + 1) for combo in combinations(PROVABLE, n)
]


def oracle_reached(proved: frozenset[Stage]) -> Stage:
    """The longest run of provable stages from the start, written as a count."""
    run = 0
    while run < len(PROVABLE) and PROVABLE[run] in proved:
        run += 1
    return ORDER[run]


def test_the_order_is_the_legal_sequence():
    assert [s.value for s in ORDER] == [
        "approved",
        "started",
        "foundation",
        "frame_walls",
        "roof",
        "completed",
        "in_use",
    ]
    assert Stage.APPROVED not in PROVABLE


@pytest.mark.parametrize("proved", ALL_SUBSETS, ids=lambda s: ",".join(sorted(s)) or "none")
def test_reached_is_the_end_of_the_unbroken_run(proved):
    assert stages.reached(proved) == oracle_reached(proved)


@pytest.mark.parametrize("proved", ALL_SUBSETS, ids=lambda s: ",".join(sorted(s)) or "none")
@pytest.mark.parametrize("stage", list(ORDER))
def test_a_stage_may_be_proved_next_or_again_never_ahead(proved, stage):
    reached = oracle_reached(proved)
    in_order = stage != Stage.APPROVED and (
        stage in proved or ORDER.index(stage) == ORDER.index(reached) + 1
    )
    assert stages.may_prove(stage, proved) is in_order


def test_next_stage_walks_the_order_and_ends_at_in_use():
    walked = [Stage.APPROVED]
    while (following := stages.next_stage(walked[-1])) is not None:
        walked.append(following)
    assert walked == list(ORDER)


def test_a_gap_holds_the_record_back():
    assert stages.reached({Stage.STARTED, Stage.ROOF}) == Stage.STARTED
    assert stages.may_prove(Stage.FRAME_WALLS, {Stage.STARTED, Stage.ROOF}) is False
    assert stages.may_prove(Stage.FOUNDATION, {Stage.STARTED, Stage.ROOF}) is True


@pytest.mark.parametrize("value", ["", "APPROVED", "walls", "done"])
def test_unknown_names_are_not_stages(value):
    assert stages.is_stage(value) is False


def test_is_at_least_follows_the_order():
    for i, a in enumerate(ORDER):
        for j, b in enumerate(ORDER):
            assert stages.is_at_least(a, b) is (i >= j)
