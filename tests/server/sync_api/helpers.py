"""Building push requests exactly as a phone does: canonical JSON hashes, protocol header."""

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

from sync.rules import payload_sha256

SURVEY_CASES = Path(__file__).resolve().parents[3] / "forms/conformance/survey"
PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"
HEADERS = {"HTTP_X_CHUNGTAY_PROTOCOL": "1"}


def item(
    kind: str, payload: dict[str, Any], *, client_uuid: uuid.UUID | None = None, **extra: Any
) -> dict:
    return {
        "client_uuid": str(client_uuid or uuid.uuid4()),
        "kind": kind,
        "payload": payload,
        "payload_sha256": payload_sha256(payload),
        **extra,
    }


def push(client: Any, *items: dict, **headers: str) -> Any:
    body = json.dumps({"protocol": 1, "items": list(items)}, ensure_ascii=False)
    return client.generic(
        "POST", PUSH, body.encode(), content_type="application/json", **{**HEADERS, **headers}
    )


def pull(client: Any, cursor: str | None = None, limit: int | None = None) -> Any:
    params = {k: v for k, v in {"cursor": cursor, "limit": limit}.items() if v is not None}
    return client.get(PULL, params, **HEADERS)


def household_payload(village: str, code: str = "HD100", **fields: Any) -> dict[str, Any]:
    return {"code": code, "head_name": "Lò Văn Páo", "village": village, **fields}


def survey_answers(case: str = "poor_rural_2024_four_deprivations") -> dict[str, Any]:
    """A conformance case's answers as the phone sends them: decimals and GPS as strings."""
    answers = json.loads((SURVEY_CASES / f"{case}.json").read_text(encoding="utf-8"))["answers"]
    answers["house_gps"] = {k: str(v) for k, v in answers["house_gps"].items()}
    for key, value in list(answers.items()):
        if isinstance(value, float):
            answers[key] = str(value)
    return answers


def declared_photos(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Attachment refs for every photo an answer names: a survey must declare its photos."""
    names = sorted(v for k, v in answers.items() if k.startswith("photo_") and isinstance(v, str))
    return [{"name": n, "sha256": hashlib.sha256(n.encode()).hexdigest(), "size": 1} for n in names]


def survey_item(household: Any, answers: dict[str, Any] | None = None, **extra: Any) -> dict:
    answers = answers or survey_answers()
    extra.setdefault("attachments", declared_photos(answers))
    return item(
        "submission",
        answers,
        form={"id": "household_survey", "version": "1"},
        household_id=str(household.pk),
        **extra,
    )
