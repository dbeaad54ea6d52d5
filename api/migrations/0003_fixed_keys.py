"""A database trigger that keeps an API key's rights, expiry and scope as they were made,
and a revocation final, whatever writes the row (the admin, a save, an update(), SQL)."""

from django.db import migrations

FIXED = ["prefix", "key_hash", "can_write", "expires_at", "program_ids", "created_at"]
MESSAGE = "an API key's rights, expiry and scope are fixed, and a revocation is final"

POSTGRES = [
    f"""
    CREATE FUNCTION api_apiclient_fixed() RETURNS trigger AS $$
    BEGIN
        IF {" OR ".join(f"NEW.{name} IS DISTINCT FROM OLD.{name}" for name in FIXED)}
           OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)
        THEN
            RAISE EXCEPTION '{MESSAGE.replace("'", "''")}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER api_apiclient_fixed BEFORE UPDATE ON api_apiclient
    FOR EACH ROW EXECUTE FUNCTION api_apiclient_fixed()
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS api_apiclient_fixed ON api_apiclient",
    "DROP FUNCTION IF EXISTS api_apiclient_fixed()",
]
SQLITE = [
    f"""
    CREATE TRIGGER api_apiclient_fixed BEFORE UPDATE ON api_apiclient
    FOR EACH ROW WHEN {" OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in FIXED)}
        OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS NOT OLD.revoked_at)
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE.replace("'", "''")}');
    END
    """
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS api_apiclient_fixed"]


def _run(statements: dict):
    def run(apps, schema_editor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("api", "0002_expiry_scope_history")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
