"""Mark a village dirty when its households' official status history changes."""

from typing import Any

from django.db import migrations

from server.reports import triggers as t

TABLE = "registry_householdstatusrecord"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        t.run(schema_editor, [t.pg_trigger(TABLE, "reports_mark_via_household")])
    else:
        t.run(schema_editor, t.sqlite_child_triggers(TABLE))


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        t.run(schema_editor, [t.pg_drop(TABLE)])
    else:
        t.run(schema_editor, t.sqlite_drop(TABLE))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_poor_commune"),
        ("registry", "0007_household_needs_status_history"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
