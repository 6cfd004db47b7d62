"""Read a folder of exported surveys (JSON files with photos beside them) as push items.

An export without `client_uuid` gets one derived from its own content (UUIDv5), so
pushing the same folder twice yields `duplicate`, never a second submission.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync import codec, rules
from sync.errors import DecodeError, Issue, issue
from sync.messages import PushItem

EXPORT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://chungtay.vn/sync/export")


@dataclass(frozen=True)
class Export:
    """One exported file turned into a push item and its attachment paths."""

    source: Path
    item: PushItem
    files: dict[str, Path]


def load_folder(folder: Path) -> list[Export]:
    """Load every *.json in `folder` (sorted by name); raise DecodeError on any fault."""
    return [load_export(path) for path in sorted(folder.glob("*.json"))]


def load_export(path: Path) -> Export:
    """Turn one export into a wire item: hash the payload and each photo beside it."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise DecodeError([issue(path.name, "wrong_type", expected="object")])
    names = raw.get("attachments", [])
    files = {str(name): path.parent / str(name) for name in names}
    missing = [
        issue(f"{path.name}.attachments[{i}]", "file_missing", name=name)
        for i, (name, file) in enumerate(files.items())
        if not file.is_file()
    ]
    if missing:
        raise DecodeError(missing)
    wire = _wire_item(raw, files)
    problems: list[Issue] = []
    item = codec.decode_item(wire, path=path.name, issues=problems)
    if item is None:
        raise DecodeError(problems)
    return Export(source=path, item=item, files=files)


def _wire_item(raw: dict[str, Any], files: dict[str, Path]) -> dict[str, Any]:
    payload = raw.get("payload", {})
    wire = {**raw, "kind": raw.get("kind", "submission"), "payload": payload}
    wire.setdefault(
        "client_uuid", str(uuid.uuid5(EXPORT_NAMESPACE, rules.canonical_json(raw).hex()))
    )
    wire["payload_sha256"] = rules.payload_sha256(payload) if isinstance(payload, dict) else ""
    wire["attachments"] = [_ref(name, file) for name, file in files.items()]
    return wire


def _ref(name: str, file: Path) -> dict[str, Any]:
    data = file.read_bytes() if file.is_file() else b""
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
