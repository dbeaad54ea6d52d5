from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts.roles import grant_role_permissions

        # After every migrate (and every test flush): permissions exist only by then.
        post_migrate.connect(grant_role_permissions, dispatch_uid="accounts.roles")
