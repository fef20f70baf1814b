"""ICAM desks: the auth group behind a desk, whose members are its coaches."""

from __future__ import annotations

from django.contrib.auth.models import Group

from .models import Partner


def ensure_desk_group(partner: Partner) -> Group | None:
    """Give an ICAM desk its group of coaches (once); other partners have none."""
    if not partner.is_desk or partner.group_id is not None:
        return partner.group
    group, _created = Group.objects.get_or_create(name=f"icam-desk-{partner.pk}")
    partner.group = group
    partner.skip_history_when_saving = True  # the group is plumbing, not a change of the partner
    try:
        partner.save(update_fields=["group"])
    finally:
        del partner.skip_history_when_saving
    return group
