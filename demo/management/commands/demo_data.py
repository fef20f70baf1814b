"""Demo data for `make run`: centres, a user for every role, clients and cases in every state.

Idempotent: a second run finds what the first made and adds nothing. The passwords are
documented in the README and exist only in demo data.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from casework.models import Centre, Network, ReminderEmail, Role, User, UserRole
from casework.signin.two_factor import give_demo_authenticator
from clients import services
from clients.models import CaseOutcome, CaseStatus, Client, ResidenceSituation
from referrals import services as referring
from referrals.importing import partners_import
from referrals.models import Partner
from sessions import services as counselling

DEMO_PASSWORD = "casework-demo"
# The demo accounts' authenticator key with --two-factor (RFC 6238's test key; demo only):
# base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ, SHA-1, 30 seconds, 6 digits.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

USERS = [
    # username, first name, last name, centre code, roles
    ("amina", "Amina", "Counsellor", "FOY", [Role.COUNSELLOR]),
    ("bram", "Bram", "Counsellor", "FOY", [Role.COUNSELLOR]),
    ("chloe", "Chloé", "Admin", "FOY", [Role.CENTRE_ADMIN]),
    ("dirk", "Dirk", "Coordinator", "FOY", [Role.COORDINATOR]),
    ("nora", "Nora", "Network", None, [Role.COORDINATOR]),  # the whole network's coordinator
    ("elif", "Elif", "Counsellor", "GNT", [Role.COUNSELLOR, Role.CENTRE_ADMIN]),
    ("farid", "Farid", "Coach", None, [Role.ICAM_COACH]),
]

# Fictional clients: first name, country, languages, residence situation, case path.
CLIENTS = [
    ("Samira", "MA", ["ar", "fr"], ResidenceSituation.UNDOCUMENTED, CaseStatus.INTAKE, ""),
    ("Yonas", "ER", ["ti", "en"], ResidenceSituation.ASYLUM_REFUSED, CaseStatus.ORIENTATION, ""),
    ("Ioana", "RO", ["ro"], ResidenceSituation.OTHER, CaseStatus.ACTION, ""),
    (
        "Karim",
        "DZ",
        ["ar", "ber"],
        ResidenceSituation.REGULARISATION_9BIS,
        CaseStatus.FOLLOW_UP,
        "",
    ),
    (
        "Lena",
        "UA",
        ["uk", "ru"],
        ResidenceSituation.DUBLIN,
        CaseStatus.CLOSED,
        CaseOutcome.ONWARD_MIGRATION,
    ),
    (
        "Moussa",
        "SN",
        ["wo", "fr"],
        ResidenceSituation.UNDOCUMENTED,
        CaseStatus.CLOSED,
        CaseOutcome.VOLUNTARY_RETURN,
    ),
]

PATH = [CaseStatus.ORIENTATION, CaseStatus.ACTION, CaseStatus.FOLLOW_UP]


class Command(BaseCommand):
    help = "Create demo centres, users for every role, clients and cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--two-factor",
            action="store_true",
            help="Give every demo account an authenticator app with the demo key "
            "(base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ), as a production set-up requires.",
        )

    def handle(self, *args, logins: bool = False, two_factor: bool = False, **options):
        if not logins:
            with transaction.atomic():
                self._create()
                if two_factor:
                    for user in User.objects.filter(username__in=[u[0] for u in USERS] + ["admin"]):
                        give_demo_authenticator(user, DEMO_TOTP_KEY)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, *_rest, roles in USERS:
            names = ", ".join(str(Role(r).label) for r in roles)
            self.stdout.write(f"  {username:<8} {names}")
        self.stdout.write(f"  {'admin':<8} Superuser (Django admin only; opens no case file)")

    def _create(self) -> None:
        network, _ = Network.objects.get_or_create(name="Brussels–Flanders orientation network")
        centres = {
            "FOY": Centre.objects.get_or_create(
                code="FOY", defaults={"name": "Foyer Brussels (demo)", "network": network}
            )[0],
            "GNT": Centre.objects.get_or_create(
                code="GNT", defaults={"name": "Integration centre Ghent (demo)", "network": network}
            )[0],
        }
        # The demo's own superuser is the recorded author of the accounts it creates.
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User(username="admin", email="admin@example.org")
            admin.is_staff = admin.is_superuser = True
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        users = {}
        for username, first, last, code, roles in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    centre=centres.get(code),
                    network=network if code is None and Role.COORDINATOR in roles else None,
                    email=f"{username}@example.org",
                    # In the demo every reminder shows in the e-mail output (the console) too.
                    reminder_email=ReminderEmail.IMMEDIATE,
                )
                user.set_password(DEMO_PASSWORD)
                user._history_user = admin
                user.save()
                for role in roles:
                    grant = UserRole(user=user, role=role)
                    grant._history_user = admin
                    grant.save()
            users[username] = user
        desk = self._directory(network, users)

        if Client.objects.filter(centre=centres["FOY"]).exists():
            return
        amina, bram = users["amina"], users["bram"]
        for index, (first, country, languages, residence, status, outcome) in enumerate(CLIENTS):
            counsellor = amina if index % 3 != 2 else bram
            _client, case = services.client_create(
                actor=counsellor,
                data={
                    "first_name": first,
                    "country_of_origin": country,
                    "languages": languages,
                    "residence_situation": residence,
                    "interpreter_needed": "fr" not in languages and "en" not in languages,
                    "year_of_arrival": 2015 + index,
                },
            )
            self._walk(case, counsellor, status, outcome)
            if status in (CaseStatus.ACTION, CaseStatus.FOLLOW_UP):
                self._sessions_and_goals(case, counsellor)
            if index == 1:
                services.case_share(actor=counsellor, case=case, colleague=bram, level="view")
            if index == 3:
                services.case_share(actor=counsellor, case=case, colleague=bram, level="change")
                self._referrals(case, counsellor, desk, network)
        gnt = users["elif"]
        services.client_create(
            actor=gnt,
            data={"first_name": "Nadia", "country_of_origin": "AF", "languages": ["prs", "fa"]},
        )

    def _directory(self, network, users) -> Partner:
        """The shipped sample directory (the import is idempotent), Farid coaching a desk."""
        sample = settings.BASE_DIR / "static" / "casework" / "partners_sample.csv"
        report = partners_import(
            actor=users["chloe"],
            network=network,
            data=sample.read_bytes(),
            filename=sample.name,
        )
        if not report.ok:
            raise RuntimeError(f"The sample directory did not import: {report.file_error}")
        desk = Partner.objects.get(network=network, name="ICAM desk Brussels (demo)")
        if not users["farid"].groups.filter(pk=desk.group_id).exists():
            referring.desk_coach_add(actor=users["chloe"], desk=desk, coach=users["farid"])
        return desk

    def _referrals(self, case, actor, desk, network) -> None:
        """One referral waiting for the ICAM desk, one answered by a lawyer outside Casework."""
        today = timezone.localdate()
        consent = {
            "consent_given_on": today,
            "consent_method": "verbal",
            "answer_due": today + timedelta(days=7),
        }
        referring.referral_create(
            actor=actor,
            case=case,
            send=True,
            data={
                "partner": desk,
                "type": "icam",
                "purpose": "The client wants to weigh a regularisation against a return.",
                "consent_fields": ["first_name", "languages"],
                **consent,
            },
        )
        lawyer = Partner.objects.filter(network=network, domain="legal_aid").serving("BRU").first()
        referral = referring.referral_create(
            actor=actor,
            case=case,
            send=True,
            data={
                "partner": lawyer,
                "type": "regularisation",
                "purpose": "A first consultation on a 9bis application.",
                "consent_fields": ["first_name", "residence_situation"],
                **consent,
            },
        )
        referring.referral_change_status(
            actor=actor, referral=referral, to="accepted", version=referral.version, as_sender=True
        )

    def _sessions_and_goals(self, case, actor) -> None:
        """Three sessions with the four questions, a goal moving forward, follow-ups due."""
        today = timezone.localdate()
        answers = [
            (
                "Work to send money home.",
                "Odd jobs, fear of controls.",
                "No papers, tired.",
                "I don't know yet.",
            ),
            (
                "Work, and my brother was here.",
                "Lost my job last month.",
                "Sleeping at a friend's place.",
                "Learn a trade I can use anywhere.",
            ),
            (
                "Work.",
                "Started asking about training.",
                "Calmer; a training may be possible.",
                "Become a cook, here or back home.",
            ),
        ]
        sessions = []
        for index, (why, lived, now, future) in enumerate(answers):
            last = index == len(answers) - 1
            sessions.append(
                counselling.session_record(
                    actor=actor,
                    case=case,
                    data={
                        "held_on": today - timedelta(days=60 - 25 * index),
                        "duration_minutes": 45,
                        "why_came": why,
                        "experienced": lived,
                        "situation_now": now,
                        "future": future,
                        "topics": ["training-work", "return-reintegration"][: index + 1],
                        "next_follow_up": today + timedelta(days=3 if last else -1),
                    },
                )
            )
        goal = counselling.goal_set(
            actor=actor,
            case=case,
            data={
                "category": "training",
                "description": "Become a cook",
                "target_date": today + timedelta(days=10),
            },
            sessions=sessions[1:],
        )
        counselling.goal_change_status(
            actor=actor,
            goal=goal,
            expected_version=goal.version,
            status="in_progress",
            reason="Enrolled for the intake interview",
        )

    def _walk(self, case, actor, status, outcome) -> None:
        for step in PATH:
            if case.status == status:
                return
            if status == CaseStatus.CLOSED and step == CaseStatus.ACTION:
                break
            case = services.case_change_status(
                actor=actor, case=case, expected_version=case.version, status=step
            )
        if status == CaseStatus.CLOSED:
            services.case_change_status(
                actor=actor,
                case=case,
                expected_version=case.version,
                status=CaseStatus.CLOSED,
                outcome=outcome,
            )
