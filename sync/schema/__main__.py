"""Regenerate the committed protocol schema snapshot: `python -m sync.schema`."""

from __future__ import annotations

import json
import sys

from sync import codec
from sync.schema import snapshot_path
from sync.version import PROTOCOL_VERSION


def main() -> int:
    path = snapshot_path(PROTOCOL_VERSION)
    text = json.dumps(codec.json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
