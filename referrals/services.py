"""Writes on the directory and on referrals: one transaction each, history with the actor.

Who may move a referral where is decided here, not in the views:

- the **sender** (a counsellor who may change the case) writes the draft, sends it, cancels it
  and withdraws the client's consent;
- the **receiver** answers: the coaches of the ICAM desk it is addressed to, or — for a partner
  that does not use Casework — the sender, who records the partner's answer on its behalf.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import RuleBroken, StaleEdit
from casework.history import save_as
from casework.models import Network, Role, User
from casework.permissions import object_grant, object_revoke
from clients.access import Action, can, visible_cases, with_access
from clients.models import Case
from clients.services import refuse_if_anonymised

from .desks import domain_change_refusal, ensure_desk_group
from .models import (
    FINISHED,
    SHAREABLE_FIELD_CODES,
    Partner,
    Referral,
    ReferralFeedback,
    ReferralGroupObjectPermission,
    ReferralStatus,
)
from .reminders import schedule_referral

PARTNER_FIELDS = (
    "name",
    "domain",
    "provinces",
    "languages",
    "welcomes_undocumented",
    "audience",
    "accessibility",
    "address",
    "phone",
    "email",
    "website",
    "is_active",
)
REFERRAL_FIELDS = (
    "partner",
    "type",
    "purpose",
    "goal",
    "answer_due",
    "consent_fields",
    "consent_given_on",
    "consent_method",
)

SENDER, RECEIVER = "sender", "receiver"
S = ReferralStatus
# Allowed moves, and whose move each is.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    S.DRAFT: {S.SENT: frozenset({SENDER}), S.CANCELLED: frozenset({SENDER})},
    S.SENT: {
        S.ACCEPTED: frozenset({RECEIVER}),
        S.DECLINED: frozenset({RECEIVER}),
        S.CANCELLED: frozenset({SENDER}),
    },
    S.ACCEPTED: {
        S.IN_PROGRESS: frozenset({RECEIVER}),
        S.CANCELLED: frozenset({SENDER, RECEIVER}),
    },
    S.IN_PROGRESS: {
        S.COMPLETED: frozenset({RECEIVER}),
        S.CANCELLED: frozenset({SENDER, RECEIVER}),
    },
}
REASON_OWED = frozenset({S.DECLINED, S.CANCELLED})
RESULT_OWED = frozenset({S.COMPLETED})
DESK_PERMISSIONS = ("view_referral", "change_referral")


# --- The directory ---------------------------------------------------------------------------
@transaction.atomic
def partner_save(
    *, actor: User, network: Network, data: dict[str, Any], partner: Partner | None = None
) -> Partner:
    """Create a partner in ``network``'s directory, or change one."""
    if not (actor.is_centre_admin and actor.centre.network_id == network.pk):
        raise RuleBroken(_("Only a centre admin of the network can maintain its directory."))
    if partner is None:
        partner = Partner(network=network)
    elif partner.network_id != network.pk:
        raise RuleBroken(_("This partner belongs to another network."))
    elif refusal := domain_change_refusal(partner, data.get("domain", partner.domain)):
        raise RuleBroken(refusal, field="domain")
    for name in PARTNER_FIELDS:
        if name in data:
            setattr(partner, name, data[name])
    name_taken = (
        Partner.objects.filter(network=network, name__iexact=partner.name.strip())
        .exclude(pk=partner.pk)
        .exists()
    )
    if name_taken:
        raise RuleBroken(_("The directory already has a partner of this name."), field="name")
    partner.name = partner.name.strip()
    save_as(partner, actor)
    ensure_desk_group(partner)
    return partner


def _require_desk_maintainer(actor: User, desk: Partner) -> Group:
    if not desk.is_desk:
        raise RuleBroken(_("Only an ICAM desk has coaches."))
    if not (actor.is_centre_admin and actor.centre.network_id == desk.network_id):
        raise RuleBroken(_("Only a centre admin of the network can manage the desk's coaches."))
    return ensure_desk_group(desk)


@transaction.atomic
def desk_coach_add(*, actor: User, desk: Partner, coach: User) -> None:
    """Make ``coach`` (an ICAM coach, who belongs to no centre) a coach of ``desk``."""
    group = _require_desk_maintainer(actor, desk)
    if not coach.has_role(Role.ICAM_COACH) or coach.centre_id is not None:
        raise RuleBroken(_("Only an ICAM coach who belongs to no centre can join a desk."))
    coach._history_user = actor
    coach.groups.add(group)


