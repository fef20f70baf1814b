"""One batch of generated client files: clients, their cases, shares, sessions, goals,
progress notes, referrals (desk grants included) and reminders, each row with its "+"
history row dated when the row was made and naming who made it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import uuid4

from django.apps import apps
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from casework.models import User
from clients.models import Case, CaseUserObjectPermission, Client
from referrals.models import Referral, ReferralGroupObjectPermission
from reminders.models import Reminder
from sessions.models import Goal, GoalProgress, Session

from . import fake
from .cast import Cast

BATCH = 1000
SHARED = 0.15  # cases shared with a colleague
SHARED_FOR_EDITING = 0.4  # of those, with editing
CLOSES = 0.85  # a case whose planned end has passed is closed (else still open)
REFERRED = 0.35  # cases with a referral
TO_DESK = 0.12  # referrals addressed to an ICAM desk
SPAN_DAYS = 4 * 365


@dataclass
class Batch:
    """What one batch made, by model (for the progress bar and the final counts)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.randrange(60))))


def _stamp(row, user: User, when: datetime, reason: str | None = None):
    """The history row's actor and date (``bulk_history_create`` reads them off the row)."""
    row._history_user = user
    row._history_date = when
    if reason:
        row._change_reason = reason
    return row


def _create(model, rows: list, made: Batch) -> list:
    made.add(model.__name__, len(rows))
    return bulk_create_with_history(rows, model, batch_size=BATCH) if rows else []


def _chain(rng: random.Random, n: int, now: datetime) -> list[tuple[datetime, datetime | None]]:
    """When each of a client's ``n`` cases opened and closed (None: still open). Every case
    but the last is closed: a new case opens only once the earlier ones are."""
    lengths = [timedelta(days=rng.randint(20, 420), hours=rng.randint(0, 8)) for _ in range(n)]
    gaps = [timedelta(days=rng.randint(10, 200)) for _ in range(n - 1)]
    before_last = sum(lengths[:-1], timedelta()) + sum(gaps, timedelta())
    start = now - timedelta(days=rng.uniform(1, SPAN_DAYS))
    start = min(start, now - before_last - timedelta(days=2))
    chain, opened = [], start
    for i in range(n):
        planned_end = opened + lengths[i]
        last = i == n - 1
        closed = planned_end if not last or (planned_end < now and rng.random() < CLOSES) else None
        chain.append((opened, closed))
        if not last:
            opened = planned_end + gaps[i]
    return chain


def _session_days(rng: random.Random, opened: date, end: date, k: int) -> list[date]:
    span = max((end - opened).days, 0)
    days = [opened] + [opened + timedelta(days=rng.randint(0, span)) for _ in range(k - 1)]
    return sorted(days[:k])


