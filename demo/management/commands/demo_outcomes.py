"""Two years of fictional, closed and open cases in the demo centres, so that the coordinators'
reports have figures above the threshold to show. Run after ``demo_data``; idempotent.

The two years are the 24 months before the current one, so the demo has the same past on any
day of the year: on 1 January the whole of last year, on 1 February a January to read.

Every row is made with its history (``bulk_create_with_history``), by the centre's counsellor.
Nothing here is a real person: first names only, drawn from a short list, and no notes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from casework.models import Centre, Role, User
from clients.models import Case, CaseOutcome, CaseStatus, Client
from referrals.models import Partner, Referral, ReferralStatus
from reports.tasks import make_releases
from sessions.models import Goal, GoalStatus, Session

FIRST_NAMES = [
    "Adam",
    "Aisha",
    "Bilal",
    "Dina",
    "Emre",
    "Fatou",
    "Hamza",
    "Ines",
    "Jamal",
    "Leila",
    "Mehdi",
    "Nour",
    "Omar",
    "Rania",
    "Sami",
    "Tariq",
    "Yasmin",
    "Zainab",
]
COUNTRIES = (
    ["MA"] * 8
    + ["DZ"] * 4
    + ["GN"] * 5
    + ["SN"] * 3
    + ["CM"] * 4
    + ["CD"] * 4
    + ["ER"] * 3
    + ["SY"] * 3
    + ["AF"] * 4
    + ["BR"] * 3
    + ["UA"] * 2
    + ["RO"] * 2
    + ["PH"]
    + ["NP"]
    + [""] * 2
)
OUTCOMES = (
    [CaseOutcome.LEGAL_STAY] * 3
    + [CaseOutcome.VOLUNTARY_RETURN] * 3
    + [CaseOutcome.TRAINING_COMPLETED] * 3
    + [CaseOutcome.LOST_CONTACT] * 3
    + [CaseOutcome.ONWARD_MIGRATION]
    + [CaseOutcome.OTHER]
)
REFERRAL_DOMAINS = {
    "training": "training_work",
    "regularisation": "legal_aid",
    "return": "return",
    "language": "language_classes",
    "health": "health",
}
GOAL_FOR_OUTCOME = {
    CaseOutcome.LEGAL_STAY: "legal_stay",
    CaseOutcome.VOLUNTARY_RETURN: "return",
    CaseOutcome.TRAINING_COMPLETED: "training",
    CaseOutcome.ONWARD_MIGRATION: "onward",
}
# Steady enough that every month's key figures stand well above the threshold, so that the
# coordinator's default dashboard reads on any day: on 1 February it is January alone.
CASES_PER_MONTH = {"FOY": 40, "GNT": 25}
MONTHS = 24  # the past always ends with the last month that has ended, whatever the day


class Command(BaseCommand):
    help = "Add two years of fictional past cases to the demo centres (idempotent)."

    def handle(self, *args, **options):
        rng = random.Random(2026)  # noqa: S311 - fictional demo data, repeatable on purpose
        today = timezone.localdate()
        with transaction.atomic():
            for code, per_month in CASES_PER_MONTH.items():
                centre = Centre.objects.filter(code=code).first()
                if centre is None:
                    raise CommandError("Run demo_data first: the demo centres are missing.")
                if Client.objects.filter(centre=centre, reference__contains="-D").exists():
                    continue
                counsellor = (
                    User.objects.filter(centre=centre, roles__role=Role.COUNSELLOR)
                    .order_by("pk")
                    .first()
                )
                self._centre(rng, centre, counsellor, per_month * MONTHS, today)
        # What the nightly job would do: the coordinators read their figures at once.
        make_releases()
        self.stdout.write("Past demo cases are in place, and this month's figures released.")

    def _centre(self, rng, centre, counsellor, count, today) -> None:
        end = today.replace(day=1)
        start = _months_before(end, MONTHS)
        span = (end - start).days
        clients, cases = [], []
        for _ in range(count):
            opened = _moment(start + timedelta(days=rng.randrange(span)), rng)
            birth_year = opened.year - rng.choice([17, 20, 23, 26, 29, 31, 34, 38, 41, 47, 55])
            clients.append(
                Client(
                    centre=centre,
                    reference=f"{centre.code}-{opened.year}-D{len(clients) + 1:04d}",
                    first_name=rng.choice(FIRST_NAMES),
                    birth_date=date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
                    if rng.random() < 0.85
                    else None,
                    gender=rng.choice(["female", "male", "male", "female", "other", ""]),
                    country_of_origin=rng.choice(COUNTRIES),
                    residence_situation=rng.choice(
                        ["undocumented"] * 4
                        + ["regularisation_9bis", "asylum_refused", "dublin", ""]
                    ),
                    created_by=counsellor,
                    created_at=opened,
                )
            )
        clients = bulk_create_with_history(clients, Client, default_user=counsellor)
        clients = list(Client.objects.filter(reference__in=[c.reference for c in clients]))
        for client in clients:
            opened = client.created_at
            close_after = timedelta(days=rng.randint(20, 420), hours=rng.randint(0, 8))
            closes = opened + close_after
            closed = rng.random() < 0.8 and closes.date() < today.replace(day=1)
            cases.append(
                Case(
                    client=client,
                    centre=centre,
                    number=1,
                    assigned_to=counsellor,
                    status=CaseStatus.CLOSED
                    if closed
                    else rng.choice(
                        [CaseStatus.ORIENTATION, CaseStatus.ACTION, CaseStatus.FOLLOW_UP]
                    ),
                    outcome=rng.choice(OUTCOMES) if closed else "",
                    opened_at=opened,
                    closed_at=closes if closed else None,
                    last_activity_at=closes if closed else opened,
                )
            )
        cases = bulk_create_with_history(cases, Case, default_user=counsellor)
        cases = list(Case.objects.filter(client__in=clients).select_related("client"))
        sessions, goals, referrals = [], [], []
        partners = {
            kind: list(Partner.objects.filter(network=centre.network, domain=domain))
            for kind, domain in REFERRAL_DOMAINS.items()
        }
        for case in cases:
            end = (case.closed_at or timezone.now()).date()
            days = max((end - case.opened_at.date()).days, 1)
            for _ in range(rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8])):
                sessions.append(
                    Session(
                        case=case,
                        held_on=case.opened_at.date() + timedelta(days=rng.randrange(days)),
                        duration_minutes=rng.choice([30, 45, 60]),
                        created_by=counsellor,
                        created_at=case.opened_at,
                    )
                )
            category = GOAL_FOR_OUTCOME.get(case.outcome) or rng.choice(
                ["housing", "health", "language", "livelihood", "training", "legal_stay"]
            )
            goals.append(
                Goal(
                    case=case,
                    category=category,
                    description="(demo)",
                    status=_goal_status(rng, case),
                    created_by=counsellor,
                    created_at=case.opened_at + timedelta(days=rng.randint(0, 20)),
                )
            )
            kind = {"legal_stay": "regularisation", "return": "return"}.get(category, category)
            if kind in partners and partners[kind] and rng.random() < 0.55:
                sent = case.opened_at + timedelta(days=rng.randint(5, 30))
                if sent.date() < today.replace(day=1):
                    referrals.append(
                        Referral(
                            case=case,
                            partner=rng.choice(partners[kind]),
                            type=kind,
                            purpose="(demo)",
                            status=_referral_status(rng, case),
                            consent_fields=["languages"],
                            consent_given_on=sent.date(),
                            consent_method="verbal",
                            consent_recorded_by=counsellor,
                            created_by=counsellor,
                            created_at=sent,
                            sent_at=sent,
                        )
                    )
        bulk_create_with_history(sessions, Session, default_user=counsellor)
        bulk_create_with_history(goals, Goal, default_user=counsellor)
        bulk_create_with_history(referrals, Referral, default_user=counsellor)


def _months_before(first: date, months: int) -> date:
    """The first day of the month ``months`` before ``first``'s."""
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _moment(day: date, rng) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, rng.randint(9, 16)))


def _goal_status(rng, case) -> str:
    if case.outcome in GOAL_FOR_OUTCOME:
        return GoalStatus.ACHIEVED
    if case.closed_at:
        return rng.choice([GoalStatus.ABANDONED, GoalStatus.ACHIEVED, GoalStatus.ABANDONED])
    return rng.choice([GoalStatus.OPEN, GoalStatus.IN_PROGRESS])


def _referral_status(rng, case) -> str:
    if case.closed_at:
        return rng.choice(
            [ReferralStatus.COMPLETED] * 3 + [ReferralStatus.DECLINED, ReferralStatus.CANCELLED]
        )
    return rng.choice([ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS])