@transaction.atomic
def desk_coach_remove(*, actor: User, desk: Partner, coach: User) -> None:
    group = _require_desk_maintainer(actor, desk)
    coach._history_user = actor
    coach.groups.remove(group)


# --- Referrals -------------------------------------------------------------------------------
def _lock(referral: Referral, version: int | None) -> Referral:
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("partner", "case__client")
        .get(pk=referral.pk)
    )
    refuse_if_anonymised(locked.case.client)
    if version is not None and locked.version != version:
        raise StaleEdit(_("This referral was changed by someone else in the meantime."))
    return locked


def _check_referral(referral: Referral, case: Case) -> None:
    partner = referral.partner
    if partner.network_id is None or partner.network_id != case.centre.network_id:
        raise RuleBroken(_("This partner is not in your network's directory."), field="partner")
    if not partner.is_active and referral.status == S.DRAFT:
        raise RuleBroken(_("This partner is no longer active."), field="partner")
    if referral.goal_id and referral.goal.case_id != case.pk:
        raise RuleBroken(_("The goal must belong to this case."), field="goal")
    fields = list(referral.consent_fields or [])
    if not fields:
        raise RuleBroken(
            _("Record which fields the client consented to share (at least one)."),
            field="consent_fields",
        )
    unknown = set(fields) - set(SHAREABLE_FIELD_CODES)
    if unknown:
        raise RuleBroken(_("Unknown field in the consent."), field="consent_fields")
    if "goal" in fields and not referral.goal_id:
        raise RuleBroken(
            _("The client consented to share the goal: choose which goal."), field="goal"
        )
    referral.consent_fields = [code for code in SHAREABLE_FIELD_CODES if code in fields]
    if referral.consent_given_on and referral.consent_given_on > timezone.localdate():
        raise RuleBroken(_("Consent cannot be dated in the future."), field="consent_given_on")
    if referral.answer_due and referral.answer_due < timezone.localdate():
        raise RuleBroken(_("The answer cannot be expected in the past."), field="answer_due")


def _sender_case(actor: User, case: Case, *, open_only: bool = True) -> Case:
    """Lock the case, after checking that ``actor`` may change it (and that it is open).

    Taken before the referral's own lock, always, so two writers never wait on each other.
    """
    allowed = with_access(visible_cases(actor), actor).filter(pk=case.pk).first()
    if allowed is None or not can(actor, allowed, Action.CHANGE):
        raise RuleBroken(_("You may not change this case."))
    locked = Case.objects.select_for_update().select_related("centre").get(pk=case.pk)
    if open_only and locked.is_closed:
        raise RuleBroken(_("This case is closed; open a new case to continue."))
    return locked


@transaction.atomic
def referral_create(
    *, actor: User, case: Case, data: dict[str, Any], send: bool = False
) -> Referral:
    """A draft referral with the client's recorded consent; sent at once if ``send``."""
    case = _sender_case(actor, case)
    referral = Referral(case=case, created_by=actor, consent_recorded_by=actor)
    for name in REFERRAL_FIELDS:
        if name in data:
            setattr(referral, name, data[name])
    _check_referral(referral, case)
    save_as(referral, actor)
    if send:
        _move(actor, referral, S.SENT, role=SENDER)
    return referral


@transaction.atomic
def referral_update(
    *, actor: User, referral: Referral, data: dict[str, Any], version: int, send: bool = False
) -> Referral:
    """Change a draft, and send it if ``send`` (a sent referral is the receiver's: cancel it
    and write a new one)."""
    case = _sender_case(actor, referral.case)
    referral = _lock(referral, version)
    if referral.status != S.DRAFT:
        raise RuleBroken(_("Only a draft can be changed."))
    for name in REFERRAL_FIELDS:
        if name in data:
            setattr(referral, name, data[name])
    referral.consent_recorded_by = actor
    _check_referral(referral, case)
    referral.version += 1
    save_as(referral, actor)
    if send:
        _move(actor, referral, S.SENT, role=SENDER)
    return referral


def allowed_moves(referral: Referral, role: str) -> list[str]:
    """The statuses ``role`` may move ``referral`` to now."""
    if referral.consent_withdrawn:
        return []
    return [to for to, roles in TRANSITIONS.get(referral.status, {}).items() if role in roles]


