from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("admin/exchange/<str:kind>/import/", views.import_view, name="import"),
    path("admin/exchange/<str:kind>/export/", views.export_view, name="export"),
    # An import's job, followed by whoever started it: staff, or a PI uploading a file.
    path("imports/<int:pk>/", views.job_view, name="job"),
    path("imports/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("imports/<int:pk>/retry/", views.retry_job, name="retry_job"),
]
