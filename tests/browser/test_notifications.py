"""In a real browser: a counsellor sees the unread count, opens the case from the
notification, and the count goes down."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reminders import delivery
from reminders.models import Reminder
from sessions import services as counselling
from tests.factories import CentreFactory, counsellor, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def due_follow_up(transactional_db):
    holder = counsellor(CentreFactory(code="FOY", name="Foyer"), username="holder")
    case = make_case(holder, first_name="Amal")
    counselling.session_record(
        actor=holder,
        case=case,
        data={"duration_minutes": 30, "next_follow_up": timezone.localdate()},
    )
    Reminder.objects.update(due_at=timezone.now())
    for reminder_id in delivery.claim_due():
        delivery.deliver(reminder_id)
    return holder, case


def test_open_the_case_from_a_notification(page: Page, sign_in, due_follow_up):
    holder, case = due_follow_up
    sign_in(holder)
    link = page.get_by_role("link", name="Notifications")
    expect(link.locator(".count")).to_have_text("1")
    link.click()
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Follow-up due")
    row.get_by_role("link", name="Follow-up due").click()
    expect(page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications").locator(".count")).to_have_count(0)
