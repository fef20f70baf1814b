"""In a real browser: a counsellor finds the ICAM desk in the directory, refers a client with
consent to two fields, the coach sees exactly those, accepts and answers, and the counsellor
reads the answer on the client's time line."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casework.models import Network, Role
from clients import services as cases
from tests.factories import CentreFactory, UserFactory, counsellor
from tests.referrals.conftest import make_partner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    network = Network.objects.create(name="Network")
    centre = CentreFactory(code="FOY", name="Foyer", network=network)
    holder = counsellor(centre, username="holder")
    coach = UserFactory(centre=None, username="coach", roles=[Role.ICAM_COACH])
    desk = make_partner(network, "ICAM desk Brussels", "icam_desk", languages=["fr"])
    make_partner(network, "Taalhuis Noord", "language_classes", provinces=["VAN"])
    coach.groups.add(desk.group)
    _client, case = cases.client_create(
        actor=holder,
        data={
            "first_name": "Nadira",
            "last_name": "Quetzalwyrm",
            "phone": "+32 470 55 66 77",
            "country_of_origin": "MA",
            "languages": ["ar"],
        },
    )
    return holder, coach, case


def test_refer_to_a_desk_and_read_the_coachs_answer(page: Page, sign_in, people):
    holder, coach, case = people

    sign_in(holder)
    page.get_by_role("link", name="Partners").click()
    page.get_by_label("Domain").select_option(label="ICAM desk")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="ICAM desk Brussels")).to_be_visible()
    expect(page.get_by_role("link", name="Taalhuis Noord")).to_have_count(0)

    page.get_by_role("link", name="My caseload").click()
    page.get_by_role("link", name=case.reference, exact=True).click()
    page.get_by_role("link", name="New referral").click()
    page.get_by_label("To").select_option(label="ICAM desk Brussels")
    page.get_by_label("Type").select_option(label="ICAM coaching")
    page.get_by_label("Purpose").fill("Weigh a regularisation against a return")
    page.get_by_label("First name").check()
    page.get_by_label("Languages").check()
    page.get_by_label("Verbal").check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("status")).to_contain_text("The referral was sent.")
    expect(page.locator(".shared-fields")).to_contain_text("Nadira")
    reference = page.locator("h1 .ref").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(coach)
    expect(page.get_by_role("heading", name="Referrals to my desk")).to_be_visible()
    page.get_by_role("link", name=reference).click()
    shared = page.locator(".shared-fields")
    expect(shared).to_contain_text("Nadira")
    expect(shared).to_contain_text("Arabic")
    body = page.content()
    for secret in ("Quetzalwyrm", "+32 470 55 66 77", "Morocco", case.client.reference):
        assert secret not in body
    page.get_by_label("New status").select_option(label="Accepted")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer was recorded.")
    page.get_by_label("Feedback").fill("First meeting on Monday at ten")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("status")).to_contain_text("Your feedback was sent to the counsellor.")
    page.get_by_role("button", name="Sign out").click()

    sign_in(holder)
    page.goto(f"/clients/{case.client_id}/timeline/")
    expect(page.get_by_text("First meeting on Monday at ten")).to_be_visible()
    expect(page.get_by_text("Referral to ICAM desk Brussels: Accepted")).to_be_visible()
