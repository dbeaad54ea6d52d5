"""What the committee does with an evaluation: read its figures, finalise it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from evaluations.indicators import compute
from evaluations.models import Evaluation, GoalAssessment


def figures(evaluation: Evaluation, language: str | None = None) -> dict:
    """The indicator document of an evaluation: frozen once finalised, live before."""
    if evaluation.snapshot is not None:
        return evaluation.snapshot
    with override(language):
        return compute(evaluation.program, evaluation.as_of)


@transaction.atomic
def finalise(evaluation: Evaluation) -> Evaluation:
    """Freeze the indicator values; finalising twice keeps the first snapshot."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_final:
        return evaluation
    if not evaluation.overall_grade:
        raise ValidationError({"overall_grade": _("Give an overall grade before finalising.")})
    now = timezone.now()
    document = compute(evaluation.program, evaluation.as_of)
    document["snapshot_taken_at"] = now.isoformat()
    evaluation.snapshot, evaluation.finalised_at = document, now
    evaluation.save(update_fields=["snapshot", "finalised_at"])
    return evaluation


def ensure_goal_assessments(evaluation: Evaluation) -> list[GoalAssessment]:
    """One assessment per goal, created empty so the committee has four to fill in."""
    present = set(evaluation.assessments.values_list("goal", flat=True))
    for goal in sorted(set(range(1, 5)) - present):
        GoalAssessment.objects.get_or_create(evaluation=evaluation, goal=goal)
    return list(evaluation.assessments.all())


class EditConflict(Exception):
    """Someone saved this text after the editor opened it; their version is `current`."""

    def __init__(self, current):
        super().__init__(_("Someone else saved this since you opened it."))
        self.current = current


def last_seen(obj) -> int | None:
    """The id of the newest history entry: what an editor has seen when the form opens."""
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first()


@transaction.atomic
def save_checked(obj, seen: int | None, fields: list[str]):
    """Save `fields` of an assessment or evaluation unless someone saved it since `seen`."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if seen is not None and last_seen(current) != seen:
        raise EditConflict(current)
    for field in fields:
        setattr(current, field, getattr(obj, field))
    current.save(update_fields=fields)
    return current
