"""Valid, varied Phiếu B survey items and small real JPEGs, built without Django.

The answers start from the conformance cases in forms/conformance/survey (each one a
household the scoring engine classifies), then vary names, areas and incomes from a
serial number. The serial is added to an income amount, so two submissions never map
to the same facts and every submission yields its own stored Assessment; the benchmarks
check Assessment count == Submission count on that basis.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sync import rules

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "forms" / "conformance" / "survey"
SURVEY_FORM = {"id": "household_survey", "version": "1"}
HOUSEHOLD_NAMESPACE = uuid.UUID("8d1f5a0e-7c43-4b8a-9a51-3f2d0c9b6e21")
ITEM_NAMESPACE = uuid.UUID("0b6e9c42-5d1a-4f3e-8c7b-2a9d4e6f1b30")
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hoa", "Lan", "Minh", "Páo", "Sử", "Thảo", "Vân", "Xuân"]


@dataclass(frozen=True)
class Photo:
    """One attachment: the declared reference and the bytes behind it."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def ref(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": len(self.data)}


def household_id(commune_code: str, number: int) -> uuid.UUID:
    """Deterministic household identity, so load generators need not read it back."""
    return uuid.uuid5(HOUSEHOLD_NAMESPACE, f"{commune_code}-{number}")


def item_uuid(run: str, serial: int) -> uuid.UUID:
    """A client UUID unique per (run, serial): reruns of one run are true resends."""
    return uuid.uuid5(ITEM_NAMESPACE, f"{run}-{serial}")


VN = ZoneInfo("Asia/Ho_Chi_Minh")


@cache
def _cases() -> tuple[dict[str, Any], ...]:
    """The valid conformance answers, with decimals and GPS as exact text (no floats)."""
    found = []
    for path in sorted(CASES_DIR.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if case.get("expected", {}).get("valid") is False:
            continue
        if case["answers"].get("survey_date", "") > datetime.now(VN).date().isoformat():
            continue  # the server refuses surveys dated in the future
        found.append(_no_floats(case["answers"]))
    return tuple(found)


def _no_floats(value: Any) -> Any:
    """The protocol forbids JSON floats; every decimal travels as its text."""
    if isinstance(value, float):
        return str(value)
    if isinstance(value, dict):
        if set(value) >= {"latitude", "longitude"}:
            return {k: str(v) for k, v in value.items()}
        return {k: _no_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_floats(v) for v in value]
    return value


def survey_answers(serial: int) -> dict[str, Any]:
    """Return valid answers, different for every serial (and deterministic in it)."""
    rng = random.Random(serial)
    cases = _cases()
    answers = copy.deepcopy(cases[serial % len(cases)])
    for member in answers.get("members", []):
        family = member["full_name"].split(" ", 1)[0]
        member["full_name"] = f"{family} {rng.choice(['Văn', 'Thị', 'Đức'])} {rng.choice(GIVEN)}"
    if isinstance(answers.get("living_area"), int):
        answers["living_area"] += rng.randint(0, 20)
    income_keys = sorted(k for k, v in answers.items() if k.startswith("income_") and _int(v))
    if income_keys:
        key = income_keys[serial % len(income_keys)]
        answers[key] += 1000 * (serial % 997) + serial // 997
    if "house_gps" in answers:
        answers["house_gps"] = {
            "latitude": f"{22.3 + rng.random() / 10:.6f}",
            "longitude": f"{103.8 + rng.random() / 10:.6f}",
            "accuracy": str(rng.randint(3, 15)),
        }
    return answers


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def survey_item(
    *, client_uuid: uuid.UUID, household: uuid.UUID, serial: int, photos: tuple[Photo, ...] = ()
) -> dict[str, Any]:
    """A wire push item exactly as a phone sends it (canonical hash of the payload).

    Every photo answer names a declared file (the server refuses others): the given
    photos in turn, or, without photos, a declared placeholder that is never uploaded.
    """
    payload = survey_answers(serial)
    refs = [p.ref() for p in photos]
    for index, key in enumerate(sorted(k for k in payload if k.startswith("photo_"))):
        if photos:
            payload[key] = photos[index % len(photos)].name
        else:
            name = str(payload[key])
            refs.append(
                {"name": name, "sha256": hashlib.sha256(name.encode()).hexdigest(), "size": 1}
            )
    return {
        "client_uuid": str(client_uuid),
        "kind": "submission",
        "form": dict(SURVEY_FORM),
        "household_id": str(household),
        "payload": payload,
        "payload_sha256": rules.payload_sha256(payload),
        "attachments": refs,
    }


def push_body(items: list[dict[str, Any]]) -> bytes:
    """The request body of one push, as the reference client encodes it."""
    return json.dumps({"protocol": 1, "items": items}, ensure_ascii=False).encode("utf-8")


def jpeg(seed: int, *, side: int = 48, quality: int = 70) -> bytes:
    """A small real JPEG whose pixels depend on the seed, so each has its own sha256."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (side, side), (rng.randrange(256), rng.randrange(256), 90))
    pixels = image.load()
    assert pixels is not None
    for _ in range(side * 2):
        x, y = rng.randrange(side), rng.randrange(side)
        pixels[x, y] = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()
