"""Writes on client files and cases: one use case each, one transaction, history with the actor."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import RuleBroken, StaleEdit
from casework.history import save_as
from casework.models import User
from casework.permissions import object_grant, object_revoke

from . import ages
from .access import can_change_client
from .models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    CaseUserObjectPermission,
    Client,
    ReferenceCounter,
)
from .signals import case_closed, case_transferred

CLIENT_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "gender",
    "country_of_origin",
    "languages",
    "interpreter_needed",
    "year_of_arrival",
    "residence_situation",
)

SHARE_LEVELS = {
    "view": ["view_case"],
    "change": ["view_case", "change_case"],
}


def _next_reference(centre_id: int, code: str) -> str:
    year = timezone.localdate().year
    counter, _created = ReferenceCounter.objects.get_or_create(centre_id=centre_id, year=year)
    # Lock the counter row so two intakes at the same moment never get the same number.
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{code}-{year}-{counter.last_number:04d}"


def _require_counsellor(actor: User) -> None:
    if not actor.is_counsellor:
        raise RuleBroken(_("Only a counsellor of a centre can do this."))


@transaction.atomic
def client_create(*, actor: User, data: dict[str, Any]) -> tuple[Client, Case]:
    """Register a client and open their first case, assigned to ``actor``."""
    _require_counsellor(actor)
    centre = actor.centre
    client = Client(centre=centre, created_by=actor, reference="pending")
    for field in CLIENT_EDITABLE_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    client.reference = _next_reference(centre.pk, centre.code)
    save_as(client, actor)
    case = _case_create(actor=actor, client=client, number=1)
    return client, case


@transaction.atomic
def client_update(
    *, actor: User, client: Client, expected_version: int, data: dict[str, Any]
) -> Client:
    """Change a client's details, refusing an edit based on an older version."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    refuse_if_anonymised(locked)
    if locked.version != expected_version:
        raise StaleEdit(
            _(
                "Someone else changed this client file while you were editing it. "
                "Nothing was saved yet: their version and your input are shown below."
            )
        )
    born = locked.birth_date
    for field in CLIENT_EDITABLE_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.version += 1
    save_as(locked, actor)
    if locked.birth_date != born:
        ages.refresh(Case.objects.filter(client=locked))
    return locked


def refuse_if_anonymised(client: Client) -> None:
    """An anonymised file takes nothing new: what was typed after could never be erased."""
    if client.anonymised_at is not None:
        raise RuleBroken(
            _("This client file was anonymised: it takes no new data. Register the person again.")
        )


def _case_create(*, actor: User, client: Client, number: int) -> Case:
    case = Case(client=client, centre_id=client.centre_id, number=number, assigned_to=actor)
    save_as(case, actor)
    return case


@transaction.atomic
def case_open(*, actor: User, client: Client) -> Case:
    """Open a new trajectory for a client whose earlier cases are all closed."""
    _require_counsellor(actor)
    locked = Client.objects.select_for_update().get(pk=client.pk)
    refuse_if_anonymised(locked)
    if not can_change_client(actor, locked):
        raise RuleBroken(_("Only a counsellor who may edit this client's case can open a new one."))
    cases = list(locked.cases.order_by("number"))
    if any(not c.is_closed for c in cases):
        raise RuleBroken(_("A new case can be opened once the current one is closed."))
    return _case_create(actor=actor, client=locked, number=len(cases) + 1)


def allowed_transitions(status: str) -> list[str]:
    """Forward or back one step among the open states, or close from any open state."""
    if status == CaseStatus.CLOSED:
        return []
    index = OPEN_STATUSES.index(status)
    steps = [OPEN_STATUSES[i] for i in (index - 1, index + 1) if 0 <= i < len(OPEN_STATUSES)]
    return [*steps, CaseStatus.CLOSED]


