"""Counting eligible households for the housing-support dashboard: batched reads vs one by one.

    make demo && DEBUG=1 PYTHONPATH=. .venv/bin/python bench/support_eligibility.py

On every demo household of the province (no record yet), times as medians of 5 runs the
verdict for the campaign programme two ways on the same rows:
- baseline: one household at a time, whole latest assessment decoded (three queries each);
- batched: `households_eligibility(..., explain=False)`, four JSON keys read in one query.
Both must give the same verdicts; the script says so.
"""

import os
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
django.setup()

from server.registry.models import Household  # noqa: E402
from server.support.models import Programme  # noqa: E402
from server.support.selectors import households_eligibility  # noqa: E402

RUNS = 5


def _median_seconds(build: Callable[[], object]) -> float:
    build()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    programme = Programme.objects.get(code="xoa-nha-tam")
    rows = list(Household.objects.filter(support_records__isnull=True).order_by("code"))

    def one_by_one() -> dict[object, bool]:
        return {
            h.pk: households_eligibility([h], programme, explain=True)[h.pk].eligible for h in rows
        }

    def batched() -> dict[object, bool]:
        verdicts = households_eligibility(rows, programme, explain=False)
        return {pk: e.eligible for pk, e in verdicts.items()}

    same = one_by_one() == batched()
    base, new = _median_seconds(one_by_one), _median_seconds(batched)
    print(f"{len(rows)} households, median of {RUNS}; same verdicts: {same}")
    print(f"baseline (one by one, explained): {base * 1000:.0f} ms")
    print(f"batched (verdicts only):          {new * 1000:.0f} ms  ratio {new / base:.3f}")


if __name__ == "__main__":
    main()
