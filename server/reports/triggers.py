# ruff: noqa: S608  (fixed SQL text built from constants; no value comes from outside)
"""SQL of the triggers that mark villages dirty, for PostgreSQL and SQLite.

Used by migrations only; kept here so a later migration can add a table the same way.
A marker row is inserted in the writer's transaction for the old and the new village of
every changed row, so the stored counters can never silently miss a write.
"""

from typing import Any

MARK = "INSERT INTO reports_dirtyvillage (village_id)"
_VIA = "SELECT village_id FROM registry_household WHERE id = {row}.household_id"

PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION reports_mark_household() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {MARK} VALUES (OLD.village_id); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.village_id <> OLD.village_id) THEN
    {MARK} VALUES (NEW.village_id);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reports_mark_via_household() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {MARK} {_VIA.format(row="OLD")}; END IF;
  IF TG_OP <> 'DELETE' THEN {MARK} {_VIA.format(row="NEW")}; END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reports_mark_unit_area() RETURNS trigger AS $$
BEGIN
  IF NEW.area_type IS DISTINCT FROM OLD.area_type THEN
    {MARK} SELECT id FROM registry_unit
      WHERE level = 'village' AND substr(path, 1, length(NEW.path)) = NEW.path;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def pg_trigger(table: str, function: str) -> str:
    return (
        f"CREATE TRIGGER reports_dirty_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}();"
    )


def pg_drop(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS reports_dirty_{table} ON {table};"


def sqlite_household_triggers() -> list[str]:
    t = "registry_household"
    return [
        f"CREATE TRIGGER reports_dirty_{t}_i AFTER INSERT ON {t} "
        f"BEGIN {MARK} VALUES (NEW.village_id); END;",
        f"CREATE TRIGGER reports_dirty_{t}_u AFTER UPDATE ON {t} BEGIN "
        f"{MARK} VALUES (OLD.village_id); "
        f"{MARK} SELECT NEW.village_id WHERE NEW.village_id <> OLD.village_id; END;",
        f"CREATE TRIGGER reports_dirty_{t}_d AFTER DELETE ON {t} "
        f"BEGIN {MARK} VALUES (OLD.village_id); END;",
    ]


def sqlite_child_triggers(table: str) -> list[str]:
    old, new = _VIA.format(row="OLD"), _VIA.format(row="NEW")
    return [
        f"CREATE TRIGGER reports_dirty_{table}_i AFTER INSERT ON {table} BEGIN {MARK} {new}; END;",
        f"CREATE TRIGGER reports_dirty_{table}_u AFTER UPDATE ON {table} "
        f"BEGIN {MARK} {old}; {MARK} {new}; END;",
        f"CREATE TRIGGER reports_dirty_{table}_d AFTER DELETE ON {table} BEGIN {MARK} {old}; END;",
    ]


def sqlite_unit_triggers() -> list[str]:
    return [
        "CREATE TRIGGER reports_dirty_registry_unit_u AFTER UPDATE OF area_type ON registry_unit "
        f"WHEN NEW.area_type IS NOT OLD.area_type BEGIN {MARK} SELECT id FROM registry_unit "
        "WHERE level = 'village' AND substr(path, 1, length(NEW.path)) = NEW.path; END;"
    ]


def sqlite_drop(table: str, suffixes: str = "iud") -> list[str]:
    return [f"DROP TRIGGER IF EXISTS reports_dirty_{table}_{s};" for s in suffixes]


def run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)
