"""Fill the current PostgreSQL database with a generated network (``generate_load``).

Generated rows are marked: one network named ``cast.NETWORK_NAME`` whose centres' codes start
with ``cast.CENTRE_PREFIX``; a client of any other centre is taken for real data.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from casework.models import Network
from clients.models import Client, ReferenceCounter

from ..progress import Progress
from . import fake
from .cast import CENTRE_PREFIX, NETWORK_NAME, cast_create
from .records import batch_create

CLIENTS_PER_BATCH = 500
ANALYZED = [
    "clients_client", "clients_case", "clients_caseuserobjectpermission",
    "counselling_session", "counselling_goal", "counselling_goal_sessions",
    "counselling_goalprogress", "referrals_referral", "referrals_referralgroupobjectpermission",
    "reminders_reminder", "clients_historicalclient", "clients_historicalcase",
    "counselling_historicalsession", "counselling_historicalgoal", "referrals_historicalreferral",
    "reminders_historicalreminder",
]  # fmt: skip


class Refused(Exception):
    """The database is not one to generate into; the message says why and what to do."""


@dataclass(frozen=True)
class Sizes:
    centres: int
    counsellors: int
    clients: int
    cases: int
    sessions: int

    def problems(self) -> list[str]:
        found = []
        if min(self.centres, self.counsellors, self.clients) < 1:
            found.append("--centres, --counsellors and --clients must be at least 1.")
        if self.centres > 9999:
            found.append("--centres is at most 9999 (centre codes are LOAD0001…LOAD9999).")
        if self.counsellors < self.centres:
            found.append("Each centre needs a counsellor: --counsellors ≥ --centres.")
        if self.cases < self.clients:
            found.append("Each client has a case: --cases ≥ --clients.")
        if self.sessions < 0:
            found.append("--sessions cannot be negative.")
        return found


def refusal(force: bool) -> str:
    """Why generating into this database would be wrong ("" when it would not)."""
    if connection.vendor != "postgresql":
        return (
            f"generate_load needs PostgreSQL, not {connection.vendor}: set DATABASE_URL="
            "postgres://… to a database of its own (migrated with manage.py migrate)."
        )
    if Network.objects.filter(name=NETWORK_NAME).exists():
        return (
            "This database holds generated data already: generate into a fresh database "
            "(create it, run manage.py migrate, then generate_load)."
        )
    real = Client.objects.exclude(centre__code__startswith=CENTRE_PREFIX).count()
    if real and not force:
        return (
            f"This database holds {real:,} client file(s) that generate_load did not make: it "
            "refuses to mix generated rows with real data. Use a database of its own, or "
            "--force if you are sure these are not real people's files."
        )
    return ""


def generate(sizes: Sizes, *, seed: int, force: bool, stream: TextIO) -> dict[str, object]:
    """Generate, batch by batch (one transaction each), and return the counts and timings."""
    problem = refusal(force)
    if problem:
        raise Refused(problem)
    rng = random.Random(seed)  # noqa: S311 - fictional data, repeatable on purpose
    started = time.monotonic()
    now = timezone.now()
    with transaction.atomic():
        cast = cast_create(rng=rng, centres=sizes.centres, counsellors=sizes.counsellors)
    per_counsellor = fake.spread(sizes.clients, fake.caseload_weights(rng, sizes.counsellors))
    # Clients with more than one case: the extra cases go to random clients, a few each.
    cases_of = [1] * sizes.clients
    for i in rng.choices(range(sizes.clients), k=sizes.cases - sizes.clients):
        cases_of[i] += 1
    holders = [c for c, n in zip(cast.counsellors, per_counsellor, strict=True) for _ in range(n)]
    rng.shuffle(holders)
    plans = list(zip(holders, cases_of, strict=True))
    session_counts = fake.sessions_per_case(rng, sizes.cases, sizes.sessions)
    counters: dict[tuple[int, int], int] = {}
    totals: dict[str, int] = {}
    progress = Progress(sizes.cases, "cases", stream)
    for start in range(0, len(plans), CLIENTS_PER_BATCH):
        chunk = plans[start : start + CLIENTS_PER_BATCH]
        with transaction.atomic():
            made = batch_create(
                rng=rng,
                cast=cast,
                plans=chunk,
                session_counts=session_counts,
                counters=counters,
                now=now,
            )
        for name, n in made.counts.items():
            totals[name] = totals.get(name, 0) + n
        progress.advance(made.counts.get("Case", 0))
    progress.finish()
    # The next client registered in a generated centre continues the numbering.
    ReferenceCounter.objects.bulk_create(
        ReferenceCounter(centre_id=centre, year=year, last_number=n)
        for (centre, year), n in counters.items()
    )
    generated = time.monotonic() - started
    # VACUUM too (outside a transaction only): it sets the visibility map, so index-only scans
    # work as on a database that autovacuum keeps, and measures do not depend on when it ran.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in ANALYZED:
            cursor.execute(f'{command} "{table}"')
    return {
        "rows": totals,
        "seconds": round(generated, 1),
        "analyze_seconds": round(time.monotonic() - started - generated, 1),
        "cases_per_second": round(sizes.cases / generated) if generated else None,
        "sessions_per_second": round(sizes.sessions / generated) if generated else None,
    }
