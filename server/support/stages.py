"""The construction stage machine: pure data and functions, no Django.

A record starts at APPROVED (the decision that grants the support). Each later stage is
proved by at least one on-site photo and only in order: a stage may be proved when
every stage before it is proved. Payments name the stage that makes them due.
"""

import enum
from collections.abc import Iterable


class Stage(enum.StrEnum):
    APPROVED = "approved"
    STARTED = "started"
    FOUNDATION = "foundation"
    FRAME_WALLS = "frame_walls"
    ROOF = "roof"
    COMPLETED = "completed"
    IN_USE = "in_use"


ORDER: tuple[Stage, ...] = tuple(Stage)
"""Stages in the order they happen."""

PROVABLE: tuple[Stage, ...] = ORDER[1:]
"""Stages proved by photos; APPROVED is reached by the decision itself."""


def index(stage: Stage) -> int:
    return ORDER.index(stage)


def is_stage(value: str) -> bool:
    return value in {s.value for s in ORDER}


def reached(proved: Iterable[Stage]) -> Stage:
    """The last stage reached: APPROVED, then the end of the unbroken run of proved stages.

    A proved stage after a gap does not count until the gap is proved.
    """
    done = set(proved)
    current = Stage.APPROVED
    for stage in PROVABLE:
        if stage not in done:
            break
        current = stage
    return current


def next_stage(current: Stage) -> Stage | None:
    """The stage to prove after `current`; None once the house is in use."""
    position = index(current)
    return ORDER[position + 1] if position + 1 < len(ORDER) else None


def may_prove(stage: Stage, proved: Iterable[Stage]) -> bool:
    """Whether a proof of `stage` is in order: it is provable and every earlier stage is
    reached, or it is a stage already proved (more photos of the same stage)."""
    done = set(proved)
    if stage not in PROVABLE:
        return False
    if stage in done:
        return True
    return next_stage(reached(done)) == stage


def is_at_least(current: Stage, stage: Stage) -> bool:
    return index(current) >= index(stage)
