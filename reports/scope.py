"""What a coordinator may look at: their centre, or every centre of their network."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from casework.models import Centre, Network, User


@dataclass(frozen=True)
class Scope:
    centres: list[Centre]  # what the coordinator may choose, each alone
    network: Network | None  # set for a network coordinator: the centres together too
    unit: list[int]  # the centres whose figures are protected together
    label: str  # their name in the releases: "network:<id>" or "centre:<id>"

    def centre(self, code: str) -> Centre | None:
        """The chosen centre; ``None`` for the network. Anything else is not theirs: 404."""
        if not code and self.network is not None:
            return None
        for centre in self.centres:
            if centre.code == code:
                return centre
        raise Http404("No such centre.")

    @property
    def default_code(self) -> str:
        return "" if self.network is not None else self.centres[0].code


def every_unit() -> list[Scope]:
    """Every network with centres, and every centre outside a network: what gets released."""
    units = []
    centres = list(Centre.objects.select_related("network").order_by("network_id", "pk"))
    by_network: dict[int, list[Centre]] = {}
    for centre in centres:
        if centre.network_id is None:
            units.append(Scope([centre], None, [centre.pk], f"centre:{centre.pk}"))
        else:
            by_network.setdefault(centre.network_id, []).append(centre)
    for network_id, members in by_network.items():
        unit = sorted(c.pk for c in members)
        units.append(Scope(members, members[0].network, unit, f"network:{network_id}"))
    return units


def coordinator_scope(user: User) -> Scope:
    """The coordinator's scope; 404 for anyone else, as for any page that is not theirs.

    A centre coordinator's figures are protected together with the other centres of the
    network: every coordinator reads slices of the same protected publication, so two of
    them comparing screens learn nothing that one alone could not."""
    if not user.is_coordinator:
        raise Http404("Not a coordinator.")
    if user.network_id is not None:
        centres = list(Centre.objects.filter(network_id=user.network_id).order_by("name"))
        if centres:
            unit = sorted(c.pk for c in centres)
            label = f"network:{user.network_id}"
            return Scope(centres=centres, network=user.network, unit=unit, label=label)
    if user.centre_id is not None:
        centre = user.centre
        unit = (
            list(Centre.objects.filter(network_id=centre.network_id).values_list("pk", flat=True))
            if centre.network_id
            else [centre.pk]
        )
        label = f"network:{centre.network_id}" if centre.network_id else f"centre:{centre.pk}"
        return Scope(centres=[centre], network=None, unit=sorted(unit), label=label)
    raise Http404("A coordinator without a centre or a network.")
