"""Model fields shared by the apps."""

from typing import Any

from django.db import models


class JSONField(models.JSONField):
    """A JSONField that PostgreSQL bulk inserts write as VALUES rows, not UNNEST arrays.

    Django 5.2 bulk-inserts through `UNNEST(%s::jsonb[])` on PostgreSQL. psycopg then
    quotes every array element in Python, escaping each double quote with a regular
    expression substitution: a 20-survey push spent a third of its time there. A field
    with `get_placeholder` opts its model's inserts out of UNNEST (see
    django/db/backends/postgresql/compiler.py); the placeholder is Django's default.
    """

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return "%s"
