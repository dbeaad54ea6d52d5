from django.db import migrations


def fill(apps, schema_editor):
    """The stored figures of the rows already there, set-based, by projects/figures.py
    itself (whole keys recomputed; rows already right are left alone, so a database
    filled by the old 0019 changes nothing). The live module is used here, the last of
    the migrations its statements depend on: a later migration that changes a table it
    reads must move this fill after itself."""
    from projects import figures

    Program = apps.get_model("programs", "Program")
    for program in Program.objects.all():
        figures.refresh_program(program.pk)
    if schema_editor.connection.vendor == "postgresql":  # plans for the tables just filled
        schema_editor.execute("ANALYZE projects_outputfigure, projects_paperfigure")


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0015_call_figures"),
        ("projects", "0022_project_call_required"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
