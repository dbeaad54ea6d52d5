from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts.middleware import mark_seen
        from accounts.roles import grant_role_permissions
        from accounts.signin import count_failed_sign_in

        # After every migrate (and every test flush): permissions exist only by then.
        post_migrate.connect(grant_role_permissions, dispatch_uid="accounts.roles")
        # The idle clock of a session starts at sign-in.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: mark_seen(request.session),
            dispatch_uid="accounts.idle",
            weak=False,
        )
        # Every failed authenticate(), whatever the door, counts against the client address.
        user_login_failed.connect(
            lambda sender, credentials, request=None, **kwargs: count_failed_sign_in(request),
            dispatch_uid="accounts.signin",
            weak=False,
        )
