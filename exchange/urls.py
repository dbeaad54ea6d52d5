from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("<str:kind>/import/", views.import_view, name="import"),
    path("<str:kind>/export/", views.export_view, name="export"),
]
