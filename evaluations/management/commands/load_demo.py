from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from evaluations.demo import AS_OF, DEFAULT_PASSWORD, PROGRAM, REVIEWERS, load_demo


class Command(BaseCommand):
    help = (
        "Load the program catalogue and the ASPIRE demo data set, with the accounts staff, pi, "
        "committee and reviewer. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=_("Password of every demo account (default: %(default)s)."),
        )

    def handle(self, *args, password, **options):
        demo = load_demo(password=password)
        self.stdout.write(
            _(
                "Loaded the catalogue and the %(program)s demo data set: %(calls)s calls, "
                "%(proposals)s proposals, %(projects)s projects (figures as of %(as_of)s)."
            )
            % {"program": PROGRAM, "as_of": AS_OF.isoformat(), **demo.counts}
        )
        self.stdout.write("")
        self.stdout.write(
            _("Sign in at %(url)s with:") % {"url": settings.SITE_URL.rstrip("/") + "/"}
        )
        for role, email in demo.accounts:
            self.stdout.write(
                _("  %(role)s: %(email)s / password: %(password)s")
                % {"role": role, "email": email, "password": demo.password}
            )
        self.stdout.write(
            _(
                "%(first)s to %(last)s are further reviewers with the same password. Every "
                "demo account may sign in to the admin; %(staff)s is also a superuser."
            )
            % {
                "first": REVIEWERS[1][0],
                "last": REVIEWERS[-1][0],
                "staff": demo.accounts[0][1],
            }
        )
        self.stdout.write("")
        self.stdout.write(
            _(
                "Staff and the committee then give a code from an authenticator app. Add each "
                "key to one (scan the URI as a QR code, or type the key), or use a recovery "
                "code: each works once."
            )
        )
        for factor in demo.second_factors:
            self.stdout.write(
                _("  %(email)s: key %(secret)s, recovery codes %(codes)s")
                % {
                    "email": factor.email,
                    "secret": factor.secret,
                    "codes": ", ".join(factor.recovery_codes[:3]) or _("none left"),
                }
            )
            self.stdout.write(f"    {factor.uri}")