def batch_create(
    *,
    rng: random.Random,
    cast: Cast,
    plans: list[tuple[User, int]],
    session_counts: list[int],
    counters: dict[tuple[int, int], int],
    now: datetime,
) -> Batch:
    """Make the client files of ``plans`` (counsellor, number of cases); ``session_counts``
    gives each case, in order, its number of sessions."""
    made, today = Batch(), timezone.localdate(now)
    clients, chains = [], []
    for counsellor, n in plans:
        chain = _chain(rng, n, now)
        first = timezone.localtime(chain[0][0])
        key = (counsellor.centre_id, first.year)
        counters[key] = counters.get(key, 0) + 1
        code = next(c.code for c in cast.centres if c.pk == counsellor.centre_id)
        client = Client(
            centre_id=counsellor.centre_id,
            reference=f"{code}-{first.year}-{counters[key]:04d}",
            first_name=rng.choice(fake.FIRST_NAMES),
            last_name=fake.last_name(rng) if rng.random() < 0.5 else "",
            birth_date=fake.birth_date(rng, first.date()) if rng.random() < 0.85 else None,
            phone=fake.phone(rng) if rng.random() < 0.4 else "",
            gender=rng.choice(fake.GENDERS),
            country_of_origin=rng.choice(fake.COUNTRIES),
            languages=rng.sample(fake.LANGUAGES, rng.choice([1, 1, 2, 3])),
            interpreter_needed=rng.random() < 0.3,
            year_of_arrival=first.year - rng.randint(0, 8),
            residence_situation=rng.choice(fake.RESIDENCE),
            created_by=counsellor,
            created_at=chain[0][0],
        )
        clients.append(_stamp(client, counsellor, chain[0][0]))
        chains.append((counsellor, chain))
    clients = _create(Client, clients, made)

    cases, plans_of_cases = [], []
    for client, (counsellor, chain) in zip(clients, chains, strict=True):
        for number, (opened, closed) in enumerate(chain, start=1):
            # Most later cases stay with the same counsellor; some go to a colleague.
            holder = counsellor
            colleagues = cast.by_centre[counsellor.centre_id]
            if number > 1 and rng.random() < 0.2:
                holder = rng.choice(colleagues)
            k = session_counts.pop()
            end = timezone.localdate(closed) if closed else today
            days = _session_days(rng, timezone.localdate(opened), end, k)
            last_seen = _moment(days[-1], rng) if days else opened
            follow_up = None
            if days and not closed:
                soon = rng.random() < 0.6  # due now, or later this month
                follow_up = today + timedelta(
                    days=rng.randint(-3, 0) if soon else rng.randint(1, 30)
                )
            case = Case(
                client=client,  # the instance: age_at_opening reads its birth date
                centre_id=client.centre_id,
                number=number,
                assigned_to=holder,
                status="closed" if closed else rng.choice(fake.OPEN_STATES),
                outcome=rng.choice(fake.OUTCOMES) if closed else "",
                opened_at=opened,
                closed_at=closed,
                last_activity_at=closed or max(opened, min(last_seen, now)),
                next_follow_up=follow_up,  # the latest session's, as sessions.services keeps it
            )
            cases.append(_stamp(case, holder, opened))
            plans_of_cases.append(days)
    cases = _create(Case, cases, made)

    _shares(rng, cast, cases, made)
    sessions = _sessions(rng, cases, plans_of_cases, made)
    goals = _goals(rng, cases, sessions, today, made)
    referrals = _referrals(rng, cast, cases, goals, now, made)
    _reminders(rng, cases, sessions, goals, referrals, now, made)
    return made


def _shares(rng: random.Random, cast: Cast, cases: list[Case], made: Batch) -> None:
    """Grants as casework.permissions.object_grant writes them: one event per share."""
    rows = []
    for case in cases:
        colleagues = [u for u in cast.by_centre[case.centre_id] if u.pk != case.assigned_to_id]
        if not colleagues or rng.random() >= SHARED:
            continue
        colleague = rng.choice(colleagues)
        codenames = ["view_case"] + (["change_case"] if rng.random() < SHARED_FOR_EDITING else [])
        when = case.opened_at + timedelta(days=rng.randint(0, 10))
        event = f"access-event:{uuid4().hex}"
        for codename in codenames:
            row = CaseUserObjectPermission(
                content_object=case, user=colleague, permission_id=cast.perms[codename]
            )
            rows.append(_stamp(row, case.assigned_to, when, event))
    _create(CaseUserObjectPermission, rows, made)


