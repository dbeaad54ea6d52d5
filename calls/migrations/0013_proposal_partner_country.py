"""A proposal stores its partner PI's country, written by database triggers (issue 18).

Triggers rather than saves: the partner PI is set, and a researcher's country changed,
by the admin, by pages, by the proposals import's COPY and bulk updates and by the
synthetic data's COPY; the database is the one place that sees every one of them. The
copy is filled here first, then the triggers keep it, then the index is built once."""

from django.db import migrations, models

LOOKUP = "COALESCE((SELECT country FROM calls_researcher WHERE id = NEW.partner_pi_id), '')"

POSTGRES = [
    # Checked now, not at commit: the index below cannot be built over pending checks.
    "SET CONSTRAINTS ALL IMMEDIATE",
    """
    UPDATE calls_proposal AS p SET partner_country = r.country
    FROM calls_researcher AS r WHERE r.id = p.partner_pi_id AND r.country <> ''
    """,
    f"""
    CREATE FUNCTION calls_proposal_partner_country() RETURNS trigger AS $$
    BEGIN
        NEW.partner_country := {LOOKUP};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    # Whatever a writer puts in the column, the partner PI's country is what is stored.
    """
    CREATE TRIGGER calls_proposal_partner_country
    BEFORE INSERT OR UPDATE OF partner_pi_id, partner_country ON calls_proposal
    FOR EACH ROW EXECUTE FUNCTION calls_proposal_partner_country()
    """,
    """
    CREATE FUNCTION calls_researcher_partner_country() RETURNS trigger AS $$
    BEGIN
        UPDATE calls_proposal SET partner_country = NEW.country
        WHERE partner_pi_id = NEW.id AND partner_country IS DISTINCT FROM NEW.country;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER calls_researcher_partner_country
    AFTER UPDATE OF country ON calls_researcher
    FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country)
    EXECUTE FUNCTION calls_researcher_partner_country()
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS calls_researcher_partner_country ON calls_researcher",
    "DROP FUNCTION IF EXISTS calls_researcher_partner_country()",
    "DROP TRIGGER IF EXISTS calls_proposal_partner_country ON calls_proposal",
    "DROP FUNCTION IF EXISTS calls_proposal_partner_country()",
]
# SQLite (the demo): no BEFORE trigger may change the row, so the row is updated after.
SQLITE = [
    f"UPDATE calls_proposal SET partner_country = {LOOKUP.replace('NEW.', 'calls_proposal.')}",
    f"""
    CREATE TRIGGER calls_proposal_partner_country_insert AFTER INSERT ON calls_proposal
    BEGIN
        UPDATE calls_proposal SET partner_country = {LOOKUP} WHERE id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER calls_proposal_partner_country_update
    AFTER UPDATE OF partner_pi_id, partner_country ON calls_proposal
    WHEN NEW.partner_country IS NOT {LOOKUP}
    BEGIN
        UPDATE calls_proposal SET partner_country = {LOOKUP} WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER calls_researcher_partner_country AFTER UPDATE OF country ON calls_researcher
    WHEN OLD.country IS NOT NEW.country
    BEGIN
        UPDATE calls_proposal SET partner_country = NEW.country WHERE partner_pi_id = NEW.id;
    END
    """,
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS calls_researcher_partner_country",
    "DROP TRIGGER IF EXISTS calls_proposal_partner_country_update",
    "DROP TRIGGER IF EXISTS calls_proposal_partner_country_insert",
]


def _run(statements: dict):
    def run(apps, schema_editor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0012_proposal_review_figures"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="partner_country",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                max_length=2,
                verbose_name="partner country",
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["partner_country", "ref"], name="proposal_partner_country"),
        ),
    ]
