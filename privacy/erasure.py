"""Erasure on the client's request: asked by someone who may edit the file, confirmed by a
centre admin of the centre (another person), then done at once, history included."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from casework.errors import RuleBroken
from casework.history import save_as
from casework.models import User
from clients import services as clients
from clients.models import Case, CaseOutcome, CaseStatus, Client
from referrals.models import FINISHED, Referral, ReferralStatus

from .anonymise import anonymise
from .models import Erasure

security_log = logging.getLogger("casework.security")


def erasure_ask(*, actor: User, client: Client, reason: str) -> Erasure:
    """``actor`` must have been given the client through ``get_client_for(..., CHANGE)``."""
    if client.anonymised_at is not None:
        raise RuleBroken(_("This client file was already anonymised."))
    try:
        with transaction.atomic():
            erasure = Erasure(
                centre_id=client.centre_id,
                client_id=client.pk,
                reference=client.reference,
                reason=reason,
                requested_by=actor,
            )
            save_as(erasure, actor, validate=False)
    except IntegrityError:
        raise RuleBroken(_("An erasure of this client is already waiting.")) from None
    security_log.info("Erasure %s asked by user %s", erasure.pk, actor.pk)
    return erasure


def _pending_for(actor: User, pk: int) -> Erasure:
    if not actor.is_centre_admin:
        raise Erasure.DoesNotExist
    return Erasure.objects.select_for_update().get(
        pk=pk, centre_id=actor.centre_id, status=Erasure.Status.PENDING
    )


def erasure_confirm(*, actor: User, pk: int) -> Erasure:
    """Close the client's open cases and erase their personal data everywhere."""
    with transaction.atomic():
        erasure = _pending_for(actor, pk)
        if erasure.requested_by_id == actor.pk:
            raise RuleBroken(_("Another person must confirm an erasure you asked for."))
        for case in Case.objects.filter(client_id=erasure.client_id, closed_at__isnull=True):
            clients.case_change_status(
                actor=actor,
                case=case,
                expected_version=case.version,
                status=CaseStatus.CLOSED,
                outcome=CaseOutcome.OTHER,
            )
        reason = f"Erased at the client's request ({erasure})"
        _cancel_open_referrals(erasure.client_id, actor, reason)
        done = anonymise(erasure.client_id, actor=actor, reason=reason)
        erasure.status = Erasure.Status.DONE
        erasure.decided_by, erasure.decided_at = actor, timezone.now()
        if done is not None:
            erasure.rows, erasure.history_rows = done.rows, done.history_rows
        save_as(erasure, actor, validate=False)
    security_log.info("Erasure %s confirmed by user %s", erasure.pk, actor.pk)
    return erasure


def _cancel_open_referrals(client_id: int, actor: User, reason: str) -> None:
    """A desk must not go on with a referral whose client asked to be forgotten."""
    open_ones = list(
        Referral.objects.filter(case__client_id=client_id).exclude(
            status__in=[*FINISHED, ReferralStatus.DRAFT]
        )
    )
    for referral in open_ones:
        referral.status = ReferralStatus.CANCELLED
        referral.version += 1
    bulk_update_with_history(
        open_ones, Referral, ["status", "version"], default_user=actor, default_change_reason=reason
    )


def erasure_cancel(*, actor: User, pk: int) -> Erasure:
    with transaction.atomic():
        erasure = _pending_for(actor, pk)
        erasure.status = Erasure.Status.CANCELLED
        erasure.decided_by, erasure.decided_at = actor, timezone.now()
        save_as(erasure, actor, validate=False)
    security_log.info("Erasure %s cancelled by user %s", erasure.pk, actor.pk)
    return erasure
