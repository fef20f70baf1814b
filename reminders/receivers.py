"""A closed case needs no more reminders; a transferred one reminds its new counsellor."""

from __future__ import annotations

from django.dispatch import receiver

from clients.signals import case_closed, case_transferred

from . import services


@receiver(case_closed)
def _cancel_on_close(sender, *, case, actor, **kwargs) -> None:
    services.reminders_cancel_for_case(actor=actor, case=case, reason="case closed")


@receiver(case_transferred)
def _readdress_on_transfer(sender, *, case, actor, from_user, to_user, **kwargs) -> None:
    services.reminders_readdress(actor=actor, case=case, from_user=from_user, to_user=to_user)
