"""GIN indexes for the directory's province and language filters, on PostgreSQL only (the
embedded SQLite has no JSON containment: see ``PartnerQuerySet``)."""

from django.db import migrations

INDEXES = {
    "partner_provinces_gin": "provinces",
    "partner_languages_gin": "languages",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON referrals_partner "
            f"USING gin ({column} jsonb_path_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
