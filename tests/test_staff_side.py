"""The program officers' side (issue 13): the admin organised by the job."""

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_groups_the_admin_by_the_job_and_hides_the_machinery_from_officers(client):
    officer = UserFactory(roles=["staff"], is_staff=True)
    sign_in(client, officer)
    page = client.get(reverse("admin:index")).text
    titles = ["Calls and reviewing", "Projects and annual reports", "Evaluation"]
    titles += ["Programs and funding agencies"]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)  # in the order of a call cycle
    assert "Administration" not in page and "Access attempts" not in page
    assert reverse("projects:queue") in page and reverse("evaluations:index") in page


def test_it_shows_superusers_the_machinery_apart(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    assert page.index("Administration") > page.index("Calls and reviewing")
    assert "Access attempts" in page
