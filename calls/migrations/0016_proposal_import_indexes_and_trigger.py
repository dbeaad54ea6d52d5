"""What a proposals import of 100,000 rows keeps up, cut to what is asked (issue 18).

- The history's indexes on call, ref, status, the PIs and updated_at: no query reads the
  history by them (it is read by record, `id`, and by date), and every import wrote them.
- The proposals' `varchar_pattern_ops` twins of the ref and status indexes, which Django
  makes for every indexed CharField on PostgreSQL for `LIKE 'x%'`: nothing asks that of a
  ref or status (the admin's search is `icontains`, which no btree serves). Django keeps no
  state of them; should ref or status be altered later, it drops them if they exist.
- The partner PI's country on insert (calls/0013): looked up row by row only where the
  writer left it empty, as every save does; a country the writer gave (the proposals
  import's COPY knows its PIs' countries) is checked once a statement, against the
  partner PIs of all the statement's rows in one join, and corrected where it is wrong.
  Whatever a writer sends, the partner PI's country is still what is stored; updates are
  looked up row by row as before.
"""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models

import aspire.fields

LIKE_INDEXES = {
    "calls_proposal_ref_7beade84_like": "ref",
    "calls_proposal_status_6af341cd_like": "status",
}
POSTGRES = [
    *(f"DROP INDEX IF EXISTS {name}" for name in LIKE_INDEXES),
    "DROP TRIGGER calls_proposal_partner_country ON calls_proposal",
    # Updates: as before (the function of calls/0013 looks the country up).
    """
    CREATE TRIGGER calls_proposal_partner_country
    BEFORE UPDATE OF partner_pi_id, partner_country ON calls_proposal
    FOR EACH ROW EXECUTE FUNCTION calls_proposal_partner_country()
    """,
    # Inserts that leave the country out: looked up row by row.
    """
    CREATE TRIGGER calls_proposal_partner_country_insert
    BEFORE INSERT ON calls_proposal
    FOR EACH ROW WHEN (NEW.partner_pi_id IS NOT NULL AND NEW.partner_country = '')
    EXECUTE FUNCTION calls_proposal_partner_country()
    """,
    # Every insert statement's rows, checked in one join; a wrong one is set right (the
    # update trigger above then looks it up once more, to the same value).
    """
    CREATE FUNCTION calls_proposal_partner_country_checked() RETURNS trigger AS $$
    BEGIN
        UPDATE calls_proposal AS p SET partner_country = COALESCE(r.country, '')
        FROM inserted AS n LEFT JOIN calls_researcher AS r ON r.id = n.partner_pi_id
        WHERE p.id = n.id AND n.partner_country <> COALESCE(r.country, '');
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER calls_proposal_partner_country_checked
    AFTER INSERT ON calls_proposal REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION calls_proposal_partner_country_checked()
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER calls_proposal_partner_country_checked ON calls_proposal",
    "DROP FUNCTION calls_proposal_partner_country_checked()",
    "DROP TRIGGER calls_proposal_partner_country_insert ON calls_proposal",
    "DROP TRIGGER calls_proposal_partner_country ON calls_proposal",
    """
    CREATE TRIGGER calls_proposal_partner_country
    BEFORE INSERT OR UPDATE OF partner_pi_id, partner_country ON calls_proposal
    FOR EACH ROW EXECUTE FUNCTION calls_proposal_partner_country()
    """,
    *(
        f"CREATE INDEX IF NOT EXISTS {name} ON calls_proposal ({column} varchar_pattern_ops)"
        for name, column in LIKE_INDEXES.items()
    ),
]


def _run(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":  # SQLite's triggers stay
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0015_call_figures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalproposal",
            name="call",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="calls.call",
                verbose_name="call",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproposal",
            name="jp_pi",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="calls.researcher",
                verbose_name="Japanese PI",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproposal",
            name="partner_pi",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="calls.researcher",
                verbose_name="partner PI",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproposal",
            name="ref",
            field=aspire.fields.NameField(max_length=40, verbose_name="reference"),
        ),
        migrations.AlterField(
            model_name="historicalproposal",
            name="status",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted"),
                    ("under_review", "Under review"),
                    ("adopted", "Adopted"),
                    ("rejected", "Rejected"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="submitted",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproposal",
            name="updated_at",
            field=models.DateTimeField(
                blank=True,
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="updated at",
            ),
        ),
        migrations.RunPython(_run(POSTGRES), _run(POSTGRES_UNDO)),
    ]