def _sessions(rng, cases, plans_of_cases, made) -> dict[int, list[Session]]:
    rows = []
    for case, days in zip(cases, plans_of_cases, strict=True):
        for i, day in enumerate(days):
            last = i == len(days) - 1
            interpreter = rng.random() < 0.25
            session = Session(
                case=case,
                held_on=day,
                duration_minutes=rng.choice([30, 45, 45, 60, 60, 90]),
                mode=rng.choice(["in_person"] * 6 + ["phone", "video"]),
                interpreter_used=interpreter,
                interpreter_language=rng.choice(fake.LANGUAGES) if interpreter else "",
                why_came=fake.text(rng) if i == 0 else "",
                experienced=fake.text(rng, 1),
                situation_now=fake.text(rng, 1),
                future=fake.text(rng, 1),
                notes=fake.text(rng, 1) if rng.random() < 0.5 else "",
                next_follow_up=case.next_follow_up if last else None,
                created_by_id=case.assigned_to_id,
                created_at=_moment(day, rng),
            )
            rows.append(_stamp(session, case.assigned_to, session.created_at))
    by_case: dict[int, list[Session]] = {}
    for session in _create(Session, rows, made):
        by_case.setdefault(session.case_id, []).append(session)
    return by_case


def _goals(rng, cases, sessions, today, made) -> dict[int, list[Goal]]:
    rows = []
    for case in cases:
        end = case.closed_at or timezone.now()
        for _ in range(rng.choice([0, 0, 1, 1, 1, 1, 2, 2, 2, 3])):
            created = min(case.opened_at + timedelta(days=rng.randint(0, 20)), end)
            if case.closed_at:
                status = rng.choice(["achieved", "abandoned", "achieved"])
                target = timezone.localdate(created) + timedelta(days=rng.randint(30, 200))
            else:
                status = rng.choice(["open", "in_progress"])
                target = today + timedelta(days=rng.randint(-10, 90))
            goal = Goal(
                case=case,
                category=rng.choice(fake.GOAL_CATEGORIES),
                description=fake.text(rng, 1),
                target_date=target if rng.random() < 0.8 else None,
                status=status,
                created_by_id=case.assigned_to_id,
                created_at=created,
            )
            rows.append(_stamp(goal, case.assigned_to, created))
    goals = _create(Goal, rows, made)
    _goal_links(rng, goals, sessions, made)
    progress = []
    for goal in goals:
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            row = GoalProgress(
                goal=goal,
                noted_on=timezone.localdate(goal.created_at),
                note=fake.text(rng, 1),
                created_by_id=goal.created_by_id,
            )
            progress.append(_stamp(row, goal.case.assigned_to, goal.created_at))
    _create(GoalProgress, progress, made)
    by_case: dict[int, list[Goal]] = {}
    for goal in goals:
        by_case.setdefault(goal.case_id, []).append(goal)
    return by_case


def _goal_links(rng, goals: list[Goal], sessions: dict[int, list[Session]], made) -> None:
    """The sessions where each goal was discussed, and the same links in the goal's "+"
    history row (simple-history keeps a goal's sessions in a table of its own)."""
    through = Goal.sessions.through
    links = []
    for goal in goals:
        held = sessions.get(goal.case_id, [])
        for session in rng.sample(held, min(len(held), rng.choice([1, 1, 2]))):
            links.append(through(goal_id=goal.pk, session_id=session.pk))
    links = through.objects.bulk_create(links, batch_size=BATCH)
    made.add("Goal.sessions", len(links))
    history_of = dict(
        Goal.history.filter(id__in=[g.pk for g in goals], history_type="+").values_list(
            "id", "history_id"
        )
    )
    historical_links = apps.get_model("counselling", "HistoricalGoal_sessions")
    historical_links.objects.bulk_create(
        [
            historical_links(
                id=link.pk,
                goal_id=link.goal_id,
                session_id=link.session_id,
                history_id=history_of[link.goal_id],
            )
            for link in links
        ],
        batch_size=BATCH,
    )


