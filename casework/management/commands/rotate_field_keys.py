"""Re-encrypt every encrypted field under the first of FIELD_ENCRYPTION_KEYS, and work the
first-name search hashes out again with FIELD_HASH_KEY (deploy/README.md, key rotation)."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from casework import crypto
from casework.models import EncryptionCheck

BATCH = 1000
# (table, key column, encrypted columns)
ENCRYPTED = [
    ("clients_client", "id", ("first_name", "last_name", "phone", "birth_date")),
    ("clients_historicalclient", "history_id", ("first_name", "last_name", "phone", "birth_date")),
]


class Command(BaseCommand):
    help = "Re-encrypt the identity fields under the newest key and refresh the search hashes."

    def handle(self, *args, **options):
        total = sum(self._rotate(*table) for table in ENCRYPTED)
        check = EncryptionCheck.objects.filter(pk=1).first()
        if check is not None:
            check.token = crypto.rotate(check.token)
            check.save(update_fields=["token"])
        self.stdout.write(f"{total} rows re-encrypted under the first key; hashes refreshed.")

    def _rotate(self, table: str, key: str, columns: tuple[str, ...]) -> int:
        quote = connection.ops.quote_name
        wanted = ", ".join(quote(c) for c in (key, *columns))
        assignments = ", ".join(f"{quote(c)} = %s" for c in (*columns, "first_name_hash"))
        last, done = None, 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = f"WHERE {quote(key)} > %s " if last is not None else ""
                # Locked until the batch is written: an edit saved meanwhile waits, not lost.
                lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
                cursor.execute(
                    f"SELECT {wanted} FROM {quote(table)} {after}"  # noqa: S608
                    f"ORDER BY {quote(key)} LIMIT {BATCH}{lock}",
                    [last] if last is not None else [],
                )
                rows = cursor.fetchall()
                for row_id, *tokens in rows:
                    first_name = crypto.decrypt(tokens[0]) if tokens[0] else ""
                    rotated = [crypto.rotate(t) if t else t for t in tokens]
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {assignments} "  # noqa: S608
                        f"WHERE {quote(key)} = %s",
                        [*rotated, crypto.search_hash(first_name), row_id],
                    )
            if not rows:
                return done
            done += len(rows)
            last = rows[-1][0]
