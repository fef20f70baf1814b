"""In a real browser, in French: a session with the four questions, a goal, then the journey.

Labels are taken from the forms and gettext under ``translation.override("fr")``, so the test
holds whether or not the French strings are translated and compiled yet.
"""

from __future__ import annotations

import re

import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from sessions.forms import GoalForm, ProgressForm, SessionForm
from sessions.models import GoalCategory, GoalStatus
from sessions.topics import BUILTIN_TOPIC_LABELS
from tests.factories import CentreFactory, counsellor, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTIONS = ("why_came", "experienced", "situation_now", "future")
ANSWERS = {
    "why_came": "Pour travailler et aider ma famille",
    "experienced": "Un long voyage par la Libye",
    "situation_now": "Sans papiers, hébergé chez un ami",
    "future": "Apprendre un métier dans la cuisine",
}
GOAL_DESCRIPTION = "Devenir cuisinier"
PROGRESS_NOTE = "Inscrit à une formation de commis"
REASON = "La formation commence lundi"


@pytest.fixture
def holder_and_case(transactional_db):
    centre = CentreFactory(code="FOY", name="Foyer")
    holder = counsellor(centre, username="holder")
    case = make_case(holder, first_name="Amal", country_of_origin="MA", languages=["ar"])
    return holder, case


def french_words(case, held_on) -> dict:
    """Every label the test looks for, as the French page shows it."""
    with translation.override("fr"):
        session_form = SessionForm(centre_id=case.centre_id)
        goal_form = GoalForm(case=case)
        progress_form = ProgressForm()
        return {
            "new_session": gettext("New session"),
            "new_goal": gettext("New goal"),
            "save": gettext("Save"),
            "date": str(session_form.fields["held_on"].label),
            "duration": str(session_form.fields["duration_minutes"].label),
            "questions": {name: str(session_form.fields[name].label) for name in QUESTIONS},
            "topic": str(BUILTIN_TOPIC_LABELS["training-work"]),
            "category": str(goal_form.fields["category"].label),
            "category_choice": str(GoalCategory.TRAINING.label),
            "description": str(goal_form.fields["description"].label),
            "progress": str(progress_form.fields["note"].label),
            "record_progress": gettext("Record progress"),
            "new_status": gettext("New status"),
            "reason": gettext("Reason"),
            "change_status": gettext("Change status"),
            "in_progress": str(GoalStatus.IN_PROGRESS.label),
            "journey": gettext("Journey"),
            "discussed": gettext("discussed"),
            "column": formats.date_format(held_on, "SHORT_DATE_FORMAT"),
        }


def expect_french(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_a_session_a_goal_and_the_journey_in_french(page: Page, sign_in, holder_and_case):
    holder, case = holder_and_case
    held_on = timezone.localdate()
    fr = french_words(case, held_on)

    sign_in(holder)
    page.get_by_role("button", name="FR", exact=True).click()
    expect_french(page)
    expect(page).to_have_url(re.compile(r"/caseload/$"))

    # The case, from the caseload; then a new session.
    page.get_by_role("link", name=case.reference, exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    expect_french(page)
    page.get_by_role("link", name=fr["new_session"], exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/sessions/new/$"))
    expect_french(page)

    page.get_by_label(fr["date"], exact=True).fill(held_on.isoformat())
    page.get_by_label(fr["duration"], exact=True).fill("50")
    for name in QUESTIONS:
        # Each question is its own textarea, labelled with the question.
        field = page.get_by_label(fr["questions"][name], exact=True)
        expect(field).to_have_attribute("name", name)
        field.fill(ANSWERS[name])
    page.get_by_label(fr["topic"], exact=True).check()
    page.get_by_role("button", name=fr["save"], exact=True).click()

    page.wait_for_url(re.compile(rf"/cases/{case.pk}/sessions/\d+/$"))
    expect_french(page)
    for name in QUESTIONS:
        expect(page.get_by_text(ANSWERS[name], exact=True)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=fr["topic"])).to_be_visible()
    session = case.sessions.get()
    assert session.topics == ["training-work"]
    assert session.duration_minutes == 50

    # A goal, linked to that session.
    page.get_by_role("link", name=case.reference, exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    page.get_by_role("link", name=fr["new_goal"], exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/goals/new/$"))
    expect_french(page)
    page.get_by_label(fr["category"], exact=True).select_option(label=fr["category_choice"])
    page.get_by_label(fr["description"], exact=True).fill(GOAL_DESCRIPTION)
    page.get_by_label(held_on.strftime("%d/%m/%Y"), exact=True).check()
    page.get_by_role("button", name=fr["save"], exact=True).click()

    page.wait_for_url(re.compile(rf"/cases/{case.pk}/goals/\d+/$"))
    goal_url = page.url
    expect_french(page)
    expect(page.get_by_text(GOAL_DESCRIPTION, exact=True)).to_be_visible()

    # A progress note, then the status moves on with a reason.
    page.get_by_label(fr["progress"], exact=True).fill(PROGRESS_NOTE)
    page.get_by_role("button", name=fr["record_progress"], exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text=PROGRESS_NOTE)).to_be_visible()
    expect(page).to_have_url(goal_url)
    expect_french(page)

    page.get_by_label(fr["new_status"], exact=True).select_option(label=fr["in_progress"])
    page.get_by_label(fr["reason"], exact=True).fill(REASON)
    page.get_by_role("button", name=fr["change_status"], exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text=REASON)).to_be_visible()
    expect(page).to_have_url(goal_url)
    expect_french(page)

    goal = case.goals.get()
    assert goal.description == GOAL_DESCRIPTION
    assert goal.status == GoalStatus.IN_PROGRESS
    assert list(goal.sessions.all()) == [session]
    assert goal.progress.get().note == PROGRESS_NOTE

    # The journey: the four answers in the session's column, the goal row with its status.
    page.get_by_role("link", name=fr["journey"], exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/journey/$"))
    expect_french(page)
    table = page.locator("table.journey")
    headers = table.get_by_role("columnheader")
    expect(headers).to_have_count(3)  # question, the session, now
    expect(headers.nth(1)).to_have_text(fr["column"])

    for name in QUESTIONS:
        row = table.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=fr["questions"][name], exact=True)
        )
        expect(row).to_have_count(1)
        expect(row.get_by_role("cell").first).to_have_text(ANSWERS[name])

    goal_row = table.get_by_role("row").filter(
        has=page.get_by_role("link", name=fr["category_choice"], exact=True)
    )
    expect(goal_row).to_have_count(1)
    cells = goal_row.get_by_role("cell")
    expect(cells).to_have_count(2)
    session_cell, now_cell = cells.nth(0), cells.nth(1)
    expect(session_cell).to_contain_text(fr["in_progress"])
    expect(session_cell).to_contain_text(fr["discussed"])
    expect(session_cell).to_contain_text(REASON)
    expect(now_cell).to_have_text(fr["in_progress"])
