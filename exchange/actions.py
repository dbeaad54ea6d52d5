"""The admin lists' "export the selected rows": the export page, narrowed to them.

Every list of a kind gets it (aspire/admin_site.py adds it where the model has a kind). The
export itself stays the one of the list's link (exchange.views.export_view): the selection
travels as the list's filters, so what is exported is what that list would show to this
user, with its permissions, and nothing else.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from exchange.kinds import KIND_OF_MODEL


@admin.action(
    description=gettext_lazy("Export the selected %(verbose_name_plural)s"),
    permissions=["view"],
)
def export_selected(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponseRedirect:
    export = reverse("exchange:export", args=[KIND_OF_MODEL[modeladmin.opts.label_lower]])
    return HttpResponseRedirect(f"{export}?{urlencode({'filters': _filters(request, queryset)})}")


def _filters(request: HttpRequest, queryset: QuerySet) -> str:
    """'All N rows' ticked: the list's own filters (a hundred thousand ids make no
    address); else the ticked rows by their keys, at most a page of them."""
    if request.POST.get("select_across") == "1":
        return request.GET.urlencode()
    keys = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
    return urlencode({f"{queryset.model._meta.pk.name}__in": keys})
