"""A client file with something planted in every field that names or tells about the person,
and a scan of every table of the database for what was planted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection

from clients import services
from referrals import services as referring
from sessions import services as counselling
from sessions.models import GoalStatus, SessionDraft
from tests.referrals.conftest import desk, refer  # noqa: F401 (fixtures)

BIRTH_DATE = date(1979, 3, 14)


@dataclass
class Planted:
    client: object
    case: object
    words: tuple[str, ...]

    @property
    def identity(self) -> tuple[str, ...]:
        """First name (now and before), last name, phone: encrypted in the database."""
        return tuple(w for w in self.words if w[-2:] in ("Fi", "La", "Ph", "Ol"))

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if w not in self.identity)


def plant(holder, coach, desk_partner, tag: str) -> Planted:
    """A client whose every personal field holds a word made of ``tag`` (old versions too)."""
    words = tuple(
        f"{tag}{part}"
        for part in (
            "Fi",
            "La",
            "Ph",
            "Wh",
            "Ex",
            "Si",
            "Fu",
            "No",
            "Go",
            "Re",
            "Pr",
            "Pu",
            "Rs",
            "Fb",
            "Ol",
            "Dr",
        )
    )
    (fi, la, ph, wh, ex, si, fu, no, go, re, pr, pu, rs, fb, ol, dr) = words
    client, case = services.client_create(
        actor=holder,
        data={
            "first_name": ol,
            "last_name": la,
            "phone": f"+32 {ph}",
            "birth_date": BIRTH_DATE,
            "gender": "female",
            "country_of_origin": "GN",
            "languages": ["fr"],
        },
    )
    client = services.client_update(
        actor=holder, client=client, expected_version=client.version, data={"first_name": fi}
    )
    session = counselling.session_record(
        actor=holder,
        case=case,
        data={
            "duration_minutes": 50,
            "why_came": wh,
            "experienced": ex,
            "situation_now": si,
            "future": fu,
            "notes": no,
        },
    )
    goal = counselling.goal_set(
        actor=holder,
        case=case,
        data={"category": "training", "description": go},
        sessions=[session],
    )
    counselling.goal_change_status(
        actor=holder,
        goal=goal,
        expected_version=goal.version,
        status=GoalStatus.IN_PROGRESS,
        reason=re,
    )
    counselling.goal_progress_record(actor=holder, goal=goal, noted_on=date.today(), note=pr)
    referral = refer(holder, case, desk_partner, purpose=pu)
    referring.feedback_add(actor=coach, referral=referral, text=fb, as_sender=False)
    referral.refresh_from_db()
    referral.result = rs
    referral.save()
    SessionDraft.objects.create(case=case, author=holder, data={"future": [dr]})
    return Planted(client, case, words)


@pytest.fixture
def planted(holder, icam_coach, desk):  # noqa: F811 (the fixture imported above)
    return plant(holder, icam_coach, desk, "Qzv")


def stored_identity(client_id: int) -> set[str]:
    """The identity values the application reads back for the client, every version."""
    from clients.models import Client

    rows = [Client.objects.get(pk=client_id), *Client.history.filter(id=client_id)]
    return {str(getattr(row, f)) for row in rows for f in ("first_name", "last_name", "phone")}


def tables_holding(words) -> dict[str, list[str]]:
    """Every table (history, permissions, sessions, logs: all of them) where a word is found."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                hits = [w for w in words if w in text]
                if hits:
                    found.setdefault(table, []).extend(hits)
    return found


def untouched(planted: Planted) -> bool:
    """Every planted text is in the database, and the identity reads back."""
    found = {w for hits in tables_holding(planted.words).values() for w in hits}
    identity = " ".join(stored_identity(planted.client.pk))
    return set(planted.texts) <= found and all(w in identity for w in planted.identity)


def erased(planted: Planted) -> bool:
    """No planted word in any table, and none in what the application reads back."""
    identity = " ".join(stored_identity(planted.client.pk))
    return tables_holding(planted.words) == {} and not [
        w for w in planted.identity if w in identity
    ]
