"""Who and what each path is measured on: the hardest realistic cases the data hold."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from casework.models import Role, User
from clients.models import Case, CaseUserObjectPermission, Client
from referrals.models import ReferralGroupObjectPermission
from reports.scope import coordinator_scope


class NothingToMeasure(Exception):
    pass


@dataclass
class Subjects:
    counsellor: User  # the largest caseload
    caseload: int
    client: Client  # their client with the most cases
    shared_case: Case  # one of their cases shared with a colleague
    colleague: User
    journey_case: Case  # their case with the most sessions
    journey_sessions: int
    coordinator: User  # a network coordinator (the whole network's figures)
    coach: User  # the ICAM coach whose desks hold the most referrals


def _first(queryset, what: str):
    found = queryset.first()
    if found is None:
        raise NothingToMeasure(f"No {what} in this database: run generate_load first.")
    return found


def find_subjects() -> Subjects:
    top = _first(
        Case.objects.values("assigned_to").annotate(n=Count("id")).order_by("-n", "assigned_to"),
        "case",
    )
    counsellor = User.objects.get(pk=top["assigned_to"])
    theirs = Case.objects.filter(assigned_to=counsellor)
    client_row = _first(
        theirs.values("client").annotate(n=Count("id")).order_by("-n", "client"), "client"
    )
    grant = _first(
        CaseUserObjectPermission.objects.filter(
            content_object__assigned_to=counsellor, permission__codename="view_case"
        ).order_by("pk"),
        "shared case",
    )
    journey = _first(
        theirs.annotate(n=Count("sessions")).order_by("-n", "pk").values("pk", "n"), "session"
    )
    coordinator = _first(
        User.objects.filter(roles__role=Role.COORDINATOR, network__isnull=False).order_by("pk"),
        "network coordinator",
    )
    desk = _first(
        ReferralGroupObjectPermission.objects.values("group")
        .annotate(n=Count("id"))
        .order_by("-n", "group"),
        "desk referral",
    )
    coach = _first(
        User.objects.filter(groups=desk["group"], roles__role=Role.ICAM_COACH).order_by("pk"),
        "ICAM coach",
    )
    return Subjects(
        counsellor=counsellor,
        caseload=top["n"],
        client=Client.objects.get(pk=client_row["client"]),
        shared_case=grant.content_object,
        colleague=grant.user,
        journey_case=Case.objects.get(pk=journey["pk"]),
        journey_sessions=journey["n"],
        coordinator=coordinator,
        coach=coach,
    )


def unit_of(coordinator: User, year: int) -> list[int]:
    """The centres the coordinator's dashboard counts together."""
    return coordinator_scope(coordinator, year).unit
