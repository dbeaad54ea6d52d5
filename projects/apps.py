from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and reports")

    def ready(self) -> None:
        from calls import conflicts
        from projects import coauthors, figures, reporting

        reporting.register_guards()
        figures.register()
        conflicts.register(coauthors.papers_in_common)
