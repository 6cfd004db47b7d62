"""Entry point: `python -m sync.client push-folder DIR --server URL --token TOKEN`."""

from __future__ import annotations

from sync.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
