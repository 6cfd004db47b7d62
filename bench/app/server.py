"""Start the Django server on a throwaway seeded database for benchmarks and screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def seeded_server() -> Iterator[str]:
    """Yield the base URL of a server whose database holds bench/app/seed.py's data."""
    work = Path(tempfile.mkdtemp(prefix="chungtay-bench-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "CHUNGTAY_VAR_DIR": str(work),
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    seed = (ROOT / "bench" / "app" / "seed.py").read_text()
    subprocess.run(
        [*manage, "shell"], input=seed, text=True, env=env, check=True, capture_output=True
    )
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/app/", timeout=1)  # noqa: S310 - local URL
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    with seeded_server() as url:
        print(url, file=sys.stderr)
        input("serving; press Enter to stop\n")
