"""generate_load: consistent generated data with its history, and no mixing with real data."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from casework import crypto
from casework.models import Centre, Role, User
from clients.access import visible_cases
from clients.models import Case, CaseUserObjectPermission, Client
from demo.generate.cast import CENTRE_PREFIX
from referrals.access import desk_referrals
from referrals.models import Referral, ReferralGroupObjectPermission
from reminders.models import Reminder
from sessions.models import Goal, GoalProgress, Session
from tests.factories import CentreFactory, counsellor, make_case

from .conftest import SMALL, generate

pytestmark = pytest.mark.django_db(transaction=True)

HISTORY_KEPT = [
    Client, Case, CaseUserObjectPermission, Session, Goal, GoalProgress, Referral,
    ReferralGroupObjectPermission, Reminder, User,
]  # fmt: skip


def test_it_makes_the_sizes_asked_for(generated):
    assert Centre.objects.filter(code__startswith=CENTRE_PREFIX).count() == SMALL["centres"]
    assert User.objects.filter(roles__role=Role.COUNSELLOR).count() == SMALL["counsellors"]
    assert Client.objects.count() == SMALL["clients"]
    assert Case.objects.count() == SMALL["cases"]
    assert Session.objects.count() == SMALL["sessions"]
    assert "Generated in" in generated


def test_every_case_is_visible_to_its_counsellor_and_shared_ones_to_the_colleague(generated):
    for person in User.objects.filter(roles__role=Role.COUNSELLOR):
        assigned = set(Case.objects.filter(assigned_to=person).values_list("pk", flat=True))
        shared = set(
            CaseUserObjectPermission.objects.filter(
                user=person, permission__codename="view_case"
            ).values_list("content_object_id", flat=True)
        )
        assert set(visible_cases(person).values_list("pk", flat=True)) == assigned | shared
    assert CaseUserObjectPermission.objects.exists()
    # A share is with a colleague of the same centre, never the holder.
    for grant in CaseUserObjectPermission.objects.select_related("content_object", "user"):
        assert grant.user.centre_id == grant.content_object.centre_id
        assert grant.user_id != grant.content_object.assigned_to_id


def test_every_created_row_has_its_creation_in_the_history(generated):
    for model in HISTORY_KEPT:
        ids = set(model.objects.values_list("pk", flat=True))
        created = model.history.filter(history_type="+")
        assert ids <= set(created.values_list("id", flat=True)), model.__name__
        assert not created.filter(history_user__isnull=True).exists(), model.__name__
    with connection.cursor() as cursor:  # the goals' sessions, in the goals' history too
        cursor.execute("SELECT count(*) FROM counselling_goal_sessions")
        links = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM counselling_historicalgoal_sessions")
        assert cursor.fetchone()[0] == links > 0


def test_names_are_encrypted_searchable_and_decrypt(generated):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, first_name FROM clients_client")
        raw = dict(cursor.fetchall())
    for client in Client.objects.all():
        assert client.first_name and client.first_name not in raw[client.pk]
        assert crypto.decrypt(raw[client.pk]) == client.first_name
        assert client.first_name_hash == crypto.search_hash(client.first_name)
        assert not client.last_name or client.last_name.startswith("Loadtest")
    with_birth = Case.objects.filter(client__birth_date__isnull=False)
    assert with_birth.exists() and not with_birth.filter(age_at_opening__isnull=True).exists()


def test_cases_mix_states_and_a_client_opens_a_case_only_once_the_earlier_are_closed(generated):
    states = dict(Case.objects.values_list("status").annotate(n=Count("pk")))
    assert states["closed"] > sum(n for state, n in states.items() if state != "closed") > 0
    assert not Case.objects.filter(status="closed", outcome="").exists()
    for client in Client.objects.annotate(n=Count("cases")).filter(n__gt=1):
        *earlier, _last = client.cases.order_by("number")
        assert all(case.status == "closed" for case in earlier)


def test_referrals_reach_the_desks_through_their_grants(generated):
    coaches = User.objects.filter(roles__role=Role.ICAM_COACH)
    granted = set(ReferralGroupObjectPermission.objects.values_list("content_object_id", flat=True))
    seen = set()
    for coach in coaches:
        seen |= set(desk_referrals(coach).values_list("pk", flat=True))
    assert seen == granted and granted
    assert Referral.objects.exclude(partner__domain="icam_desk").exists()


def test_each_case_holds_its_latest_sessions_follow_up(generated):
    latest = {}
    for case_id, follow_up in Session.objects.order_by("case_id", "held_on", "id").values_list(
        "case_id", "next_follow_up"
    ):
        latest[case_id] = follow_up
    held = dict(Case.objects.values_list("pk", "next_follow_up"))
    assert held == latest
    assert any(held.values()) and not any(
        held[pk] for pk in Case.objects.filter(status="closed").values_list("pk", flat=True)
    )


def test_reminders_are_due_for_the_sweep(generated):
    due = Reminder.objects.filter(status="pending", due_at__lte=timezone.now())
    assert due.exists()
    for reminder in due.select_related("case"):
        assert reminder.recipient_id == reminder.case.assigned_to_id
        assert reminder.case.status != "closed"


def test_it_refuses_a_database_with_real_client_files(postgresql):
    holder = counsellor(CentreFactory(code="FOY", name="Foyer"), username="holder")
    make_case(holder, first_name="Real")  # a client file generate_load did not make
    with pytest.raises(CommandError, match="did not make"):
        generate()
    assert not Centre.objects.filter(code__startswith=CENTRE_PREFIX).exists()
    generate(force=True)
    assert Case.objects.filter(centre__code__startswith=CENTRE_PREFIX).count() == SMALL["cases"]


def test_it_refuses_to_generate_twice_into_one_database(generated):
    with pytest.raises(CommandError, match="generated data already"):
        generate()


def test_it_refuses_impossible_sizes(postgresql):
    with pytest.raises(CommandError, match="--cases"):
        generate(cases=10, clients=20)


def test_it_leaves_the_big_tables_vacuumed_and_analysed(generated):
    """As autovacuum would keep them: the figures do not depend on whether it is on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN ('clients_case', "
            "'counselling_session') AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "clients_case",
            "counselling_session",
        ]
    assert "VACUUM ANALYZE" in generated
