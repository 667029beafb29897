"""The audit table refuses UPDATE and DELETE in the database itself, whoever connects."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "cscperf_web_auditrecord"

SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS cscperf_audit_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit records cannot be changed'); END",
    f"CREATE TRIGGER IF NOT EXISTS cscperf_audit_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit records cannot be deleted'); END",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION cscperf_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit records cannot be changed or deleted'; END $$",
    f"CREATE TRIGGER cscperf_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION cscperf_audit_refuse()",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = SQLITE if vendor == "sqlite" else POSTGRESQL if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cscperf_web", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
