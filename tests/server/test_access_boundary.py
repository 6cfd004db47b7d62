"""Household-owned records are read only through the access module, selectors or services.

Scans the server's source: a `<Model>.objects` on one of these models anywhere else
fails, unless the chain goes straight into the scoping wrapper (`.objects.visible_to(user)`)
or the module is on the short, explained allow-list below.
"""

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "server"

GUARDED = {
    "Household",
    "Member",
    "HouseholdChange",
    "Submission",
    "Assessment",
    "ConflictCopy",
    "Attachment",
}

ALLOWED_NAMES = {"access.py", "selectors.py", "services.py"}

# Modules that write or compute for the system rather than read for a user. Each reads
# rows that are already scoped another way; their user-facing checks call the access module.
ALLOW_LIST = {
    "demo/seed.py": "seeds the demo; acts for no user",
    "demo/management/commands/seed_demo.py": "prints totals after seeding",
    "demo/review_round.py": "seeds the demo's review rounds; writes go through review services",
    "sync_api/store.py": "receipts and batch rows; targets checked through access first",
    "sync_api/feed.py": "builds pull pages from feed entries already filtered by scope",
    "sync_api/uploads.py": "upload store adapter; keyed by the pusher's own receipts",
    "evidence/apis.py": "reads photos of a submission fetched through submission_get",
    "evidence/checks.py": "photo checks run on an attachment already received",
    "review/flags.py": "EXISTS subqueries correlated to households already read through access",
    "review/selectors_queue.py": "latest-assessment subqueries correlated to visible households",
}


def _is_allowed_module(relative: str) -> bool:
    path = Path(relative)
    return "migrations" in path.parts or path.name in ALLOWED_NAMES or relative in ALLOW_LIST


def _scoped_chains(tree: ast.AST) -> set[int]:
    """ids of `<Model>.objects` nodes that are immediately narrowed by `.visible_to(...)`."""
    return {
        id(node.func.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "visible_to"
        and isinstance(node.func.value, ast.Attribute)
    }


def unscoped_reads(source: str) -> list[tuple[int, str]]:
    """Line and model of every guarded `<Model>.objects` not narrowed by the scoping rule."""
    tree = ast.parse(source)
    scoped = _scoped_chains(tree)
    return [
        (node.lineno, node.value.id)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id in GUARDED
        and id(node) not in scoped
    ]


def test_guarded_models_are_read_only_through_the_access_module():
    offenders = []
    for path in sorted(SERVER.rglob("*.py")):
        relative = path.relative_to(SERVER).as_posix()
        if _is_allowed_module(relative):
            continue
        offenders += [
            f"server/{relative}:{line} {model}.objects"
            for line, model in unscoped_reads(path.read_text(encoding="utf-8"))
        ]
    assert offenders == []


def test_every_allow_listed_module_exists_and_still_needs_its_exemption():
    stale = [
        name
        for name in ALLOW_LIST
        if not (SERVER / name).exists()
        or not unscoped_reads((SERVER / name).read_text(encoding="utf-8"))
    ]
    assert stale == []


def test_the_scan_catches_a_direct_read_and_spares_the_scoping_wrapper():
    source = (
        "a = Household.objects.filter(pk=1)\n"
        "b = Household.objects.visible_to(user).filter(pk=1)\n"
        "c = Unit.objects.all()\n"
        "d = Member.objects.visible_to(user).current()\n"
        "e = Submission.objects.get(pk=2)\n"
    )
    assert unscoped_reads(source) == [(1, "Household"), (5, "Submission")]
