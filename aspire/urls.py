from django.contrib import admin
from django.urls import include, path

from accounts.views import home
from exchange.views import upload_to_report

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("admin/exchange/", include("exchange.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("reviews/", include("calls.urls")),
    path("reports/<int:pk>/<str:section>/upload/", upload_to_report, name="report_upload"),
    path("", include("projects.urls")),
    path("", home, name="home"),
]

# Our own error answers: pages in the site's look and language, JSON under /api/.
handler400 = "aspire.errors.bad_request"
handler403 = "aspire.errors.permission_denied"
handler404 = "aspire.errors.page_not_found"
handler500 = "aspire.errors.server_error"
