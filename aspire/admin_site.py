"""The staff admin, organised by the job rather than by the app that holds each model.

Officers look for "calls and reviewing" or "projects and reports", not for Django apps:
the index groups the models so, in the order of a call cycle, and keeps the machinery
(sign-in lockouts, second-factor devices, API keys, groups) under "Administration", which
only superusers see. Each group is an "app" of the admin's own index template.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# (title, models by "app_label.ModelName"), in the order of the work.
JOBS = [
    (
        _("Calls and reviewing"),
        ["calls.Call", "calls.Proposal", "calls.Review", "calls.ConflictOfInterest"]
        + ["calls.Researcher", "calls.ReviewerAffiliation", "calls.ProposalDocument"]
        + ["calls.ReviewReminder"],
    ),
    (
        _("Projects and annual reports"),
        ["projects.Project", "projects.AnnualReport", "projects.ReportingPeriod"]
        + ["projects.Paper", "projects.Presentation", "projects.Event", "projects.Exchange"]
        + ["projects.LabStatistic", "projects.Hub", "projects.SurveyAnswer"]
        + ["projects.Participant", "projects.ProjectBudget", "projects.ProjectMember"]
        + ["projects.Notice", "projects.Reminder", "projects.DraftOutput"]
        + ["projects.ResearcherIds"],
    ),
    (
        _("Evaluation"),
        ["evaluations.Evaluation", "evaluations.Target", "evaluations.CommitteeMember"]
        + ["evaluations.GoalAssessment", "evaluations.Opinion", "evaluations.EvaluationReport"],
    ),
    (
        _("Programs and funding agencies"),
        ["programs.Program", "programs.ProgramGoal", "programs.SupportType"]
        + ["programs.FundingAgency"],
    ),
    (_("People"), ["accounts.User"]),
    (
        _("Records"),
        ["audit.AuditEntry", "exchange.ImportJob", "programs.FormerCode"]
        + ["projects.OutputFigure", "projects.PaperFigure"]  # derived (projects/figures.py)
        + ["calls.CallFigure", "calls.PIFigure"],  # derived (calls/figures.py)
    ),
]
MACHINERY = _("Administration")  # everything else: superusers only
# The apps of that machinery; every other model the admin registers belongs to a job above
# (tests/test_staff_side.py), or officers would have no link to it.
MACHINERY_APPS = {"axes", "otp_totp", "otp_static", "auth", "api"}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that jobs and pages write (reminders, notices, import jobs, former codes, the
    audit log): staff read them, nobody adds or edits one by hand. `deletable = False` where
    even a superuser's delete would lose the trail."""

    deletable = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)


class AspireAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        """As Django's, and the list of a model that has an exchange kind can export
        its selected rows (exchange/actions.py)."""
        super().register(model_or_iterable, admin_class, **options)
        from exchange.actions import export_selected  # the exchange sits on the models
        from exchange.kinds import KIND_OF_MODEL

        for model_admin in self._registry.values():
            has_kind = model_admin.opts.label_lower in KIND_OF_MODEL
            if has_kind and export_selected not in (model_admin.actions or ()):
                model_admin.actions = [*(model_admin.actions or ()), export_selected]

    def index(self, request, extra_context=None):
        """The home of officers: the day's work (projects/home.py) above the records."""
        return super().index(request, (extra_context or {}) | _home(request))

    def get_app_list(self, request, app_label=None):
        if app_label is not None:  # an app's own page lists that app as Django does
            return super().get_app_list(request, app_label)
        models = {
            f"{app['app_label']}.{model['object_name']}": (app, model)
            for app in super().get_app_list(request)
            for model in app["models"]
        }
        groups = [
            _group(title, [models.pop(name) for name in names if name in models])
            for title, names in JOBS
        ]
        if request.user.is_superuser:
            groups.append(_group(MACHINERY, list(models.values())))
        return [group for group in groups if group["models"]]


def _home(request) -> dict:
    from accounts.rules import visible_proposals
    from projects import home  # the admin site is wired before the apps are loaded

    today = timezone.localdate()
    context = {"today": today}
    if request.user.has_perm("calls.view_proposal"):
        context["calls_by_stage"] = home.calls_by_stage(today)
        # Undecided, so unfunded: none of them for the committee (accounts/rules.py).
        missing = home.proposals_missing_reviews()
        context["missing_reviews"] = visible_proposals(request.user, missing)
        context["workload"] = home.reviewer_workload()
    if request.user.has_perm("projects.review_annualreport"):
        context["late"] = list(home.late_reports(today))  # one query: rows and count
    return context


def _group(title, entries: list[tuple[dict, dict]]) -> dict:
    first_app = entries[0][0] if entries else {"app_label": "", "app_url": ""}
    return {
        "name": str(title),
        "app_label": first_app["app_label"],
        "app_url": first_app["app_url"],
        "has_module_perms": True,
        "models": [model for _app, model in entries],
    }


class AspireAdminConfig(AdminConfig):
    default_site = "aspire.admin_site.AspireAdminSite"