def _move(actor: User, referral: Referral, to: str, *, role: str, reason: str = "") -> None:
    if to not in allowed_moves(referral, role):
        raise RuleBroken(
            _("A referral cannot move from %(from)s to %(to)s.")
            % {
                "from": ReferralStatus(referral.status).label,
                "to": ReferralStatus(to).label if to in ReferralStatus.values else to,
            },
            field="status",
        )
    if to == S.SENT:
        # What was true of the draft when it was written must still be true when it goes out.
        _check_referral(referral, referral.case)
        referral.sent_at = timezone.now()
        ensure_desk_group(referral.partner)
    referral.status = to
    referral.version += 1
    save_as(referral, actor, reason)
    schedule_referral(actor, referral)
    if not referral.partner.answers_in_casework:
        return
    if to == S.SENT:
        object_grant(
            actor=actor,
            perm_model=ReferralGroupObjectPermission,
            obj=referral,
            group=referral.partner.group,
            codenames=DESK_PERMISSIONS,
        )
    elif to in (S.DECLINED, S.CANCELLED):
        # A desk that declined, or whose referral was called off, has no more need of the
        # client's fields: its access ends with the referral.
        object_revoke(
            actor=actor,
            perm_model=ReferralGroupObjectPermission,
            obj=referral,
            group=referral.partner.group,
        )


def receiver_role(actor: User, referral: Referral) -> str | None:
    """``RECEIVER`` if ``actor`` answers for the referral's partner, else ``None``."""
    partner = referral.partner
    if partner.answers_in_casework:
        is_coach = actor.is_icam_coach and actor.groups.filter(pk=partner.group_id).exists()
        return RECEIVER if is_coach else None
    return None


@transaction.atomic
def referral_change_status(
    *,
    actor: User,
    referral: Referral,
    to: str,
    version: int,
    as_sender: bool,
    reason: str = "",
    result: str = "",
) -> Referral:
    """Move a referral on, as its sender (``as_sender``) or as its receiver.

    The sender also records the answers of a partner that does not use Casework.
    """
    if as_sender:
        _sender_case(actor, referral.case)
    referral = _lock(referral, version)
    if as_sender:
        on_behalf = not referral.partner.answers_in_casework
        roles = [SENDER, RECEIVER] if on_behalf else [SENDER]
    elif receiver_role(actor, referral) is None:
        raise RuleBroken(_("Only the desk this referral is addressed to can answer it."))
    else:
        roles = [RECEIVER]
    permitted = [role for role in roles if to in allowed_moves(referral, role)]
    reason, result = reason.strip(), result.strip()
    if permitted and to in REASON_OWED and not reason:
        raise RuleBroken(_("Give a reason."), field="reason")
    if permitted and to in RESULT_OWED and not result:
        raise RuleBroken(_("Record the result."), field="result")
    if to in RESULT_OWED:
        referral.result = result
    # With no permitted role, _move refuses and words why.
    _move(actor, referral, to, role=permitted[0] if permitted else roles[0], reason=reason)
    return referral


@transaction.atomic
def referral_withdraw_consent(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The client withdrew consent: the receiver loses access at once, the referral ends."""
    _sender_case(actor, referral.case, open_only=False)
    referral = _lock(referral, None)
    if referral.consent_withdrawn:
        raise RuleBroken(_("Consent was already withdrawn."))
    reason = reason.strip()
    if not reason:
        raise RuleBroken(_("Give a reason."), field="reason")
    referral.consent_withdrawn_at = timezone.now()
    if referral.status not in FINISHED:
        referral.status = S.CANCELLED
    referral.version += 1
    save_as(referral, actor, _("Consent withdrawn: %(reason)s") % {"reason": reason})
    schedule_referral(actor, referral)
    if referral.partner.group_id:
        object_revoke(
            actor=actor,
            perm_model=ReferralGroupObjectPermission,
            obj=referral,
            group=referral.partner.group,
        )
    return referral


@transaction.atomic
def feedback_add(
    *, actor: User, referral: Referral, text: str, as_sender: bool
) -> ReferralFeedback:
    """Feedback the sender reads: from the desk's coaches, or recorded for an outside partner."""
    if as_sender:
        _sender_case(actor, referral.case)
    referral = _lock(referral, None)
    text = text.strip()
    if not text:
        raise RuleBroken(_("Write the feedback."), field="text")
    if referral.status == S.DRAFT or referral.consent_withdrawn:
        raise RuleBroken(_("This referral takes no feedback."))
    if as_sender:
        if referral.partner.answers_in_casework:
            raise RuleBroken(_("Only the desk this referral is addressed to can give feedback."))
    elif receiver_role(actor, referral) is None:
        raise RuleBroken(_("Only the desk this referral is addressed to can give feedback."))
    feedback = ReferralFeedback(
        referral=referral, text=text, author=actor, on_behalf_of_partner=as_sender
    )
    save_as(feedback, actor)
    return feedback
