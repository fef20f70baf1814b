"""The floors: for each hot path, hand-written SQL on the indexes that fetches the same rows
(or does the same write) in the fewest statements. Nothing but the database: no ORM, no
template, no decryption. Table names come from the models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.models import Session as StoredSession
from django.db import connection

from casework.models import User
from clients.models import Case, CaseUserObjectPermission, Client
from referrals.models import Partner, Referral, ReferralGroupObjectPermission
from reminders.models import Reminder
from sessions.models import Goal, Session

T = {
    "session_store": StoredSession._meta.db_table,
    "user": User._meta.db_table,
    "case": Case._meta.db_table,
    "client": Client._meta.db_table,
    "case_grant": CaseUserObjectPermission._meta.db_table,
    "session": Session._meta.db_table,
    "goal_history": Goal.history.model._meta.db_table,
    "referral": Referral._meta.db_table,
    "partner": Partner._meta.db_table,
    "referral_grant": ReferralGroupObjectPermission._meta.db_table,
    "reminder": Reminder._meta.db_table,
}

STACK = """
SELECT s.session_data, u.* FROM {session_store} s, {user} u
WHERE s.session_key = %(key)s AND s.expire_date > now() AND u.id = %(me)s
"""
CASELOAD = """
SELECT c.id, c.number, c.status, c.last_activity_at, cl.reference, cl.first_name,
       c.assigned_to_id = %(me)s AS is_assigned,
       EXISTS (SELECT 1 FROM {case_grant} g WHERE g.content_object_id = c.id
               AND g.user_id = %(me)s AND g.permission_id = %(change)s) AS can_change,
       c.next_follow_up
FROM {case} c JOIN {client} cl ON cl.id = c.client_id
WHERE c.centre_id = %(centre)s AND c.status IN ('intake', 'orientation', 'action', 'follow_up')
  AND (c.assigned_to_id = %(me)s OR c.id = ANY(ARRAY(SELECT content_object_id FROM {case_grant}
       WHERE user_id = %(me)s AND permission_id = %(view)s)))
ORDER BY c.last_activity_at DESC, c.id DESC LIMIT %(page)s
"""
CLIENT_FILE = """
SELECT cl.id, cl.reference, cl.first_name, cl.last_name, cl.birth_date, cl.phone,
       cl.country_of_origin, cl.languages, cl.residence_situation,
       c.id, c.number, c.status, c.outcome, c.opened_at, c.closed_at, c.assigned_to_id
FROM {client} cl JOIN {case} c ON c.client_id = cl.id
WHERE cl.id = %(client)s AND c.centre_id = %(centre)s
  AND (c.assigned_to_id = %(me)s OR c.id = ANY(ARRAY(SELECT content_object_id FROM {case_grant}
       WHERE user_id = %(me)s AND permission_id = %(view)s)))
ORDER BY c.number DESC
"""
GRANT = """
SELECT 1 FROM {case_grant}
WHERE user_id = %(me)s AND content_object_id = %(case)s AND permission_id = %(view)s
"""
JOURNEY_SESSIONS = """
SELECT id, held_on, why_came, experienced, situation_now, future FROM {session}
WHERE case_id = %(case)s ORDER BY held_on, id
"""
JOURNEY_GOALS = """
SELECT history_id, id, category, description, status, history_date, history_change_reason
FROM {goal_history} WHERE case_id = %(case)s ORDER BY history_date
"""
DASHBOARD = """
SELECT centre_id, outcome, date_trunc('month', closed_at AT TIME ZONE %(zone)s), count(*)
FROM {case} WHERE centre_id = ANY(%(centres)s) AND closed_at >= %(start)s AND closed_at < %(end)s
GROUP BY 1, 2, 3
"""
DESK = """
SELECT r.id, r.type, r.status, r.answer_due, r.sent_at, r.consent_fields, p.name
FROM {referral} r JOIN {partner} p ON p.id = r.partner_id
WHERE r.id IN (SELECT content_object_id FROM {referral_grant}
               WHERE group_id = ANY(%(groups)s) AND permission_id = %(view)s)
  AND r.consent_withdrawn_at IS NULL AND r.status IN ('sent', 'accepted', 'in_progress')
ORDER BY r.answer_due, r.sent_at, r.id LIMIT %(page)s
"""
SWEEP = """
UPDATE {reminder} SET status = 'sending', claimed_until = %(until)s, attempts = attempts + 1
WHERE id IN (SELECT id FROM {reminder} WHERE status = 'pending' AND due_at <= %(now)s
             ORDER BY due_at, id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
RETURNING id
"""


def sql(statements: list[str], params: dict) -> Callable[[], list]:
    """A floor: run the statements and fetch every row they return."""
    ready = [statement.format(**T) for statement in statements]

    def run() -> list:
        rows = []
        with connection.cursor() as cursor:
            for statement in ready:
                cursor.execute(statement, params)
                rows += cursor.fetchall()
        return rows

    return run


def page_size() -> int:
    return settings.CASEWORK_PAGE_SIZE


def zone() -> str:
    return settings.TIME_ZONE


def until(now: datetime, lease) -> datetime:
    return now + lease
