from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.rules import is_staff_member


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send people to their work: staff to the admin, everyone else to their projects."""
    if is_staff_member(request.user):
        return redirect("admin:index")
    return redirect("projects:mine")
