"""Existing names, codes, titles and DOIs written one way (aspire/normalise.py), and the
duplicates that only differed in spelling merged, each merge printed.

Researchers are merged into the oldest of their spellings (proposals then name that one);
duplicate outputs of one project are removed, the row reported first (lowest id) kept.
Codes that would collide are left as they are and printed, for staff to resolve: merging
two programs or agencies is no decision a migration should take.
"""

from collections import defaultdict

from django.db import migrations

from aspire import normalise

# (app, model, {field: normaliser}, unique fields, what to do with a duplicate)
TABLES = [
    ("programs", "FundingAgency", {"code": "name", "name": "name", "name_ja": "name"}, ["code"], "keep"),
    ("programs", "Program", {"code": "name", "name": "name", "name_ja": "name"}, ["code"], "keep"),
    ("programs", "SupportType", {"code": "name", "name": "name", "name_ja": "name"}, ["program_id", "code"], "keep"),
    ("calls", "Call", {"code": "name", "title": "spaces"}, ["code"], "keep"),
    ("calls", "Researcher", {"name": "name", "institution": "name"}, ["name", "institution"], "merge"),
    ("calls", "Proposal", {"ref": "name", "title": "spaces"}, ["ref"], "keep"),
    ("accounts", "User", {"full_name": "name", "institution": "name"}, [], "keep"),
    ("projects", "Project", {"code": "name", "title": "spaces"}, ["code"], "keep"),
    ("projects", "Paper", {"doi": "doi", "title": "spaces", "journal": "spaces"}, None, "delete"),
    ("projects", "Presentation", {"title": "spaces", "conference": "spaces"}, ["project_id", "title", "presented_on"], "delete"),
    ("projects", "Event", {"title": "spaces"}, ["project_id", "title", "held_on"], "delete"),
    ("projects", "Exchange", {"person": "name", "institution": "name"}, ["project_id", "person", "direction", "start_date"], "delete"),
    ("projects", "Hub", {"name": "name"}, ["project_id", "name"], "delete"),
    ("projects", "DoiLookup", {"doi": "doi"}, ["report_id", "doi"], "delete"),
    ("evaluations", "CommitteeMember", {"name": "name", "affiliation": "name"}, ["evaluation_id", "name"], "keep"),
]


def _paper_key(doi: str, title: str) -> str:
    # projects.models.paper_key as of this migration.
    if doi.strip():
        return "doi:" + normalise.doi(doi)
    return "title:" + " ".join(normalise.spaces(title).casefold().split())


def normalise_identities(apps, schema_editor):
    for app, name, fields, unique, duplicate in TABLES:
        try:
            model = apps.get_model(app, name)
        except LookupError:  # removed by a later migration (DoiLookup, 0016): nothing to do
            continue
        _normalise(apps, model, fields, unique, duplicate)


def _normal_values(obj, fields: dict) -> dict:
    return {field: getattr(normalise, how)(getattr(obj, field)) for field, how in fields.items()}


def _normalise(apps, model, fields, unique, duplicate) -> None:
    label = model._meta.label
    rows = list(model.objects.order_by("pk"))
    wanted = {obj.pk: _normal_values(obj, fields) for obj in rows}
    key_of = _key_function(model, unique)
    groups = defaultdict(list)
    for obj in rows:
        if key_of is not None:
            groups[key_of(obj, wanted[obj.pk])].append(obj)
    for first, *others in (group for group in groups.values() if len(group) > 1):
        if duplicate == "keep":
            for other in others:
                print(f"\n  {label} {other.pk}: would become the same as {first.pk}; left as is")
                wanted.pop(other.pk)
            continue
        for other in others:
            if duplicate == "merge":
                _repoint_researcher(apps, other, first)
            print(f"\n  {label} {other.pk} merged into {first.pk} ({_describe(first)})")
            wanted.pop(other.pk)
            other.delete()
    for obj in rows:
        values = wanted.get(obj.pk)
        if values and any(getattr(obj, field) != value for field, value in values.items()):
            update = dict(values)
            if model._meta.model_name == "paper":
                update["dedupe_key"] = _paper_key(values["doi"], values["title"])
            model.objects.filter(pk=obj.pk).update(**update)


def _key_function(model, unique):
    if model._meta.model_name == "paper":
        return lambda obj, values: (obj.project_id, _paper_key(values["doi"], values["title"]))
    if not unique:
        return None
    return lambda obj, values: tuple(values.get(field, getattr(obj, field)) for field in unique)


def _repoint_researcher(apps, other, first) -> None:
    proposal = apps.get_model("calls", "Proposal")
    proposal.objects.filter(jp_pi=other).update(jp_pi=first)
    proposal.objects.filter(partner_pi=other).update(partner_pi=first)
    for field in ("h_index", "orcid", "erad_number", "career_stage", "country"):
        if getattr(first, field) in (None, "") and getattr(other, field) not in (None, ""):
            setattr(first, field, getattr(other, field))
    if first.user_id is None and other.user_id is not None:
        first.user_id, other.user_id = other.user_id, None
        other.save(update_fields=["user"])
    first.save()


def _describe(obj) -> str:
    return str(getattr(obj, "name", "") or getattr(obj, "title", "") or obj.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_normalised_fields"),
        ("calls", "0003_normalised_fields"),
        ("evaluations", "0002_normalised_fields"),
        ("programs", "0002_normalised_fields"),
        ("projects", "0004_normalised_fields"),
    ]

    operations = [migrations.RunPython(normalise_identities, migrations.RunPython.noop)]
