"""Exported survey folders become push items with stable, content-derived identities."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest

from sync.client.folder import EXPORT_NAMESPACE, load_export, load_folder
from sync.errors import DecodeError
from sync.messages import AttachmentRef, FormRef, ItemKind
from tests.sync.builders import PHOTO, PHOTO_REF

EXPORT = {"form": {"id": "phieu_b", "version": "2025.1"}, "payload": {"ho_ten": "Hà"}}


def write(folder: Path, name: str, body: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def test_export_without_uuid_gets_the_same_uuid_every_time(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", EXPORT)
    first, second = load_export(path), load_export(path)
    assert first.item.client_uuid == second.item.client_uuid
    assert first.item.client_uuid.version == 5
    assert UUID(str(first.item.client_uuid)) != EXPORT_NAMESPACE


def test_export_defaults_to_a_submission_and_hashes_its_photo(tmp_path: Path) -> None:
    (tmp_path / "roof.jpg").write_bytes(PHOTO)
    export = load_export(write(tmp_path, "a.json", {**EXPORT, "attachments": ["roof.jpg"]}))
    assert export.item.kind is ItemKind.SUBMISSION
    assert export.item.form == FormRef("phieu_b", "2025.1")
    assert export.item.attachments == (AttachmentRef("roof.jpg", PHOTO_REF.sha256, len(PHOTO)),)
    assert export.files == {"roof.jpg": tmp_path / "roof.jpg"}


def test_export_with_explicit_uuid_keeps_it(tmp_path: Path) -> None:
    uuid = "5f1d2c3b-0000-4000-8000-000000000001"
    export = load_export(write(tmp_path, "a.json", {**EXPORT, "client_uuid": uuid}))
    assert export.item.client_uuid == UUID(uuid)


def test_broken_export_names_the_file_and_field(tmp_path: Path) -> None:
    with pytest.raises(DecodeError) as caught:
        load_export(write(tmp_path, "b.json", {"form": {"id": "phieu_b"}, "payload": {"x": 0.5}}))
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("b.json.payload.x", "float_not_allowed"),
        ("b.json.form.version", "required"),
    ]


def test_missing_photo_is_refused_before_anything_is_queued(tmp_path: Path) -> None:
    with pytest.raises(DecodeError) as caught:
        load_export(write(tmp_path, "c.json", {**EXPORT, "attachments": ["gone.jpg"]}))
    assert [(i.path, i.code) for i in caught.value.issues] == [
        ("c.json.attachments[0]", "file_missing")
    ]


def test_folder_is_read_in_file_name_order(tmp_path: Path) -> None:
    write(tmp_path, "b.json", {**EXPORT, "payload": {"ho_ten": "B"}})
    write(tmp_path, "a.json", {**EXPORT, "payload": {"ho_ten": "A"}})
    assert [e.source.name for e in load_folder(tmp_path)] == ["a.json", "b.json"]
