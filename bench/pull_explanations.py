"""What the plain-language reasons add to a pull page of assessments.

    make demo && DEBUG=1 PYTHONPATH=. .venv/bin/python bench/pull_explanations.py

Reads 500 of the demo's latest assessments and times, as medians of 5 runs, building and
serialising the phone's assessment entries two ways on the same rows:
- baseline: the summary sent before explanations (decision, indicator verdicts and reasons);
- explained: the entries pull sends now, with `explanation_vi`/`_en` rendered from the facts.
"""

import json
import os
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
django.setup()

from server.submissions.explanations import assessments_explain  # noqa: E402
from server.submissions.models import Assessment  # noqa: E402
from server.sync_api import feed  # noqa: E402

ROWS = 500
RUNS = 5


def _summary(a: Assessment) -> dict[str, object]:
    indicators = a.result.get("indicators", [])
    return {
        "decision": a.result.get("decision"),
        "indicators": [{k: i.get(k) for k in feed._INDICATOR_KEYS} for i in indicators],
    }


def _median_seconds(build: Callable[[], str]) -> float:
    build()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rows = list(Assessment.objects.filter(is_latest=True).order_by("pk")[:ROWS])

    def baseline() -> str:
        return json.dumps([_summary(a) for a in rows], ensure_ascii=False)

    def explained() -> str:
        texts = assessments_explain(rows, statuses=feed._EXPLAINED_ON_PHONE)
        return json.dumps([feed.assessment_data(a, texts[a.pk]) for a in rows], ensure_ascii=False)

    base, new = _median_seconds(baseline), _median_seconds(explained)
    print(f"{len(rows)} assessments, median of {RUNS}")
    print(f"baseline (summary only): {base * 1000:.0f} ms")
    print(f"explained (as pulled):   {new * 1000:.0f} ms  ratio {new / base:.1f}")
    print(f"added per assessment:    {(new - base) / len(rows) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
