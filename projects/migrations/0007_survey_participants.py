"""Survey answers name a participant instead of a typed name: one participant per person
of a project, found by a key that ignores white space and case, so that 福田悠人 and
福田 悠人 (and their before and after answers) become one person. Answers that then
name one person twice at one timing are merged into the first, and printed."""

from django.db import migrations

from aspire import normalise


def participants_from_names(apps, schema_editor):
    answer_model = apps.get_model("projects", "SurveyAnswer")
    participant_model = apps.get_model("projects", "Participant")
    found = {}
    taken = set()
    for answer in answer_model.objects.order_by("pk"):
        key = (answer.project_id, normalise.person_key(answer.person))
        if key not in found:
            found[key] = participant_model.objects.create(
                project_id=answer.project_id, name=normalise.name(answer.person), key=key[1]
            )
        participant = found[key]
        if (participant.pk, answer.timing) in taken:
            print(f"\n  SurveyAnswer {answer.pk} ({answer.person}, {answer.timing}) merged away")
            answer.delete()
            continue
        taken.add((participant.pk, answer.timing))
        answer.participant = participant
        answer.save(update_fields=["participant"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_versions_participants_history")]

    operations = [migrations.RunPython(participants_from_names, migrations.RunPython.noop)]
