from django.urls import path

app_name = "evaluations"

# The committee's pages; the dashboard is added by evaluations/views.py.
urlpatterns: list = []
