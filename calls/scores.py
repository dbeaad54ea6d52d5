"""The review figures each proposal stores: how many submitted scores, their mean and their
spread (highest minus lowest), as shared/design/indicators.md defines them.

They are kept, not computed on reading, so that lists order by score and the indicators read
one row per proposal (issue 18). `figures()` is their one definition; everything here
applies it:

- `refresh(ids)`: the figures of a few proposals, in the caller's transaction, under a row
  lock. Review.save() and Review.delete() call it, so every door that writes one review
  (the reviewer's page, the admin, an import, the demo) keeps them in step.
- `refresh_set(proposals)`: the same for many rows at once, set-based (one UPDATE from one
  grouped scan of the reviews), for writers that COPY reviews (evaluations/synthetic.py)
  or delete many (the admin's bulk deletion).
- `differences(program)`: the figures recomputed from the raw reviews (and the partner
  PI's country, which triggers store: calls/migrations/0013), compared with the stored
  ones (`manage.py verify_figures`).

The spread is highest minus lowest, not a standard deviation: it is what the staff pages,
the disagreement filter (calls.services.DISAGREEMENT: 3 points) and the exports have always
shown, in points of the score, and with three reviewers a standard deviation says the same
less plainly.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from calls import figures as call_figures
from calls.models import FIGURE_FIELDS, Proposal, Review
from programs.models import Program


def figures(score: str) -> dict:
    """The figures as aggregates of the submitted scores found at `score` ("score" over
    reviews, "reviews__score" over proposals): NULL scores (pending reviews) count in none."""
    return {
        "score_count": Count(score),
        "score_mean": Avg(score),
        "score_spread": Max(score) - Min(score),
    }


def _per_proposal() -> dict:
    """The figures of the proposal at hand, as correlated subqueries of its reviews."""
    scored = Review.objects.filter(proposal=OuterRef("pk"), score__isnull=False).order_by()
    subqueries = {
        name: Subquery(scored.values("proposal").annotate(stat=aggregate).values("stat"))
        for name, aggregate in figures("score").items()
    }
    subqueries["score_count"] = Coalesce(subqueries["score_count"], 0)  # no review: 0
    return subqueries


@transaction.atomic(savepoint=False)
def refresh(proposal_ids: Iterable[int]) -> None:
    """Recompute the stored figures of these proposals from their reviews (two queries),
    then their calls' (calls/figures.py).

    The rows are locked first, in id order, and read afterwards: two reviewers submitting
    at once each recompute after the other's review is committed (under READ COMMITTED an
    UPDATE that waits for a lock keeps the snapshot of its start, so it alone would
    overwrite one submission's figures with a mean that misses it)."""
    ids = sorted(set(proposal_ids))
    if not ids:
        return
    proposals = Proposal.objects.filter(pk__in=ids)
    locked = proposals.order_by("pk").select_for_update().values_list("pk", "call_id")
    calls = {call for _pk, call in locked}
    proposals.update(**_per_proposal())
    call_figures.refresh(calls)  # a final score moved: the calls' adoptable counts


@transaction.atomic(savepoint=False)
def refresh_set(proposals: QuerySet) -> int:
    """Recompute the stored figures of every proposal of `proposals`, set-based; returns
    how many rows changed. Rows already right are not written again."""
    calls = list(proposals.order_by().values_list("call_id", flat=True).distinct())
    if connection.vendor != "postgresql":  # the demo's SQLite: the same, a row at a time
        changed = Proposal.objects.filter(pk__in=proposals.values("pk")).update(**_per_proposal())
        call_figures.refresh(calls)
        return changed
    chosen = proposals.order_by().values("pk")
    grouped = (
        Review.objects.filter(score__isnull=False, proposal__in=chosen)
        .order_by()
        .values(of_proposal=F("proposal"))
        .annotate(**figures("score"))
    )
    grouped_sql, grouped_params = grouped.query.sql_with_params()
    chosen_sql, chosen_params = chosen.query.sql_with_params()
    table = connection.ops.quote_name(Proposal._meta.db_table)
    with connection.cursor() as cursor:
        # Table and column names are our models'; the values go as parameters.
        cursor.execute(
            f"""UPDATE {table} AS p
            SET score_count = COALESCE(s.score_count, 0),
                score_mean = s.score_mean, score_spread = s.score_spread
            FROM {table} AS t LEFT JOIN ({grouped_sql}) AS s ON s.of_proposal = t.id
            WHERE p.id = t.id AND t.id IN ({chosen_sql})
              AND (p.score_count, p.score_mean, p.score_spread)
                  IS DISTINCT FROM (COALESCE(s.score_count, 0), s.score_mean, s.score_spread)
            """,  # noqa: S608
            [*grouped_params, *chosen_params],
        )
        changed = cursor.rowcount
    call_figures.refresh(calls)
    return changed


# What differences() checks: the figures, and the partner PI's country (calls/0013 and 0016's
# triggers keep it; a stale copy would make ?partner_country= answer wrong).
CHECKED = (*FIGURE_FIELDS, "partner_country")


def differences(program: Program | str) -> list[str]:
    """Every proposal of the program whose stored figures (or partner country) differ
    from what its reviews (its partner PI) give now, one line each; empty when all are
    exact. One grouped query over the program's proposals and reviews."""
    code = program if isinstance(program, str) else program.code
    computed = {f"computed_{name}": value for name, value in figures("reviews__score").items()}
    # One partner PI a proposal: Max() only makes the column a value of the group.
    computed["computed_partner_country"] = Coalesce(Max("partner_pi__country"), Value(""))
    same = Q()
    for name in CHECKED:
        same &= Q(**{name: F(f"computed_{name}")}) | Q(
            **{f"{name}__isnull": True, f"computed_{name}__isnull": True}
        )
    rows = (
        Proposal.objects.filter(call__program__code=code)
        .order_by()
        .values("pk")
        .annotate(**computed)
        .annotate(same=Case(When(same, then=True), default=False))
        .filter(same=False)
        .values("ref", *CHECKED, *computed)
        .order_by("ref")
    )
    return [_difference(row) for row in rows]


def _difference(row: dict) -> str:
    wrong = [
        _("%(field)s is %(stored)s where its rows give %(computed)s")
        % {
            "field": Proposal._meta.get_field(name).verbose_name,
            "stored": _shown(row[name]),
            "computed": _shown(row[f"computed_{name}"]),
        }
        for name in CHECKED
        if row[name] != row[f"computed_{name}"]
    ]
    return _("Proposal %(ref)s: %(wrong)s.") % {"ref": row["ref"], "wrong": "; ".join(wrong)}


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)
