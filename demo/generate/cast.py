"""The people and places of a generated network: centres, counsellors, coordinators, a
centre admin, the partner directory and two ICAM desks with their coaches.

Generated rows are recognised by their network's name and their centres' code prefix, which
no real centre is expected to use (``marker``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from simple_history.utils import bulk_create_with_history

from casework.models import Centre, Network, Role, User, UserRole
from clients.models import Case
from referrals.models import Domain, Partner, Referral

NETWORK_NAME = "Load test network (generated)"
CENTRE_PREFIX = "LOAD"
USER_PREFIX = "load-"
PARTNERS_PER_DOMAIN = 3
DESKS = 2
COACHES_PER_DESK = 2


@dataclass
class Cast:
    network: Network
    centres: list[Centre]
    counsellors: list[User]
    admin: User
    desks: list[Partner]
    partners: dict[str, list[Partner]]  # domain → partners
    perms: dict[str, int]  # codename → permission id
    by_centre: dict[int, list[User]] = field(default_factory=dict)


def permission_ids() -> dict[str, int]:
    found = {}
    wanted = {Case: ("view_case", "change_case"), Referral: ("view_referral", "change_referral")}
    for model, codenames in wanted.items():
        content_type = ContentType.objects.get_for_model(model)
        for perm in Permission.objects.filter(content_type=content_type, codename__in=codenames):
            found[perm.codename] = perm.pk
    return found


def _user(username: str, **fields) -> User:
    user = User(username=username, **fields)
    user.set_unusable_password()  # generated people never sign in with a password
    return user


def _roles(users: list[User], role: str, actor: User | None) -> None:
    bulk_create_with_history(
        [UserRole(user=u, role=role) for u in users], UserRole, default_user=actor
    )


def cast_create(*, rng: random.Random, centres: int, counsellors: int) -> Cast:
    network = Network.objects.create(name=NETWORK_NAME)
    made_centres = Centre.objects.bulk_create(
        Centre(name=f"Load test centre {i:04d}", code=f"{CENTRE_PREFIX}{i:04d}", network=network)
        for i in range(1, centres + 1)
    )
    admin = _user(
        f"{USER_PREFIX}admin", first_name="Load", last_name="Admin", centre=made_centres[0]
    )
    admin.save()
    admin.history.update(history_user=admin)
    _roles([admin], Role.CENTRE_ADMIN, admin)
    people = [
        _user(
            f"{USER_PREFIX}counsellor-{i:04d}",
            first_name="Counsellor",
            last_name=f"{i:04d}",
            centre=made_centres[i % centres],
        )
        for i in range(counsellors)
    ]
    people = bulk_create_with_history(people, User, default_user=admin)
    _roles(people, Role.COUNSELLOR, admin)
    coordinators = [
        _user(f"{USER_PREFIX}network-coordinator", first_name="Network", network=network),
        *(
            _user(f"{USER_PREFIX}coordinator-{c.code.lower()}", first_name="Coord", centre=c)
            for c in made_centres
        ),
    ]
    coordinators = bulk_create_with_history(coordinators, User, default_user=admin)
    _roles(coordinators, Role.COORDINATOR, admin)
    partners = _directory(network, admin)
    desks = _desks(network, admin)
    cast = Cast(
        network=network,
        centres=made_centres,
        counsellors=people,
        admin=admin,
        desks=desks,
        partners=partners,
        perms=permission_ids(),
    )
    for person in people:
        cast.by_centre.setdefault(person.centre_id, []).append(person)
    return cast


def _directory(network: Network, admin: User) -> dict[str, list[Partner]]:
    rows = [
        Partner(
            network=network,
            name=f"Load partner {domain} {n}",
            domain=domain,
            provinces=["BRU", "VAN"][: 1 + n % 2],
            languages=["fr", "nl", "en"][: 1 + n % 3],
            welcomes_undocumented=n % 2 == 0,
            audience="(generated)",
        )
        for domain in Domain.values
        if domain != Domain.ICAM_DESK
        for n in range(1, PARTNERS_PER_DOMAIN + 1)
    ]
    rows = bulk_create_with_history(rows, Partner, default_user=admin)
    found: dict[str, list[Partner]] = {}
    for partner in rows:
        found.setdefault(partner.domain, []).append(partner)
    return found


def _desks(network: Network, admin: User) -> list[Partner]:
    """ICAM desks as referrals/desks.py makes them: a partner with its group of coaches."""
    desks = []
    for n in range(1, DESKS + 1):
        desk = Partner(
            network=network,
            name=f"Load ICAM desk {n}",
            domain=Domain.ICAM_DESK,
            provinces=["BRU"],
            audience="(generated)",
        )
        desk._history_user = admin
        desk.save()
        desk.group = Group.objects.create(name=f"icam-desk-{desk.pk}")
        desk.skip_history_when_saving = True  # the group is plumbing (as ensure_desk_group)
        desk.save(update_fields=["group"])
        del desk.skip_history_when_saving
        coaches = bulk_create_with_history(
            [
                _user(f"{USER_PREFIX}coach-{n}-{c}", first_name="Coach", last_name=f"{n}-{c}")
                for c in range(1, COACHES_PER_DESK + 1)
            ],
            User,
            default_user=admin,
        )
        _roles(coaches, Role.ICAM_COACH, admin)
        for coach in coaches:
            coach._history_user = admin
            coach.groups.add(desk.group)  # desk membership keeps its history (m2m)
        desks.append(desk)
    return desks
