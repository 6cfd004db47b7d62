"""Throwaway databases and gunicorn processes for benchmarks and end-to-end tests.

Everything binds 127.0.0.1. A gunicorn is started in its own process group and always
stopped through that group, so no worker outlives the run that started it. Databases
are created from a prepared template (PostgreSQL `CREATE DATABASE ... TEMPLATE`, or a
copy of the SQLite file), because `migrate` on an empty database takes seconds and a
benchmark wants many identical fresh databases.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
"""The interpreter running this code: its environment has Django and gunicorn."""
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def pg_admin_url(database_url: str | None = None) -> str:
    """The maintenance database URL on the same server as `database_url`."""
    parts = urlsplit(database_url or DEFAULT_PG)
    return urlunsplit(parts._replace(path="/postgres"))


def pg_url(admin_url: str, name: str) -> str:
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def _pg_execute(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as c:
        c.execute(sql)  # type: ignore[arg-type]


@dataclass
class Database:
    """One throwaway database: PostgreSQL (by name) or SQLite (a file in `var_dir`)."""

    vendor: str
    name: str
    var_dir: Path
    admin_url: str = ""

    @property
    def url(self) -> str | None:
        return pg_url(self.admin_url, self.name) if self.vendor == "postgresql" else None

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "chungtay.sqlite3"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for manage.py and gunicorn against this database."""
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="server.settings",
            # Long enough for the start-up check; plain HTTP on loopback, so no TLS redirect.
            SECRET_KEY="bench-only-secret-key-not-for-production-5f0e9c2a7b41d86e",  # noqa: S106
            DEBUG="0",
            SECURE_SSL_REDIRECT="false",
            CHUNGTAY_VAR_DIR=str(self.var_dir),
            MEDIA_ROOT=str(self.var_dir / "media"),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        if self.url:
            env["DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def connect(self) -> object:
        """A DB-API connection for checks that must not go through Django."""
        if self.vendor == "postgresql":
            import psycopg

            assert self.url is not None
            return psycopg.connect(self.url.replace("postgres://", "postgresql://", 1))
        return sqlite3.connect(self.sqlite_path, timeout=30)

    def scalar(self, sql: str) -> object:
        connection = self.connect()
        try:
            row = connection.execute(sql).fetchone()  # type: ignore[attr-defined]
            return row[0]
        finally:
            connection.close()  # type: ignore[attr-defined]

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        connection = self.connect()
        try:
            return list(connection.execute(sql).fetchall())  # type: ignore[attr-defined]
        finally:
            connection.close()  # type: ignore[attr-defined]

    def create(self, template: Database | None = None) -> None:
        """Create empty, or as a copy of `template` (same vendor)."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        if self.vendor == "postgresql":
            clause = f' TEMPLATE "{template.name}"' if template else ""
            _pg_execute(self.admin_url, f'CREATE DATABASE "{self.name}"{clause}')
        elif template is not None:
            checkpoint(template.sqlite_path)
            shutil.copyfile(template.sqlite_path, self.sqlite_path)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            _pg_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.var_dir, ignore_errors=True)


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so copying one file copies the whole database."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def database(vendor: str, name: str, base_dir: Path, admin_url: str | None = None) -> Database:
    return Database(vendor, name, base_dir / name, pg_admin_url(admin_url))


def manage(db: Database, *args: str, timeout: float = 600) -> str:
    """Run manage.py against `db`; raise with its output when it fails."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=db.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def setup_area(db: Database, *args: str, timeout: float = 900) -> dict[str, object]:
    """Run `python -m bench.sync.setup_area` in `db`; return its JSON summary line."""
    done = subprocess.run(
        [PYTHON, "-m", "bench.sync.setup_area", "--json", *args],
        env=db.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"setup_area failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Gunicorn:
    """`gunicorn server.wsgi` on 127.0.0.1:port in its own process group."""

    db: Database
    port: int = field(default_factory=free_port)
    workers: int = 2
    extra_args: tuple[str, ...] = ()
    env_extra: Mapping[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 60) -> None:
        self.log_path = self.db.var_dir / f"gunicorn-{self.port}.log"
        log = self.log_path.open("ab")
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "server.wsgi",
            "-w",
            str(self.workers),
            "-b",
            f"{LOOPBACK}:{self.port}",
            "--graceful-timeout",
            "5",
            *self.extra_args,
        ]
        self.process = subprocess.Popen(
            command,
            env=self.db.env(**dict(self.env_extra)),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_ready(self.port, self.process, timeout)

    def stop(self, *, hard: bool = False) -> None:
        """Stop the whole process group: SIGKILL when hard, else SIGTERM then SIGKILL."""
        process, self.process = self.process, None
        if process is None:
            return
        sig = signal.SIGKILL if hard else signal.SIGTERM
        _signal_group(process, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=10)
        _signal_group(process, signal.SIGKILL)  # stray workers of a killed master

    def worker_pids(self) -> list[int]:
        """The master's children (the workers), from /proc."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far."""
        pids = [self.process.pid] if self.process else []
        return sum(process_cpu_seconds(pid) for pid in pids + self.worker_pids())

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pg_backends_cpu_seconds(db: Database) -> float:
    """CPU used so far by the PostgreSQL backends serving `db` (0 for SQLite)."""
    if db.vendor != "postgresql":
        return 0.0
    rows = db.rows(
        f"SELECT pid FROM pg_stat_activity WHERE datname = '{db.name}' AND pid <> pg_backend_pid()"  # noqa: S608
    )
    return sum(process_cpu_seconds(int(pid)) for (pid,) in rows)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll until the port answers an HTTP request; fail if the process died first."""
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=2)
            connection.request("GET", "/api/v1/sync/pull")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn on port {port} not ready after {timeout}s")


@contextmanager
def running(server: Gunicorn) -> Iterator[Gunicorn]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