def _lock_case(
    case: Case, expected_version: int | None = None, *, holder: User | None = None
) -> Case:
    locked = Case.objects.select_for_update().select_related("client").get(pk=case.pk)
    if holder is not None and locked.assigned_to_id != holder.pk:
        raise RuleBroken(_("Only the counsellor who holds the case can do this."))

    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(
            _(
                "Someone else changed this case while you were looking at it. "
                "Nothing was saved: check its current state below and try again."
            )
        )
    return locked


@transaction.atomic
def case_change_status(
    *, actor: User, case: Case, expected_version: int, status: str, outcome: str = ""
) -> Case:
    """Move a case to ``status``; closing needs an outcome."""
    locked = _lock_case(case, expected_version)
    if status not in allowed_transitions(locked.status):
        raise RuleBroken(
            _("A case cannot go from “%(old)s” to “%(new)s”.")
            % {"old": locked.get_status_display(), "new": CaseStatus(status).label}
            if status in CaseStatus.values
            else _("Unknown status."),
            field="status",
        )
    if status == CaseStatus.CLOSED:
        if not outcome:
            raise RuleBroken(_("Choose the outcome to close the case."), field="outcome")
        locked.outcome = outcome
        locked.closed_at = timezone.now()
    locked.status = status
    locked.version += 1
    locked.last_activity_at = timezone.now()
    save_as(locked, actor)
    if status == CaseStatus.CLOSED:
        case_closed.send(sender=Case, case=locked, actor=actor)
    return locked


def _refuse_if_closed(case: Case) -> None:
    if case.is_closed:
        raise RuleBroken(_("A closed case can no longer be shared or transferred."))


def _require_colleague(case: Case, colleague: User) -> None:
    if colleague.centre_id != case.centre_id or not colleague.is_counsellor:
        raise RuleBroken(_("Choose a counsellor of this case's centre."), field="colleague")


@transaction.atomic
def case_share(*, actor: User, case: Case, colleague: User, level: str) -> Case:
    """Share a case with a colleague of the same centre, read-only or with editing."""
    if level not in SHARE_LEVELS:
        raise RuleBroken(_("Choose read or edit access."), field="level")
    locked = _lock_case(case, holder=actor)
    _refuse_if_closed(locked)
    if colleague.pk == actor.pk or colleague.pk == locked.assigned_to_id:
        raise RuleBroken(
            _("This case is already assigned to that counsellor; choose another colleague."),
            field="colleague",
        )
    _require_colleague(locked, colleague)
    object_grant(
        actor=actor,
        perm_model=CaseUserObjectPermission,
        obj=locked,
        user=colleague,
        codenames=SHARE_LEVELS[level],
    )
    return locked


@transaction.atomic
def case_share_withdraw(*, actor: User, case: Case, colleague: User) -> Case:
    locked = _lock_case(case, holder=actor)
    withdrawn = object_revoke(
        actor=actor, perm_model=CaseUserObjectPermission, obj=locked, user=colleague
    )
    if not withdrawn:
        raise RuleBroken(_("This case is not shared with that person."))
    return locked


@transaction.atomic
def case_transfer(*, actor: User, case: Case, to_user: User, keep_access: bool = False) -> Case:
    """Hand a case to another counsellor of the centre; the giver may keep read access."""
    locked = _lock_case(case, holder=actor)
    _refuse_if_closed(locked)
    if to_user.pk == locked.assigned_to_id:
        raise RuleBroken(_("This counsellor already holds the case."), field="to_user")
    _require_colleague(locked, to_user)
    previous = locked.assigned_to
    locked.assigned_to = to_user
    locked.version += 1
    locked.last_activity_at = timezone.now()
    save_as(locked, actor)
    # The new holder needs no share any more; the giver keeps one only if asked.
    object_revoke(actor=actor, perm_model=CaseUserObjectPermission, obj=locked, user=to_user)
    if keep_access:
        object_grant(
            actor=actor,
            perm_model=CaseUserObjectPermission,
            obj=locked,
            user=previous,
            codenames=SHARE_LEVELS["view"],
        )
    case_transferred.send(
        sender=Case, case=locked, actor=actor, from_user=previous, to_user=to_user
    )
    return locked
