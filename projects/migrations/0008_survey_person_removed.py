import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_survey_participants")]

    operations = [
        migrations.RemoveField(model_name="historicalsurveyanswer", name="person"),
        migrations.RemoveField(model_name="surveyanswer", name="person"),
        migrations.AlterField(
            model_name="surveyanswer",
            name="participant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="survey_answers",
                to="projects.participant",
                verbose_name="person",
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyanswer",
            constraint=models.UniqueConstraint(
                fields=("participant", "timing"),
                name="one_answer_per_timing",
                violation_error_message="This person already answered at this timing.",
            ),
        ),
    ]
