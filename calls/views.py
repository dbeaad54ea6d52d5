"""The reviewer's pages: their assignments, a proposal, its documents and the score form.

Thin: calls/rules.py says who sees and does what in each review phase, calls/services.py
saves. A proposal the reviewer is not assigned to answers 404, not 403, so that it is not
even confirmed to exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aspire import versions
from calls import services
from calls.forms import ConflictForm, ReviewForm
from calls.models import ProposalDocument, Review


@login_required
def my_assignments(request: HttpRequest) -> HttpResponse:
    reviews = (
        Review.objects.filter(reviewer=request.user)
        .select_related("proposal__call", "proposal__jp_pi", "proposal__partner_pi")
        .order_by("due_on", "proposal__ref")
    )
    context = {"reviews": reviews, "today": timezone.localdate()}
    return render(request, "reviews/mine.html", context)


def _own_review(request: HttpRequest, proposal_pk: int) -> Review:
    """The user's own review (assignment) of the proposal, or 404."""
    reviews = Review.objects.select_related(
        "proposal__call", "proposal__jp_pi", "proposal__partner_pi", "reviewer"
    )
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(reviews, proposal_id=proposal_pk, reviewer=request.user)


def _others(request: HttpRequest, review: Review) -> list[Review]:
    """The other reviews of the proposal this reviewer may see (the panel, if allowed)."""
    if not request.user.has_perm("calls.view_review", review) or review.score is None:
        return []
    others = review.proposal.reviews.exclude(pk=review.pk).filter(score__isnull=False)
    return [other for other in others if request.user.has_perm("calls.view_review", other)]


@login_required
def proposal_page(request: HttpRequest, pk: int, form=None, status: int = 200) -> HttpResponse:
    review = _own_review(request, pk)
    proposal = review.proposal
    can_score = request.user.has_perm("calls.score_review", review)
    if form is None:
        draft = review.draft_score is not None or review.draft_comment
        form = ReviewForm(
            initial={
                "version": review.version,
                "score": review.draft_score if draft else review.score,
                "comment": review.draft_comment if draft else review.comment,
            },
            adoptable=proposal.call.adoptable_score,
        )
    context = {
        "review": review,
        "proposal": proposal,
        "call": proposal.call,
        "documents": proposal.documents.all(),
        "form": form,
        "can_score": can_score,
        "can_declare": request.user.has_perm("calls.declare_conflict", review),
        "conflict_form": ConflictForm(),
        "others": _others(request, review),
    }
    return render(request, "reviews/proposal.html", context, status=status)


@require_POST
@login_required
def save_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    form = ReviewForm(request.POST, adoptable=review.proposal.call.adoptable_score)
    if not form.is_valid():
        return proposal_page(request, pk, form=form, status=400)
    submit = "submit" in request.POST
    data = form.cleaned_data
    try:
        services.save_review(
            review, data["version"], data["score"], data["comment"], submit, request.user
        )
    except versions.EditConflict as conflict:
        messages.warning(request, str(conflict))
        return proposal_page(request, pk, form=form, status=409)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return proposal_page(request, pk, form=form, status=400)
    messages.success(request, _("Your review was submitted.") if submit else _("Draft saved."))
    return redirect("reviews:proposal", pk)


@require_POST
@login_required
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    if not request.user.has_perm("calls.declare_conflict", review):
        messages.error(request, _("A conflict can no longer be declared in this phase."))
        return redirect("reviews:proposal", pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you cannot review this proposal."))
        return redirect("reviews:proposal", pk)
    services.declare_conflict(review, form.cleaned_data["reason"])
    messages.success(request, _("Conflict declared: the assignment is removed."))
    return redirect("reviews:mine")


@login_required
def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A proposal's PDF, to its reviewers and to staff (never from MEDIA_URL)."""
    found = get_object_or_404(
        ProposalDocument.objects.select_related("proposal"), pk=document_pk, proposal_id=pk
    )
    if not request.user.has_perm("calls.view_proposal", found.proposal):
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.proposal.ref}-{found.pk}.pdf"'
    return response
