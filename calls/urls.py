from django.urls import path

from calls import views

app_name = "reviews"

urlpatterns = [
    path("", views.my_assignments, name="mine"),
    path("proposals/<int:pk>/", views.proposal_page, name="proposal"),
    path("proposals/<int:pk>/save/", views.save_review, name="save"),
    path("proposals/<int:pk>/conflict/", views.declare_conflict, name="conflict"),
    path("proposals/<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
]
