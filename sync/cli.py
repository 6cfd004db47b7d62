"""Command line of the reference client: `python -m sync.client push-folder DIR ...`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from sync.client.backoff import RetriesExhausted
from sync.client.client import SyncClient, SyncRefused, outcome_counts
from sync.client.folder import load_folder
from sync.client.outbox import Outbox
from sync.client.transport import HttpTransport
from sync.errors import DecodeError

OUTBOX_NAME = ".chungtay-outbox.sqlite3"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sync.client")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("push-folder", "pull"):
        command = commands.add_parser(name)
        if name == "push-folder":
            command.add_argument("folder", type=Path)
        command.add_argument("--server", required=True, help="e.g. https://chungtay.example.vn")
        command.add_argument("--token", required=True, help="the device token")
        command.add_argument("--outbox", type=Path, help=f"SQLite file (default DIR/{OUTBOX_NAME})")
        command.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 0 on success, 1 when something stays unsent, 2 on refusal."""
    args = _parser().parse_args(argv)
    default_dir = args.folder if args.command == "push-folder" else Path.cwd()
    outbox = Outbox(args.outbox or default_dir / OUTBOX_NAME)
    client = SyncClient(
        transport=HttpTransport(args.server, timeout=args.timeout), outbox=outbox, token=args.token
    )
    try:
        return _run(args, client, outbox)
    except (SyncRefused, DecodeError) as error:
        print(json.dumps({"refused": str(error)}, ensure_ascii=False))
        return 2
    except RetriesExhausted as error:
        print(json.dumps({"unreachable": str(error)}, ensure_ascii=False))
        return 1
    finally:
        outbox.close()


def _run(args: argparse.Namespace, client: SyncClient, outbox: Outbox) -> int:
    if args.command == "pull":
        print(json.dumps({"changes": client.pull()}))
        return 0
    exports = load_folder(args.folder)
    enqueued = sum(outbox.enqueue(e.item, e.files) for e in exports)
    report = client.push()
    states = outbox.item_states().values()
    summary = {
        "files": len(exports),
        "enqueued": enqueued,
        "outcomes": outcome_counts(report),
        "uploaded": report.uploaded,
        "failed_uploads": report.failed_uploads,
        "unsent": sum(state in ("waiting", "sending") for state in states),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if summary["unsent"] == 0 and report.failed_uploads == 0 else 1
