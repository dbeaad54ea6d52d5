from django.urls import path

from evaluations import evaluation_views, views

app_name = "evaluations"

# The committee's pages. Evaluations are numbered; dashboards are named by program code.
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", evaluation_views.evaluation_page, name="evaluation"),
    path("<int:pk>/goals/<int:goal>/", evaluation_views.save_assessment, name="assessment"),
    path("<int:pk>/overall/", evaluation_views.save_overall, name="overall"),
    path("<int:pk>/texts/", evaluation_views.save_all, name="save_all"),
    path("<int:pk>/goals/<int:goal>/opinions/", evaluation_views.add_opinion, name="opinion"),
    path(
        "<int:pk>/opinions/<int:opinion>/delete/",
        evaluation_views.delete_opinion,
        name="delete_opinion",
    ),
    path(
        "<int:pk>/opinions/<int:opinion>/edit/", evaluation_views.edit_opinion, name="edit_opinion"
    ),
    path(
        "<int:pk>/opinions/<int:opinion>/move/", evaluation_views.move_opinion, name="move_opinion"
    ),
    path("<int:pk>/finalise/", evaluation_views.finalise, name="finalise"),
    path("<int:pk>/files/", evaluation_views.request_file, name="request_file"),
    path("<int:pk>/files/<int:file>/", evaluation_views.download, name="download"),
    path("<int:pk>/files/<int:file>/retry/", evaluation_views.retry_file, name="retry_file"),
    path("<str:code>/", views.dashboard_page, name="dashboard"),
    path("<str:code>/figures/<str:indicator>/", views.figure_page, name="figure"),
]
