"""Each proposal stores its reviewers' count, mean and spread, and its final score (issue
18), filled here from the reviews as calls/scores.py keeps them afterwards; the indexes
come last, built once over the filled column rather than kept up during the fill."""

import django.db.models.functions.comparison
from django.db import migrations, models

# calls/scores.py's figures, as of this migration: one grouped scan of the reviews.
FILL = """
UPDATE calls_proposal AS p
SET score_count = s.score_count, score_mean = s.score_mean, score_spread = s.score_spread
FROM (
    SELECT proposal_id, COUNT(score) AS score_count, AVG(score) AS score_mean,
           MAX(score) - MIN(score) AS score_spread
    FROM calls_review WHERE score IS NOT NULL GROUP BY proposal_id
) AS s
WHERE p.id = s.proposal_id
"""


def fill(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # Checked now, not at commit: the indexes below cannot be built over pending checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(FILL)
        return
    from django.db.models import Avg, Count, Max, Min, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    Proposal, Review = apps.get_model("calls", "Proposal"), apps.get_model("calls", "Review")
    scored = Review.objects.filter(proposal=OuterRef("pk"), score__isnull=False).order_by()

    def stat(aggregate):
        return Subquery(scored.values("proposal").annotate(stat=aggregate).values("stat"))

    Proposal.objects.update(
        score_count=Coalesce(stat(Count("score")), 0),
        score_mean=stat(Avg("score")),
        score_spread=stat(Max("score") - Min("score")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0011_researcher_institution_ror"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="score_mean",
            field=models.DecimalField(
                blank=True, editable=False, null=True, verbose_name="mean score"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="score_count",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="reviews"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="score_spread",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=4,
                null=True,
                verbose_name="spread of scores",
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="score_final",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.comparison.Coalesce(
                    "panel_score", "score_mean"
                ),
                null=True,
                output_field=models.DecimalField(),
                verbose_name="final score",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["score_final", "id"], name="proposal_final_score"),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["-score_final", "id"], name="proposal_final_score_desc"),
        ),
    ]
