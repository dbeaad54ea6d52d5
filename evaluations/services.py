"""What the committee does with an evaluation: read its figures, write its texts, finalise.

Finalised means frozen: the figures (a snapshot), the grades, texts, opinions, members
and the as-of date of a finalised evaluation cannot be changed or deleted by any door,
superusers included (aspire/frozen.py guards the ORM too), until staff reopen it with a
reason, which its history keeps.
"""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aspire import frozen, versions
from evaluations.indicators import compute
from evaluations.models import CommitteeMember, Evaluation, GoalAssessment, Opinion
from evaluations.pace import pace

# Finalisation dates read as the committee in Tokyo signed them, whatever the server's zone.
JST = zoneinfo.ZoneInfo("Asia/Tokyo")


def figures(evaluation: Evaluation, language: str | None = None) -> dict:
    """The indicator document of an evaluation, with the pace against each target
    (evaluations/pace.py): frozen once finalised, live before."""
    if evaluation.snapshot is not None:
        if "pace" not in evaluation.snapshot:  # finalised before paces were kept
            return {**evaluation.snapshot, "pace": {}}
        return evaluation.snapshot
    with override(language):
        return _with_pace(evaluation, compute(evaluation.program, evaluation.as_of))


def _with_pace(evaluation: Evaluation, document: dict) -> dict:
    document["pace"] = pace(evaluation.program, evaluation.as_of, document)
    return document


@transaction.atomic
def finalise(evaluation: Evaluation) -> Evaluation:
    """Freeze the figures and everything of the evaluation; finalising twice keeps the first."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_final:
        return evaluation
    if not evaluation.overall_grade:
        raise ValidationError({"overall_grade": _("Give an overall grade before finalising.")})
    now = timezone.now()
    document = _with_pace(evaluation, compute(evaluation.program, evaluation.as_of))
    document["snapshot_taken_at"] = now.isoformat()
    evaluation.snapshot, evaluation.finalised_at = document, now
    evaluation.save(update_fields=["snapshot", "finalised_at"])
    return evaluation


def what_freezes(evaluation: Evaluation) -> dict:
    """What finalising freezes, for the chair's confirmation: the figures as of the date,
    the grades and texts of each goal, every opinion, the members."""
    document = figures(evaluation)
    return {
        "evaluation": evaluation,
        "figure_count": len(document["indicators"]),
        "assessments": list(evaluation.assessments.order_by("goal")),
        "opinions": list(
            Opinion.objects.filter(member__evaluation=evaluation).select_related("member")
        ),
        "members": list(evaluation.members.all()),
        "missing_grade": not evaluation.overall_grade,
    }


@transaction.atomic
def reopen(evaluation: Evaluation, reason: str) -> Evaluation:
    """Back to a draft: the figures live again, texts editable. Who, when and why stay in
    the evaluation's history."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not evaluation.is_final:
        raise ValidationError(_("Only a finalised evaluation can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the evaluation is reopened.")})
    evaluation.snapshot, evaluation.finalised_at = None, None
    evaluation._change_reason = reason.strip()[:100]
    evaluation.save(update_fields=["snapshot", "finalised_at"])
    return evaluation


def ensure_goal_assessments(evaluation: Evaluation) -> list[GoalAssessment]:
    """One assessment per goal, created empty so the committee has four to fill in."""
    present = set(evaluation.assessments.values_list("goal", flat=True))
    if not evaluation.is_final:
        for goal in sorted(set(range(1, 5)) - present):
            GoalAssessment.objects.get_or_create(evaluation=evaluation, goal=goal)
    return list(evaluation.assessments.all())


# --- Finalised means frozen -----------------------------------------------------------------


def frozen_message(evaluation: Evaluation) -> str:
    return _(
        "This evaluation was finalised on %(date)s: nothing of it can be changed. "
        "Staff can reopen it."
    ) % {"date": finalised_on(evaluation)}


def finalised_on(evaluation: Evaluation) -> str:
    """The finalisation date and time in Japan's time, as the documents print it."""
    moment = timezone.localtime(evaluation.finalised_at, JST)
    return moment.strftime("%Y-%m-%d %H:%M JST")


def _stored_evaluation(evaluation_id) -> Evaluation | None:
    return Evaluation.objects.filter(pk=evaluation_id).first() if evaluation_id else None


