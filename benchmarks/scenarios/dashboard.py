"""The committee's dashboard page vs the indicators alone.

The page is rendered for SYNTH through Django's test Client, signed in as a committee
member (the committee's view: no staff-only list of unfunded proposals), the whole
request included: session, permission check, every query, the template. The ceiling is
compute() for the same program and date, which the page cannot do without.
"""

from django.test import Client

from benchmarks.harness import Result, compare
from benchmarks.scenarios.indicators import AS_OF, PROGRAM

EMAIL = "bench.committee@example.org"
TARGET_SECONDS = 1.0  # issue 18, at L
TARGET_RATIO = 1.5  # the earlier target, kept beside it


def committee_client() -> Client:
    """A client signed in as the benchmark's committee member, created once."""
    from django.contrib.auth.models import Group

    from accounts.models import Role, User

    # Staff flag as the demo's committee account: the page then builds its admin links.
    user = User.objects.filter(email=EMAIL).first()
    user = user or User.objects.create_user(EMAIL, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.COMMITTEE)[0])
    from tests.conftest import sign_in  # signed in as the tests are, second factor included

    client = Client(HTTP_HOST="localhost")
    sign_in(client, user)
    return client


def page(client: Client) -> None:
    from django.urls import reverse

    address = reverse("evaluations:dashboard", args=[PROGRAM])
    response = client.get(address, {"as_of": AS_OF.isoformat()})
    if response.status_code != 200:
        raise AssertionError(f"the dashboard answered {response.status_code}")


def indicators() -> None:
    from evaluations.indicators import compute
    from programs.models import Program

    compute(Program.objects.get(code=PROGRAM), AS_OF)


def run(scale: str) -> list[Result]:
    client = committee_client()
    result = compare(
        "dashboard page", scale, lambda: page(client), "indicators alone", indicators, repeat=5
    )
    result.details.update(
        target=f"< {TARGET_SECONDS:g} s (earlier: <= {TARGET_RATIO:g}x indicators)",
        met=result.median_s < TARGET_SECONDS,
        earlier_met=result.ratio <= TARGET_RATIO,
    )
    return [result]
