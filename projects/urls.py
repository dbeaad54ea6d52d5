from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("my/", views.my_projects, name="mine"),
    path("projects/<int:pk>/members/", views.members, name="members"),
    path("reports/queue/", views.queue, name="queue"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/details/", views.save_details, name="details"),
    path("reports/<int:pk>/submit/", views.submit, name="submit"),
    path("reports/<int:pk>/remind/", views.remind, name="remind"),
    path("reports/<int:pk>/bring-in/", views.bring_in, name="bring_in"),
    path("reports/<int:pk>/import/", views.import_outputs, name="import_outputs"),
    path("reports/<int:pk>/drafts/", views.drafts, name="drafts"),
    path("reports/<int:pk>/copy/", views.copy_standing_items, name="copy"),
    path("reports/<int:pk>/accept/", views.review, {"decision": "accept"}, name="accept"),
    path("reports/<int:pk>/return/", views.review, {"decision": "return"}, name="return"),
    path("reports/<int:pk>/<str:section>/add/", views.add_row, name="add"),
    path("reports/<int:pk>/<str:section>/<int:row>/", views.edit_row, name="edit"),
    path("reports/<int:pk>/<str:section>/<int:row>/delete/", views.delete_row, name="delete"),
]
