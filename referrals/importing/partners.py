"""The import itself: every row checked first, then one transaction writing with history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casework.errors import RuleBroken
from casework.models import Network, User

from ..desks import domain_change_refusal, ensure_desk_group
from ..models import Partner
from .columns import LIST_FIELDS, Vocabulary, columns_of, partner_from_row
from .tables import FileRefused, read_table

BATCH_SIZE = 500


@dataclass(frozen=True)
class RowError:
    row_number: int  # as the spreadsheet shows it: the header is row 1
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors


def can_import_partners(user: User, network: Network) -> bool:
    """A centre admin imports their own network's directory; a superuser any network's."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_centre_admin and user.centre.network_id == network.pk


def partners_import(
    *, actor: User, network: Network, data: bytes, filename: str, dry_run: bool = False
) -> ImportReport:
    """Create and update ``network``'s partners from a CSV or XLSX file, or nothing at all."""
    if not can_import_partners(actor, network):
        raise RuleBroken(_("Only an admin of a centre of this network can import its partners."))
    report = ImportReport(dry_run=dry_run)
    try:
        (_header_number, header), *rows = read_table(data, filename)
        columns = columns_of(header)
    except FileRefused as refusal:
        report.file_error = refusal.message
        return report
    if not rows:
        report.file_error = _("The file has column names but no partners.")
        return report

    vocabulary = Vocabulary()
    candidates: list[tuple[int, Partner]] = []
    for row_number, cells in rows:
        partner, problems = partner_from_row(cells, columns, network, vocabulary)
        report.errors.extend(RowError(row_number, problem) for problem in problems)
        if partner is not None:
            candidates.append((row_number, partner))
    report.errors.extend(_duplicate_names(rows, columns.index("name")))
    if report.errors:
        report.errors.sort(key=lambda error: error.row_number)
        return report
    try:
        with transaction.atomic():
            _write(actor, network, candidates, set(filter(None, columns)), report)
    except IntegrityError:
        # A partner of the same name was added between our read and our write.
        report.created = report.updated = report.unchanged = 0
        report.file_error = _("The directory changed during the import: nothing was imported.")
    return report


def _duplicate_names(rows: list[tuple[int, list[str]]], position: int) -> Iterator[RowError]:
    """Every row whose name is on another row too: which of them is meant is for a person."""
    rows_by_name: dict[str, list[int]] = {}
    for row_number, cells in rows:
        name = cells[position].casefold() if position < len(cells) else ""
        if name:
            rows_by_name.setdefault(name, []).append(row_number)
    for numbers in rows_by_name.values():
        for row_number in numbers if len(numbers) > 1 else ():
            others = ", ".join(str(other) for other in numbers if other != row_number)
            yield RowError(
                row_number, _("name: the same partner is also on row %(rows)s.") % {"rows": others}
            )


# --- Writing ---------------------------------------------------------------------------------
def _write(
    actor: User,
    network: Network,
    candidates: list[tuple[int, Partner]],
    present: set[str],
    report: ImportReport,
) -> None:
    if not report.dry_run:
        # One import of a network at a time: the second waits and then finds the first's rows.
        Network.objects.select_for_update().get(pk=network.pk)
    existing = {
        partner.name.strip().casefold(): partner
        for partner in network.partners.order_by().iterator()
    }
    to_create: list[Partner] = []
    to_update: list[Partner] = []
    changed_fields: set[str] = set()
    for row_number, candidate in candidates:
        partner = existing.get(candidate.name.casefold())
        if partner is None:
            to_create.append(candidate)
            continue
        if "domain" in present and (refusal := domain_change_refusal(partner, candidate.domain)):
            report.errors.append(RowError(row_number, f"domain: {refusal}"))
            continue
        changes = [name for name in present if _differs(partner, candidate, name)]
        if not changes:
            report.unchanged += 1
            continue
        for name in changes:
            setattr(partner, name, getattr(candidate, name))
        partner.updated_at = timezone.now()
        to_update.append(partner)
        changed_fields.update(changes)
    if report.errors:
        report.unchanged = 0
        return
    report.created, report.updated = len(to_create), len(to_update)
    if report.dry_run:
        return
    created = bulk_create_with_history(
        to_create, Partner, batch_size=BATCH_SIZE, default_user=actor
    )
    if to_update:
        bulk_update_with_history(
            to_update,
            Partner,
            [*sorted(changed_fields), "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=actor,
        )
    for partner in [*created, *to_update]:
        if partner.is_desk and partner.group_id is None:
            ensure_desk_group(partner)


def _differs(partner: Partner, candidate: Partner, name: str) -> bool:
    old, new = getattr(partner, name), getattr(candidate, name)
    if name in LIST_FIELDS:
        return set(old or []) != set(new)
    return old != new
