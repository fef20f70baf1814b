"""Sessions, goals and the journey as a counsellor uses them."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import AccessLog
from sessions import services
from sessions.models import Goal, InfoTopic, Session

from ..factories import make_case


def test_recording_a_session_through_the_form(web, case, editor):
    response = web(editor).post(
        reverse("session_create", kwargs={"pk": case.pk}),
        {
            "held_on": "2026-01-05",
            "duration_minutes": "50",
            "mode": "phone",
            "why_came": "For my family",
            "future": "Learn Dutch",
            "topics": ["language-courses", "shelter"],
            "new_topic": "Legal aid desk",
            "notes": "Tired today",
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert session.topics[:2] == ["language-courses", "shelter"]
    topic = InfoTopic.objects.get(centre=case.centre)
    assert session.topics[2] == topic.code
    assert session.history.get().history_user == editor
    page = web(editor).get(response["Location"]).content.decode()
    assert "Legal aid desk" in page and "Learn Dutch" in page


def test_bad_session_input_saves_nothing_not_even_a_new_topic(web, case, holder):
    response = web(holder).post(
        reverse("session_create", kwargs={"pk": case.pk}),
        {
            "held_on": "2999-01-01",
            "duration_minutes": "-5",
            "mode": "telepathy",
            "new_topic": "Ghost topic",
        },
    )
    assert response.status_code == 200
    assert {"held_on", "duration_minutes", "mode"} <= set(response.context["form"].errors)
    assert not Session.objects.exists()
    assert not InfoTopic.objects.exists()


def test_a_goal_of_another_case_is_404_through_this_case(web, case, goal, holder):
    other = make_case(holder)
    url = reverse("goal_detail", kwargs={"pk": other.pk, "goal_pk": goal.pk})
    assert web(holder).get(url).status_code == 404
    url = reverse("goal_status", kwargs={"pk": other.pk, "goal_pk": goal.pk})
    response = web(holder).post(url, {"status": "achieved", "reason": "x", "version": 1})
    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.status == "open"


def test_a_tampered_session_choice_on_a_goal_is_refused(web, case, goal, holder):
    other = make_case(holder)
    foreign = services.session_record(actor=holder, case=other, data={"duration_minutes": 10})
    response = web(holder).post(
        reverse("goal_edit", kwargs={"pk": case.pk, "goal_pk": goal.pk}),
        {
            "category": "training",
            "description": "x",
            "sessions": [foreign.pk],
            "version": goal.version,
        },
    )
    assert response.status_code == 200
    assert "sessions" in response.context["form"].errors
    assert foreign not in Goal.objects.get(pk=goal.pk).sessions.all()


def test_a_second_edit_of_a_session_gets_the_conflict_screen_with_its_text(
    web, case, session, holder, editor
):
    url = reverse("session_edit", kwargs={"pk": case.pk, "session_pk": session.pk})
    base = {"held_on": str(session.held_on), "duration_minutes": "45", "mode": "in_person"}
    assert web(editor).post(url, {**base, "future": "Editor", "version": 1}).status_code == 302
    long_text = "A long note typed at 8 pm " * 20
    response = web(holder).post(url, {**base, "future": long_text, "version": 1})
    assert response.status_code == 200
    assert response.context["form"]["future"].value() == long_text
    assert response.context["saved"].future == "Editor"
    session.refresh_from_db()
    assert session.future == "Editor"


def test_the_journey_shows_answers_per_session_and_goal_changes(web, case, goal, holder):
    second = services.session_record(
        actor=holder, case=case, data={"duration_minutes": 30, "future": "Open a restaurant"}
    )
    services.goal_change_status(
        actor=holder, goal=goal, expected_version=goal.version, status="in_progress", reason="Go"
    )
    response = web(holder).get(reverse("journey", kwargs={"pk": case.pk}))
    page = response.content.decode()
    assert "Training as a cook" in page and "Open a restaurant" in page
    assert page.index("Training as a cook") < page.index("Open a restaurant")
    assert second.pk in [s.pk for s in response.context["sessions"]]
    assert "Go" in [
        r for row in response.context["goal_rows"] for c in row.cells for r in c.reasons
    ]
    assert AccessLog.objects.filter(kind=AccessLog.Kind.JOURNEY).count() == 1


def _count(browser, url) -> int:
    browser.get(url)
    with CaptureQueriesContext(connection) as context:
        assert browser.get(url).status_code == 200
    return len(context.captured_queries)


def _sessions(case, holder, n):
    for _ in range(n):
        session = services.session_record(actor=holder, case=case, data={"duration_minutes": 5})
        services.goal_set(
            actor=holder,
            case=case,
            data={"category": "health", "description": "d"},
            sessions=[session],
        )


def test_case_page_and_journey_cost_the_same_with_3_and_300_sessions(web, holder):
    case = make_case(holder)
    browser = web(holder)
    urls = [reverse(name, kwargs={"pk": case.pk}) for name in ("case_detail", "journey")]
    _sessions(case, holder, 3)
    small = [_count(browser, url) for url in urls]
    _sessions(case, holder, 297)
    large = [_count(browser, url) for url in urls]
    assert small == large


def test_session_and_goal_history_name_each_author_and_the_reason(web, case, goal, holder, editor):
    session = goal.sessions.get()
    services.session_update(
        actor=editor, session=session, expected_version=1, data={"future": "Open a bakery"}
    )
    services.goal_change_status(
        actor=editor, goal=goal, expected_version=goal.version, status="achieved", reason="Hired"
    )
    browser = web(holder)
    response = browser.get(
        reverse("session_history", kwargs={"pk": case.pk, "session_pk": session.pk})
    )
    latest = response.context["entries"][0]
    assert latest.actor == editor
    assert [(c.old, c.new) for c in latest.changes] == [("Training as a cook", "Open a bakery")]
    response = browser.get(reverse("goal_history", kwargs={"pk": case.pk, "goal_pk": goal.pk}))
    latest = response.context["entries"][0]
    assert (latest.actor, latest.reason) == (editor, "Hired")


def test_the_client_time_line_gathers_sessions_goal_changes_and_case_events(
    web, case, goal, holder, outsider
):
    services.goal_change_status(
        actor=holder, goal=goal, expected_version=goal.version, status="achieved", reason="Hired"
    )
    hidden = services.session_record(
        actor=holder, case=case, data={"duration_minutes": 5, "notes": "Quetzalwyrm"}
    )
    response = web(holder).get(reverse("client_timeline", kwargs={"pk": case.client_id}))
    kinds = sorted({item.kind for item in response.context["items"]})
    assert kinds == ["case", "goal", "session"]
    page = response.content.decode()
    assert "Hired" in page and "Case opened" in page
    assert "Quetzalwyrm" not in page  # confidential notes never appear in a list
    assert hidden.pk
    url = reverse("client_timeline", kwargs={"pk": case.client_id})
    assert web(outsider).get(url).status_code == 404


def test_the_time_line_costs_the_same_with_3_and_300_sessions(web, holder):
    case = make_case(holder)
    browser = web(holder)
    url = reverse("client_timeline", kwargs={"pk": case.client_id})
    _sessions(case, holder, 3)
    small = _count(browser, url)
    _sessions(case, holder, 297)
    assert _count(browser, url) == small


def test_the_goal_history_shows_which_sessions_it_was_linked_to(web, case, goal, holder):
    later = services.session_record(actor=holder, case=case, data={"duration_minutes": 10})
    services.goal_update(
        actor=holder, goal=goal, expected_version=goal.version, data={}, sessions=[later]
    )
    response = web(holder).get(reverse("goal_history", kwargs={"pk": case.pk, "goal_pk": goal.pk}))
    links = [
        change
        for entry in response.context["entries"]
        for change in entry.changes
        if change.label == "Discussed in"
    ]
    assert links, "a change of linked sessions is in the history"


def test_goal_history_costs_the_same_after_3_and_30_edits(web, case, goal, holder):
    def edits(n):
        for index in range(n):
            current = Goal.objects.get(pk=goal.pk)
            services.goal_update(
                actor=holder,
                goal=current,
                expected_version=current.version,
                data={"description": f"Version {index}"},
                sessions=list(case.sessions.all()[: index % 2]),
            )

    browser = web(holder)
    url = reverse("goal_history", kwargs={"pk": case.pk, "goal_pk": goal.pk})
    edits(3)
    small = _count(browser, url)
    edits(27)
    assert _count(browser, url) == small


def test_a_closed_case_takes_no_more_sessions_goals_progress_or_drafts(web, case, goal, holder):
    from clients import services as case_services
    from clients.models import CaseOutcome, CaseStatus

    case_services.case_change_status(
        actor=holder,
        case=case,
        expected_version=case.version,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.OTHER,
    )
    session = goal.sessions.get()
    browser = web(holder)
    refused = [
        browser.get(reverse("session_create", kwargs={"pk": case.pk})),
        browser.post(
            reverse("session_edit", kwargs={"pk": case.pk, "session_pk": session.pk}),
            {"held_on": "2026-01-01", "duration_minutes": "5", "mode": "phone", "version": 1},
        ),
        browser.post(
            reverse("goal_status", kwargs={"pk": case.pk, "goal_pk": goal.pk}),
            {"status": "achieved", "reason": "x", "version": goal.version},
        ),
        browser.post(
            reverse("goal_progress", kwargs={"pk": case.pk, "goal_pk": goal.pk}),
            {"noted_on": "2026-01-01", "note": "x"},
        ),
        browser.post(reverse("session_draft", kwargs={"pk": case.pk}), {"future": "x"}),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    goal.refresh_from_db()
    assert goal.status == "open" and not goal.progress.exists()


def test_opening_an_edit_page_is_logged_as_a_read(web, case, goal, holder):
    session = goal.sessions.get()
    browser = web(holder)
    browser.get(reverse("session_edit", kwargs={"pk": case.pk, "session_pk": session.pk}))
    browser.get(reverse("goal_edit", kwargs={"pk": case.pk, "goal_pk": goal.pk}))
    kinds = list(AccessLog.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [AccessLog.Kind.SESSION, AccessLog.Kind.GOAL]


def test_another_topic_named_like_a_built_in_one_ticks_the_built_in(web, case, holder):
    web(holder).post(
        reverse("session_create", kwargs={"pk": case.pk}),
        {
            "held_on": "2026-01-05",
            "duration_minutes": "30",
            "mode": "phone",
            "new_topic": "shelter",
        },
    )
    assert Session.objects.get().topics == ["shelter"]
    assert not InfoTopic.objects.exists()


def test_a_goal_conflict_keeps_the_input_and_a_second_save_goes_through(
    web, case, goal, holder, editor
):
    url = reverse("goal_edit", kwargs={"pk": case.pk, "goal_pk": goal.pk})
    form = {"category": "training", "description": "Editor's words", "version": 1}
    assert web(editor).post(url, form).status_code == 302
    response = web(holder).post(url, {**form, "description": "Holder's words"})
    assert response.context["saved"].description == "Editor's words"
    assert response.context["form"]["description"].value() == "Holder's words"
    again = web(holder).post(
        url, {**form, "description": "Holder's words", "version": response.context["saved"].version}
    )
    assert again.status_code == 302
    assert Goal.objects.get(pk=goal.pk).description == "Holder's words"


def test_the_journey_escapes_what_was_typed_and_keeps_its_line_breaks(web, case, goal, holder):
    services.session_record(
        actor=holder,
        case=case,
        data={"duration_minutes": 30, "future": "<b>Cook</b>\nin Ghent"},
    )
    services.goal_change_status(
        actor=holder,
        goal=goal,
        expected_version=goal.version,
        status="in_progress",
        reason="<i>hired</i>",
    )
    page = web(holder).get(reverse("journey", kwargs={"pk": case.pk})).content.decode()
    assert "<td>&lt;b&gt;Cook&lt;/b&gt;<br>in Ghent</td>" in page
    assert "<br><small>&lt;i&gt;hired&lt;/i&gt;</small>" in page
    assert "<b>Cook" not in page and "<i>hired" not in page
    assert "<td>—</td>" in page  # an unanswered question
