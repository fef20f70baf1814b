"""Sessions and goals: the method's rules, and that a broken rule saves nothing."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from casework.errors import RuleBroken, StaleEdit
from clients import services as case_services
from clients.models import Case, CaseOutcome, CaseStatus
from sessions import services
from sessions.models import Goal, GoalStatus, Session

from ..factories import make_case

TODAY = timezone.localdate


def test_a_session_keeps_the_four_answers_and_its_author(case, holder):
    session = services.session_record(
        actor=holder,
        case=case,
        data={
            "duration_minutes": 30,
            "why_came": "To work",
            "experienced": "Hard winters",
            "situation_now": "No papers",
            "future": "A training",
        },
    )
    assert (session.why_came, session.future) == ("To work", "A training")
    assert session.history.get().history_user == holder


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"held_on": TODAY() + timedelta(days=1)}, "held_on"),
        ({"next_follow_up": TODAY() - timedelta(days=1)}, "next_follow_up"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 5000}, "duration_minutes"),
    ],
)
def test_a_session_with_impossible_values_is_refused(case, holder, data, field):
    from django.core.exceptions import ValidationError

    with pytest.raises((RuleBroken, ValidationError)):
        services.session_record(actor=holder, case=case, data={"duration_minutes": 30, **data})
    assert not Session.objects.exists()


def test_no_session_on_a_closed_case(case, holder):
    case_services.case_change_status(
        actor=holder,
        case=case,
        expected_version=case.version,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.OTHER,
    )
    with pytest.raises(RuleBroken):
        services.session_record(actor=holder, case=case, data={"duration_minutes": 30})


def test_a_session_edit_on_an_old_version_is_refused(session, holder, editor):
    services.session_update(
        actor=editor, session=session, expected_version=1, data={"future": "Editor's words"}
    )
    with pytest.raises(StaleEdit):
        services.session_update(
            actor=holder, session=session, expected_version=1, data={"future": "Mine"}
        )
    session.refresh_from_db()
    assert session.future == "Editor's words"
    assert session.history.latest().history_user == editor


def test_a_goal_in_the_past_is_refused_when_created(case, holder):
    with pytest.raises(RuleBroken):
        services.goal_set(
            actor=holder,
            case=case,
            data={
                "category": "health",
                "description": "x",
                "target_date": TODAY() - timedelta(days=1),
            },
        )
    assert not Goal.objects.exists()


def test_a_goal_cannot_be_linked_to_another_cases_session(goal, holder):
    other = make_case(holder)
    foreign = services.session_record(actor=holder, case=other, data={"duration_minutes": 20})
    with pytest.raises(RuleBroken):
        services.goal_update(
            actor=holder,
            goal=goal,
            expected_version=goal.version,
            data={},
            sessions=[foreign],
        )
    assert list(goal.sessions.all()) != [foreign]


def test_a_status_change_needs_a_reason_and_keeps_it_in_history(goal, holder):
    with pytest.raises(RuleBroken):
        services.goal_change_status(
            actor=holder, goal=goal, expected_version=goal.version, status="achieved", reason=" "
        )
    goal = services.goal_change_status(
        actor=holder,
        goal=goal,
        expected_version=goal.version,
        status=GoalStatus.ACHIEVED,
        reason="Diploma received",
    )
    latest = goal.history.latest()
    assert (latest.status, latest.history_change_reason, latest.history_user) == (
        "achieved",
        "Diploma received",
        holder,
    )


def test_an_impossible_status_change_is_refused(goal, holder):
    goal = services.goal_change_status(
        actor=holder, goal=goal, expected_version=goal.version, status="abandoned", reason="r"
    )
    with pytest.raises(RuleBroken):
        services.goal_change_status(
            actor=holder, goal=goal, expected_version=goal.version, status="achieved", reason="r"
        )


def test_progress_notes_are_dated_and_attributed(goal, editor):
    progress = services.goal_progress_record(
        actor=editor, goal=goal, noted_on=TODAY(), note="First week of training"
    )
    assert progress.history.get().history_user == editor
    with pytest.raises(RuleBroken):
        services.goal_progress_record(
            actor=editor, goal=goal, noted_on=TODAY() + timedelta(days=2), note="later"
        )


def test_a_session_moves_its_case_up_the_caseload_without_an_empty_case_history_row(case, holder):
    before, rows = case.last_activity_at, case.history.count()
    services.session_record(actor=holder, case=case, data={"duration_minutes": 15})
    case.refresh_from_db()
    assert case.last_activity_at > before
    assert case.history.count() == rows


def test_the_case_keeps_its_latest_sessions_follow_up_out_of_its_history(case, holder):
    rows = case.history.count()
    soon, later = TODAY() + timedelta(days=3), TODAY() + timedelta(days=9)
    services.session_record(
        actor=holder,
        case=case,
        data={
            "held_on": TODAY() - timedelta(days=2),
            "duration_minutes": 30,
            "next_follow_up": soon,
        },
    )
    earlier = services.session_record(
        actor=holder,
        case=case,
        data={
            "held_on": TODAY() - timedelta(days=20),
            "duration_minutes": 30,
            "next_follow_up": later,
        },
    )
    case.refresh_from_db()
    assert case.next_follow_up == soon  # the session held last counts, not the one typed last

    moved = services.session_update(
        actor=holder, session=earlier, expected_version=1, data={"held_on": TODAY()}
    )
    case.refresh_from_db()
    assert case.next_follow_up == later
    services.session_update(
        actor=holder, session=moved, expected_version=2, data={"next_follow_up": None}
    )
    case.refresh_from_db()
    assert case.next_follow_up is None
    assert case.history.count() == rows


def test_the_migration_fills_each_cases_follow_up_from_its_latest_session(case, holder):
    services.session_record(
        actor=holder,
        case=case,
        data={"held_on": TODAY(), "duration_minutes": 30, "next_follow_up": TODAY()},
    )
    untouched = make_case(holder)
    Case.objects.update(next_follow_up=None)
    migration = import_module("clients.migrations.0008_case_next_follow_up")
    migration.fill(apps, SimpleNamespace(connection=connection))  # all it reads of the editor
    assert dict(Case.objects.values_list("pk", "next_follow_up")) == {
        case.pk: TODAY(),
        untouched.pk: None,
    }


def test_refresh_follow_ups_sets_every_case_from_its_sessions(case, holder, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from sessions import follow_ups

    services.session_record(
        actor=holder,
        case=case,
        data={"held_on": TODAY(), "duration_minutes": 30, "next_follow_up": TODAY()},
    )
    others = [make_case(holder) for _ in range(3)]
    Case.objects.filter(pk=case.pk).update(next_follow_up=None)  # as if written by older code
    Case.objects.filter(pk=others[0].pk).update(next_follow_up=TODAY())  # a session gone
    rows = case.history.count()
    monkeypatch.setattr(follow_ups, "BATCH", 2)  # several batches
    out = StringIO()
    call_command("refresh_follow_ups", stdout=out)
    assert "for 4 cases" in out.getvalue()
    assert dict(Case.objects.values_list("pk", "next_follow_up")) == {
        case.pk: TODAY(),
        **{other.pk: None for other in others},
    }
    assert case.history.count() == rows
