from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.signin import normalise_email
from aspire.fields import NameField, RORField


class Role(models.TextChoices):
    """The four groups of people who use Aspire (a user may hold several)."""

    STAFF = "staff", _("Program staff")
    REVIEWER = "reviewer", _("Reviewer")
    PI = "pi", _("Principal investigator")
    COMMITTEE = "committee", _("Evaluation committee")


class EmailUserManager(UserManager):
    def _create_user(self, email, password, **extra_fields):
        # Django's manager passes username first; ours logs in by e-mail.
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Any spelling of the address finds the one account (full-width, spaces, case),
        # as django-axes counts failures under any spelling (accounts/signin.py).
        return self.get(email__iexact=normalise_email(username))


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = NameField(_("full name"), max_length=200, blank=True)
    institution = NameField(
        _("institution"),
        max_length=200,
        blank=True,
        help_text=_("Used to detect reviewers' conflicts of interest."),
    )
    institution_ror = RORField(
        _("institution's ROR id"),
        blank=True,
        db_default="",  # writers that COPY accounts (evaluations/synthetic.py) need not know it
        help_text=_("The institution in the Research Organization Registry, e.g. 057zh3y96."),
    )
    reviewer_code = models.CharField(
        _("reviewer code"), max_length=40, unique=True, null=True, blank=True
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("ja", "日本語"), ("en", "English")], default="ja"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            # Signing in ignores case: two accounts differing only in case would be one.
            models.UniqueConstraint(
                Lower("email"),
                name="unique_email_ignoring_case",
                violation_error_message=_("A user with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @cached_property
    def roles(self) -> frozenset[str]:
        """The names of the user's groups, read once per request rather than per check."""
        return frozenset(self.groups.values_list("name", flat=True))
