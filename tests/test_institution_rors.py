"""ROR ids of the institutions named beyond PIs (issue 17): an exchange stay's institution,
a reviewer's and their former affiliations', checked and stored one way at every door
(the PI's form, the admin, the API, the files), and a conflict of interest found by ROR."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from calls.models import ReviewerAffiliation
from calls.services import conflict_of_interest
from exchange.services import export_table, import_table, read_table
from projects.models import Exchange, ReportStatus
from tests.conftest import sign_in
from tests.factories import (
    ExchangeFactory,
    MemberFactory,
    ProposalFactory,
    ReportFactory,
    ResearcherFactory,
    UserFactory,
)
from tests.test_admin import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jobs_in_process")]

ROR = "057zh3y96"  # the University of Tokyo
WRONG = "057zh3y97"  # one check digit off


# --- Exchange stays ---------------------------------------------------------------------


def test_it_stores_a_stays_ror_id_one_way_and_refuses_wrong_check_digits():
    stay = ExchangeFactory(institution_ror=f" https://ror.org/{ROR.upper()} ")
    stay.refresh_from_db()
    assert stay.institution_ror == ROR
    assert Exchange.objects.filter(institution_ror=f"https://ror.org/{ROR}").exists()
    stay.institution_ror = WRONG
    with pytest.raises(ValidationError) as refused:
        stay.clean_fields()
    assert set(refused.value.message_dict) == {"institution_ror"}


def _stay_form(report, **fields) -> dict:
    data = {
        "direction": "dispatch",
        "person": "Aoi Sato",
        "career_stage": "postdoc",
        "country": "US",
        "institution": "Harvard University",
        "start_date": "2024-08-01",
        "end_date": "2024-08-30",
        "funded_by_program": "on",
        "version": report.version,
        **fields,
    }
    return {f"exchanges-{key}": value for key, value in data.items()}


def test_it_takes_a_stays_ror_id_in_the_pis_form_and_refuses_a_wrong_one(client):
    report = ReportFactory(status=ReportStatus.DRAFT)
    sign_in(client, MemberFactory(project=report.project).user)
    add = reverse("projects:add", args=[report.pk, "exchanges"])
    response = client.post(add, _stay_form(report, institution_ror=WRONG))
    assert response.status_code == 400
    assert "check digits are wrong" in response.text
    assert not Exchange.objects.exists()
    response = client.post(add, _stay_form(report, institution_ror=f"https://ror.org/{ROR}"))
    assert response.status_code == 302
    assert Exchange.objects.get().institution_ror == ROR


def test_it_takes_a_stays_ror_id_in_the_admin_and_refuses_a_wrong_one(admin_client):
    stay = ExchangeFactory(report__status=ReportStatus.DRAFT)
    change = reverse("admin:projects_exchange_change", args=[stay.pk])
    data = form_data(admin_client.get(change))
    response = admin_client.post(change, data | {"institution_ror": WRONG})
    assert response.status_code == 200
    assert "check digits are wrong" in response.text
    response = admin_client.post(change, data | {"institution_ror": ROR.upper()})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.institution_ror == ROR


def test_it_shows_a_stays_ror_id_in_the_api(keyed):
    stay = ExchangeFactory(report__status=ReportStatus.ACCEPTED, institution_ror=ROR)
    listed = keyed.get("/api/v1/exchanges/").json()["results"]
    assert [row["institution_ror"] for row in listed] == [ROR]
    shown = keyed.get(f"/api/v1/exchanges/{stay.pk}/").json()
    assert shown["institution_ror"] == ROR
    download = keyed.get("/api/v1/exchanges/", {"format": "csv"})
    header = download.getvalue().decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-1] == "institution_ror"


def test_it_round_trips_a_stays_ror_id_in_files_after_the_contracts_columns():
    ExchangeFactory(report__status=ReportStatus.DRAFT, institution_ror=ROR)
    header, rows = export_table("exchanges")
    assert header[-1] == "institution_ror" and header[-2] == "purpose"  # after the contract's
    row = dict(zip(header, rows[0], strict=True))
    assert row["institution_ror"] == ROR
    assert import_table("exchanges", [row]).unchanged == 1
    row["institution_ror"] = f"https://ror.org/{ROR}"
    assert import_table("exchanges", [row]).unchanged == 1  # the same id, however written
    left_out = {name: value for name, value in row.items() if name != "institution_ror"}
    assert import_table("exchanges", [left_out]).unchanged == 1  # a column left out keeps it
    assert Exchange.objects.get().institution_ror == ROR


def test_it_refuses_a_stays_wrong_ror_id_in_an_import_naming_the_column():
    ExchangeFactory(report__status=ReportStatus.DRAFT)
    header, rows = export_table("exchanges")
    row = dict(zip(header, rows[0], strict=True)) | {"institution_ror": WRONG}
    result = import_table("exchanges", [row])
    assert len(result.errors) == 1 and result.errors[0].startswith("row 2, column institution_ror:")
    assert Exchange.objects.get().institution_ror == ""


# --- Reviewers and their affiliations: a conflict is the same institution, by ROR too ----


def test_it_finds_a_conflict_at_the_same_ror_id_under_another_name():
    pi = ResearcherFactory(institution="The University of Tokyo", institution_ror=ROR)
    proposal = ProposalFactory(jp_pi=pi)
    reviewer = UserFactory(institution="東京大学", institution_ror=f"https://ror.org/{ROR}")
    assert "The University of Tokyo" in conflict_of_interest(reviewer, proposal)
    elsewhere = UserFactory(institution="東京大学", institution_ror="03yrm5c26")
    assert conflict_of_interest(elsewhere, proposal) is None  # the names differ, the ids too
    unknown = UserFactory(institution="Tokyo Univ.")
    assert conflict_of_interest(unknown, proposal) is None  # no id: the name alone decides


def test_it_finds_a_conflict_at_a_former_affiliations_ror_id():
    proposal = ProposalFactory(jp_pi=ResearcherFactory(institution="UTokyo", institution_ror=ROR))
    reviewer = UserFactory(institution="Osaka University")
    year = timezone.localdate().year
    ReviewerAffiliation.objects.create(
        reviewer=reviewer, institution="東京大学", institution_ror=ROR, end_year=year - 1
    )
    assert "UTokyo" in conflict_of_interest(reviewer, proposal)


def test_it_refuses_a_wrong_ror_id_of_a_reviewer_and_an_affiliation():
    with pytest.raises(ValidationError) as refused:
        UserFactory.build(institution_ror=WRONG).clean_fields(exclude=["password"])
    assert set(refused.value.message_dict) == {"institution_ror"}
    affiliation = ReviewerAffiliation(
        reviewer=UserFactory(), institution="Kyoto University", institution_ror=WRONG
    )
    with pytest.raises(ValidationError) as refused:
        affiliation.full_clean()
    assert set(refused.value.message_dict) == {"institution_ror"}


def test_it_takes_a_reviewers_ror_id_in_the_admin(admin_client):
    reviewer = UserFactory(roles=["reviewer"], institution="Kyoto University")
    change = reverse("admin:accounts_user_change", args=[reviewer.pk])
    data = form_data(admin_client.get(change))
    response = admin_client.post(change, data | {"institution_ror": WRONG})
    assert response.status_code == 200 and "check digits are wrong" in response.text
    response = admin_client.post(change, data | {"institution_ror": f"https://ror.org/{ROR}"})
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.institution_ror == ROR


def test_it_takes_an_affiliations_ror_id_in_the_admin(admin_client):
    reviewer = UserFactory(roles=["reviewer"])
    add = reverse("admin:calls_revieweraffiliation_add")
    data = {"reviewer": reviewer.pk, "institution": "東京大学", "start_year": "2015"}
    response = admin_client.post(add, data | {"institution_ror": WRONG})
    assert response.status_code == 200 and "check digits are wrong" in response.text
    response = admin_client.post(add, data | {"institution_ror": ROR.upper()})
    assert response.status_code == 302
    assert ReviewerAffiliation.objects.get().institution_ror == ROR


def test_it_imports_and_exports_a_reviewers_ror_id_after_the_other_columns():
    text = f"email,full_name,institution,institution_ror\na@example.org,Aoi Mori,東京大学,https://ror.org/{ROR}\n"
    result = import_table("reviewers", read_table(text.encode(), "reviewers.csv"))
    assert result.ok, result.errors
    header, rows = export_table("reviewers")
    assert header[-1] == "institution_ror"
    row = dict(zip(header, rows[0], strict=True))
    assert row["institution_ror"] == ROR
    assert import_table("reviewers", [row]).unchanged == 1
    wrong = import_table("reviewers", [row | {"institution_ror": WRONG}])
    assert len(wrong.errors) == 1 and wrong.errors[0].startswith("row 2, column institution_ror:")


def test_it_takes_a_pis_ror_id_pasted_as_its_url_in_the_admin(admin_client):
    # The form's limit was the stored id's nine characters: the URL people paste was
    # refused for its length before the field could normalise it.
    researcher = ResearcherFactory()
    change = reverse("admin:calls_researcher_change", args=[researcher.pk])
    data = form_data(admin_client.get(change))
    response = admin_client.post(change, data | {"institution_ror": f" https://ror.org/{ROR} "})
    assert response.status_code == 302
    researcher.refresh_from_db()
    assert researcher.institution_ror == ROR
