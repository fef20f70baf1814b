"""The caseload and the follow-ups list: what falls due, counted as the lists count it."""

from __future__ import annotations

from django.urls import reverse

from sessions import services

from ..factories import make_case


def test_follow_ups_list_only_the_latest_session_date_of_visible_open_cases(
    web, case, holder, outsider
):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    services.session_record(
        actor=holder,
        case=case,
        data={
            "duration_minutes": 20,
            "held_on": today - timedelta(days=9),
            "next_follow_up": today - timedelta(days=2),
        },
    )
    superseded = make_case(holder)
    services.session_record(
        actor=holder,
        case=superseded,
        data={
            "duration_minutes": 20,
            "held_on": today - timedelta(days=9),
            "next_follow_up": today - timedelta(days=5),
        },
    )
    services.session_record(actor=holder, case=superseded, data={"duration_minutes": 20})
    foreign = make_case(outsider)
    services.session_record(
        actor=outsider, case=foreign, data={"duration_minutes": 20, "next_follow_up": today}
    )
    response = web(holder).get(reverse("follow_ups"))
    assert [c.pk for c in response.context["cases"]] == [case.pk]
    assert "overdue" in response.content.decode()
    caseload = web(holder).get(reverse("caseload"))
    assert caseload.context["follow_ups_due"] == 1
    dates = {c.pk: c.next_follow_up for c in caseload.context["page"].object_list}
    assert dates == {case.pk: today - timedelta(days=2), superseded.pk: None}


def test_the_caseload_counts_in_one_query_what_the_lists_count(web, case, holder, reader, outsider):
    from datetime import timedelta

    from django.utils import timezone

    from clients import services as case_services
    from clients.selectors import caseload_cases
    from sessions.selectors import caseload_counts, follow_ups_due, goals_due

    today = timezone.localdate()
    soon = {"duration_minutes": 20, "next_follow_up": today + timedelta(days=1)}
    services.session_record(actor=holder, case=case, data=soon)
    for target in (today + timedelta(days=3), today + timedelta(days=90), None):
        services.goal_set(
            actor=holder,
            case=case,
            data={"category": "training", "description": "x", "target_date": target},
        )
    closed = make_case(holder)
    services.session_record(actor=holder, case=closed, data=soon)
    services.goal_set(
        actor=holder,
        case=closed,
        data={"category": "housing", "description": "y", "target_date": today},
    )
    case_services.case_change_status(
        actor=holder, case=closed, expected_version=1, status="closed", outcome="other"
    )
    make_case(holder)  # open, nothing due
    services.session_record(actor=outsider, case=make_case(outsider), data=soon)

    expected = {"holder": (2, 1, 1), "reader": (1, 1, 1), "outsider": (1, 1, 0)}
    for user in (holder, reader, outsider):
        counts = caseload_counts(user)
        assert counts == {
            "open": caseload_cases(user).count(),
            "follow_ups_due": follow_ups_due(user).count(),
            "goals_due": goals_due(user).count(),
        }
        assert tuple(counts.values()) == expected[user.username]
        page = web(user).get(reverse("caseload")).context
        assert (page["page"].paginator.count, page["follow_ups_due"], page["goals_due"]) == (
            expected[user.username]
        )
