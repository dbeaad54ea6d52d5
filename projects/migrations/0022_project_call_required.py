import django.db.models.deletion
from django.db import migrations, models


# Apart from 0021's fill: on PostgreSQL, a table whose rows were just updated under a
# deferred foreign key cannot be altered in the same transaction.
class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0021_project_call'),
    ]

    operations = [
        migrations.AlterField(
            model_name='project',
            name='call',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='calls.call', verbose_name='call'),
        ),
    ]
