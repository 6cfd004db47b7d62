"""The import-linter contracts in pyproject.toml catch the imports they exist to forbid.

Each case copies the Python sources and pyproject.toml into a temporary directory, adds
one import to one module, and runs `lint-imports` there, as `make lint` does. The
unchanged copy passing first shows that the added line, and nothing else, breaks it.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

APP_ORDER = "apps import only the apps below them"
INSIDE_APP = "inside an app: apis -> services -> selectors -> models"
MODELS_STAY_LOW = "models import no app's views, serializers, services or selectors"


def _python_only(directory: str, names: list[str]) -> set[str]:
    """Copy packages and their .py files; skip caches, static files and data."""
    return {
        name
        for name in names
        if name == "__pycache__"
        or (not name.endswith(".py") and not (Path(directory) / name).is_dir())
    }


@pytest.fixture
def source_copy(tmp_path):
    for package in ("forms", "sync", "server"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def broken_contracts(root: Path) -> set[str]:
    """Names of the contracts `lint-imports` reports broken for the sources under `root`."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    verdicts = re.findall(r"^(.+) (KEPT|BROKEN)\b", result.stdout, flags=re.MULTILINE)
    assert len(verdicts) == 4, result.stdout + result.stderr
    broken = {name for name, verdict in verdicts if verdict == "BROKEN"}
    assert (result.returncode != 0) == bool(broken)
    return broken


def add_line(root: Path, module: str, line: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def test_the_unchanged_sources_keep_every_contract(source_copy):
    assert broken_contracts(source_copy) == set()


def test_a_model_importing_an_api_of_a_higher_app_fails_the_lint(source_copy):
    add_line(source_copy, "server.registry.models", "from server.sync_api import apis  # noqa")
    # The sync views lead back into the registry's services: a chain from its models up.
    assert broken_contracts(source_copy) == {APP_ORDER, INSIDE_APP, MODELS_STAY_LOW}


def test_a_model_importing_an_api_of_a_lower_app_fails_the_lint(source_copy):
    add_line(source_copy, "server.sync_api.models", "from server.registry import apis  # noqa")
    # The registry's selectors reach sync models through the access module, then its views.
    assert broken_contracts(source_copy) == {INSIDE_APP, MODELS_STAY_LOW}


def test_a_selector_importing_its_own_apps_services_fails_the_lint(source_copy):
    add_line(source_copy, "server.registry.selectors", "from server.registry import services")
    assert broken_contracts(source_copy) == {INSIDE_APP}


def test_an_import_hidden_inside_a_function_still_fails_the_lint(source_copy):
    add_line(
        source_copy,
        "server.registry.services",
        "def _later():\n    from server.submissions import services  # noqa",
    )
    assert broken_contracts(source_copy) == {APP_ORDER}


def test_the_access_module_may_read_models_but_nothing_above_them(source_copy):
    add_line(source_copy, "server.accounts.access", "from server.registry import selectors")
    assert broken_contracts(source_copy) == {APP_ORDER}
