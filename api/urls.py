from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views
from api.archive import ArchiveView
from api.surveys import SurveyGainsView

router = DefaultRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("calls", views.CallViewSet, basename="call")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("reports", views.ReportViewSet, basename="report")
router.register("papers", views.PaperViewSet, basename="paper")
router.register("presentations", views.PresentationViewSet, basename="presentation")
router.register("events", views.EventViewSet, basename="event")
router.register("exchanges", views.ExchangeViewSet, basename="exchange")
router.register("hubs", views.HubViewSet, basename="hub")
router.register("lab-statistics", views.LabStatisticViewSet, basename="lab-statistic")
router.register("budgets", views.BudgetViewSet, basename="budget")
router.register("surveys", views.SurveyViewSet, basename="survey")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("targets", views.TargetViewSet, basename="target")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

urlpatterns = [
    path("v1/programs/<str:code>/indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("v1/programs/<str:code>/archive/", ArchiveView.as_view(), name="program-archive"),
    path("v1/programs/<str:code>/survey-gains/", SurveyGainsView.as_view(), name="survey-gains"),
    path("v1/indicators/", views.IndicatorTableView.as_view(), name="indicator-table"),
    path(
        "v1/indicators/definitions/",
        views.IndicatorDefinitionsView.as_view(),
        name="indicator-definitions",
    ),
    path("v1/", include(router.urls)),
    path("schema/", views.EnglishSchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]
