"""Triggers that mark a village dirty on every write to its households, members and
assessments, and on a change of an ancestor's urban/rural kind (see server.reports.services)."""

from typing import Any

from django.db import migrations

from server.reports import triggers as t

CHILD_TABLES = ["registry_member", "submissions_assessment"]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        t.run(schema_editor, [t.PG_FUNCTIONS])
        statements = [t.pg_trigger("registry_household", "reports_mark_household")]
        statements += [t.pg_trigger(table, "reports_mark_via_household") for table in CHILD_TABLES]
        statements += [t.pg_trigger("registry_unit", "reports_mark_unit_area")]
        t.run(schema_editor, statements)
        return
    statements = t.sqlite_household_triggers() + t.sqlite_unit_triggers()
    for table in CHILD_TABLES:
        statements += t.sqlite_child_triggers(table)
    t.run(schema_editor, statements)


def backwards(apps: Any, schema_editor: Any) -> None:
    tables = ["registry_household", *CHILD_TABLES]
    if schema_editor.connection.vendor == "postgresql":
        t.run(schema_editor, [t.pg_drop(table) for table in [*tables, "registry_unit"]])
        return
    statements = [sql for table in tables for sql in t.sqlite_drop(table)]
    t.run(schema_editor, statements + t.sqlite_drop("registry_unit", "u"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("registry", "0006_member_one_head"),
        ("submissions", "0002_json_fields_insert_as_values"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