def _referrals(rng, cast: Cast, cases, goals, now, made) -> list[Referral]:
    rows = []
    for case in cases:
        if rng.random() >= REFERRED:
            continue
        for _ in range(1 if rng.random() < 0.9 else 2):
            to_desk = rng.random() < TO_DESK
            kind = "icam" if to_desk else rng.choice(list(fake.REFERRAL_DOMAINS))
            partner = rng.choice(
                cast.desks if to_desk else cast.partners[fake.REFERRAL_DOMAINS[kind]]
            )
            if case.closed_at:
                status = rng.choice(["completed"] * 3 + ["declined", "cancelled"])
            else:
                status = rng.choice(["draft", "sent", "sent", "accepted", "in_progress"])
            created = min(
                case.opened_at + timedelta(days=rng.randint(1, 30)), case.closed_at or now
            )
            sent = None if status == "draft" else created
            referral = Referral(
                case=case,
                partner=partner,
                type=kind,
                purpose=fake.text(rng, 1),
                goal=rng.choice(goals[case.pk]) if goals.get(case.pk) else None,
                answer_due=timezone.localdate(created) + timedelta(days=14),
                status=status,
                consent_fields=rng.sample(fake.CONSENTABLE, rng.randint(1, 3)),
                consent_given_on=timezone.localdate(created),
                consent_method=rng.choice(["verbal", "written"]),
                consent_recorded_by_id=case.assigned_to_id,
                result=fake.text(rng, 1) if status == "completed" else "",
                created_by_id=case.assigned_to_id,
                created_at=created,
                sent_at=sent,
            )
            rows.append(_stamp(referral, case.assigned_to, created))
    referrals = _create(Referral, rows, made)
    grants = []
    for referral in referrals:
        # A desk holds access from sending until it declines or the referral is called off
        # (referrals.services._move): the same two permissions, one event.
        if not referral.partner.is_desk or referral.status in ("draft", "declined", "cancelled"):
            continue
        event = f"access-event:{uuid4().hex}"
        for codename in ("view_referral", "change_referral"):
            row = ReferralGroupObjectPermission(
                content_object=referral,
                group_id=referral.partner.group_id,
                permission_id=cast.perms[codename],
            )
            grants.append(_stamp(row, referral.case.assigned_to, referral.sent_at, event))
    _create(ReferralGroupObjectPermission, grants, made)
    return referrals


def _eight(day: date) -> datetime:
    """A centre without its own reminder settings gets them on the day at 08:00."""
    return timezone.make_aware(datetime.combine(day, time(8, 0)))


def _pending(kind: str, object_id: int, due_on: date, base: dict) -> Reminder:
    return Reminder(kind=kind, object_id=object_id, due_on=due_on, due_at=_eight(due_on), **base)


def _reminders(rng, cases, sessions, goals, referrals, now, made) -> None:
    """Pending follow-ups and goal targets (many due now, for the sweep), and the delivered
    reminders of closed cases, so the outbox has the mix a year of use leaves."""
    rows = []
    for case in cases:
        reference = f"{case.client.reference}/{case.number}"
        held = sessions.get(case.pk, [])
        base = {"case": case, "reference": reference, "recipient_id": case.assigned_to_id}
        if case.closed_at is None and held and held[-1].next_follow_up:
            due_on = held[-1].next_follow_up
            rows.append(_pending("follow_up", case.pk, due_on, base))
            for goal in goals.get(case.pk, []):
                if goal.target_date and goal.status in ("open", "in_progress"):
                    due_on = goal.target_date
                    rows.append(_pending("goal_target", goal.pk, due_on, base))
        elif case.closed_at is not None and held:
            due_on = held[-1].held_on + timedelta(days=14)
            delivered = _eight(due_on)
            rows.append(
                Reminder(
                    kind="follow_up",
                    object_id=case.pk,
                    due_on=due_on,
                    due_at=delivered,
                    status="sent",
                    attempts=1,
                    delivered_at=delivered,
                    read_at=delivered + timedelta(hours=rng.randint(1, 48)),
                    **base,
                )
            )
    for row in rows:
        row.created_at = min(row.due_at - timedelta(days=7), now)
        _stamp(row, row.case.assigned_to, row.created_at)
    _create(Reminder, rows, made)
