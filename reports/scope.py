"""What a coordinator may look at: their centre, or every centre of their network."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from casework.models import Centre, Network, User

from .models import Release


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


def units_of(year: int) -> dict[str, list[int]]:
    """Every centre's unit for a year: ``label → centres``, each centre in exactly one.

    The first release of a year fixes its unit's centres for the whole year, whatever joins
    or leaves the network later: two units holding the same centre in one year, or a network
    whose centres changed, would give a centre's hidden figures away (the old network less
    the new). Centres not in any release yet are grouped as they are now; one that joined a
    network whose year is already fixed stays alone for that year."""
    units: dict[str, list[int]] = {}
    releases = Release.objects.filter(year=year).order_by("created_at", "pk")
    for label, centres in releases.values_list("unit", "centres"):
        if label not in units and not set(centres) & {c for cs in units.values() for c in cs}:
            units[label] = sorted(centres)
    fixed = set(units)
    taken = {centre for centres in units.values() for centre in centres}
    for pk, network_id in Centre.objects.order_by("pk").values_list("pk", "network_id"):
        if pk in taken:
            continue
        label = f"network:{network_id}" if network_id else f"centre:{pk}"
        if label in fixed:  # the network's year was fixed without it
            label = f"centre:{pk}"
        units.setdefault(label, []).append(pk)
    return units


def every_unit(year: int) -> list[Scope]:
    """Every unit of the year: what gets released."""
    return [Scope([], None, centres, label) for label, centres in units_of(year).items()]


def coordinator_scope(user: User, year: int) -> Scope:
    """The coordinator's scope for a year; 404 for anyone else, as for any page that is not
    theirs.

    A centre coordinator's figures are protected together with the other centres of the
    network: every coordinator reads slices of the same protected publication, so two of
    them comparing screens learn nothing that one alone could not. The centres are the
    year's (``units_of``): a network coordinator reads the centres the network had when the
    year was first released."""
    if not user.is_coordinator:
        raise Http404("Not a coordinator.")
    units = units_of(year)
    if user.network_id is not None:
        label = f"network:{user.network_id}"
        if units.get(label):
            centres = list(Centre.objects.filter(pk__in=units[label]).order_by("name"))
            return Scope(centres=centres, network=user.network, unit=units[label], label=label)
    if user.centre_id is not None:
        label = next(label for label, centres in units.items() if user.centre_id in centres)
        return Scope(centres=[user.centre], network=None, unit=units[label], label=label)
    raise Http404("A coordinator without a centre or a network.")
