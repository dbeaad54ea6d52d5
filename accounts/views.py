from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.rules import is_committee, is_staff_member


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send people to their work: staff to the admin, the committee to the evaluations,
    everyone else to their projects."""
    if is_staff_member(request.user):
        return redirect("admin:index")
    if is_committee(request.user):
        return redirect("evaluations:index")
    return redirect("projects:mine")
