"""Settings come from the environment through helpers that fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from server.common.env import database_from_url, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_refuses_non_numbers_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("X_INT", "12a")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1, minimum=1)


def test_database_url_for_postgresql_becomes_a_psycopg_entry():
    entry = database_from_url("postgres://app:s%40cret@db.internal:6543/chungtay?sslmode=require")
    assert entry["ENGINE"] == "django.db.backends.postgresql"
    assert (entry["NAME"], entry["USER"], entry["PASSWORD"], entry["HOST"], entry["PORT"]) == (
        "chungtay",
        "app",
        "s@cret",
        "db.internal",
        "6543",
    )
    assert entry["OPTIONS"] == {"sslmode": "require"}


def test_database_url_with_an_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://root@localhost/x")


UNSET = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "MEDIA_ROOT", "AWS_STORAGE_BUCKET_NAME"}


def _settings_process(
    env: dict[str, str],
    code: str = "import server.settings as s; print(s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ)",
) -> subprocess.CompletedProcess:
    """Import the settings in a new process with only `env` on top of a clean environment."""
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _settings_process({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_language_and_time_zone_defaults():
    result = _settings_process({"DEBUG": "true"})
    assert result.stdout.split() == ["vi", "Asia/Ho_Chi_Minh", "True"]


def test_s3_storage_is_used_when_a_bucket_is_configured():
    code = "import server.settings as s; print(s.STORAGES['default']['BACKEND'])"
    result = _settings_process({"DEBUG": "1", "AWS_STORAGE_BUCKET_NAME": "photos"}, code)
    assert result.stdout.strip() == "storages.backends.s3.S3Storage"


def test_a_fresh_clone_gets_its_sqlite_and_media_folders_made(tmp_path):
    """git ignores var/, so the embedded default must create it before SQLite opens its file."""
    var_dir = tmp_path / "never" / "made" / "var"
    code = "import server.settings as s; print(s.DATABASES['default']['NAME'], s.MEDIA_ROOT)"
    result = _settings_process({"DEBUG": "1", "CHUNGTAY_VAR_DIR": str(var_dir)}, code)
    assert result.stdout.split() == [str(var_dir / "chungtay.sqlite3"), str(var_dir / "media")]
    assert var_dir.is_dir()
    assert (var_dir / "media").is_dir()


def test_a_folder_that_cannot_be_made_stops_start_up_with_its_name(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = _settings_process({"DEBUG": "true", "CHUNGTAY_VAR_DIR": str(blocker / "var")})
    assert result.returncode != 0
    assert f"Folder {blocker / 'var'} cannot be created" in result.stderr