def evaluation_refusal(evaluation: Evaluation) -> str | None:
    """A finalised evaluation changes only by being reopened (with a reason)."""
    stored = _stored_evaluation(evaluation.pk)
    if stored is None or not stored.is_final:
        return None
    reopening = evaluation.finalised_at is None and getattr(evaluation, "_change_reason", "")
    return None if reopening else frozen_message(stored)


def part_refusal(part) -> str | None:
    """Grades, texts, opinions and members of a finalised evaluation are frozen; a part
    never moves to another evaluation."""
    stored = type(part)._default_manager.filter(pk=part.pk).first() if part.pk else None
    evaluation_ids = {_evaluation_id(part), _evaluation_id(stored) if stored else None} - {None}
    for evaluation_id in evaluation_ids:
        evaluation = _stored_evaluation(evaluation_id)
        if evaluation is not None and evaluation.is_final:
            return frozen_message(evaluation)
    return None


def _evaluation_id(part):
    if isinstance(part, Opinion):  # a new opinion has its member set by add_opinion
        return part.member.evaluation_id if part.member_id else None
    return part.evaluation_id


def check_part(part) -> None:
    refusal = part_refusal(part)
    if refusal:
        raise ValidationError(refusal, code="frozen")


def register_guards() -> None:
    """The ORM's last line (aspire/frozen.py), connected by EvaluationsConfig.ready()."""
    frozen.register(Evaluation, change=evaluation_refusal, delete=_evaluation_deletion_refusal)
    for model in (GoalAssessment, Opinion, CommitteeMember):
        frozen.register(model, change=part_refusal)


def _evaluation_deletion_refusal(evaluation: Evaluation) -> str | None:
    stored = _stored_evaluation(evaluation.pk)
    return frozen_message(stored) if stored and stored.is_final else None


# --- Saving committee texts -------------------------------------------------------------------


@transaction.atomic
def save_text(obj, base_version: int | None, values: dict):
    """Save an assessment's or the evaluation's texts edited from `base_version`: a
    three-way merge (aspire/versions.py), refused once the evaluation is finalised."""
    evaluation = obj if isinstance(obj, Evaluation) else obj.evaluation
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_final:
        raise ValidationError(frozen_message(evaluation), code="frozen")
    return versions.save_edit(type(obj), obj.pk, base_version, values)


@transaction.atomic
def save_texts(edits: list[tuple]) -> None:
    """Several texts of one evaluation saved together, all or none: (row, version, values)."""
    for obj, base_version, values in edits:
        save_text(obj, base_version, values)


@transaction.atomic
def add_opinion(member: CommitteeMember, opinion: Opinion) -> Opinion:
    evaluation = Evaluation.objects.select_for_update().get(pk=member.evaluation_id)
    if evaluation.is_final:
        raise ValidationError(frozen_message(evaluation), code="frozen")
    opinion.member = member
    # Last of its goal: 別紙3 lists opinions in the order they were entered.
    last = (
        Opinion.objects.filter(member__evaluation=evaluation, goal=opinion.goal)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    opinion.position = 0 if last is None else last + 1
    opinion.save()
    return opinion


@transaction.atomic
def save_opinion(opinion: Opinion, base_version: int | None, values: dict) -> Opinion:
    """A member's edit of their own opinion, merged three ways like every committee text."""
    evaluation = Evaluation.objects.select_for_update().get(pk=opinion.member.evaluation_id)
    if evaluation.is_final:
        raise ValidationError(frozen_message(evaluation), code="frozen")
    return versions.save_edit(Opinion, opinion.pk, base_version, values)


@transaction.atomic
def move_opinion(opinion: Opinion, step: int) -> None:
    """Move an opinion one place up (-1) or down (+1) among its goal's opinions."""
    evaluation = Evaluation.objects.select_for_update().get(pk=opinion.member.evaluation_id)
    if evaluation.is_final:
        raise ValidationError(frozen_message(evaluation), code="frozen")
    ordered = list(
        Opinion.objects.filter(member__evaluation=evaluation, goal=opinion.goal).order_by(
            "position", "pk"
        )
    )
    at = next(i for i, row in enumerate(ordered) if row.pk == opinion.pk)
    other = at + step
    if not 0 <= other < len(ordered):
        return
    ordered[at], ordered[other] = ordered[other], ordered[at]
    for position, row in enumerate(ordered):
        if row.position != position:
            row.position = position
            row.save()


@transaction.atomic
def delete_opinion(opinion: Opinion) -> None:
    check_part(opinion)
    opinion.delete()
