"""Keep the latest session's follow-up date on the case (see ``Case.next_follow_up``), filled
for the existing cases in one UPDATE."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Case = apps.get_model("clients", "Case")
    Session = apps.get_model("counselling", "Session")
    latest = Session.objects.filter(case=OuterRef("pk")).order_by("-held_on", "-id")
    Case.objects.using(schema_editor.connection.alias).update(
        next_follow_up=Subquery(latest.values("next_follow_up")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0007_encrypt_identity_values"),
        ("counselling", "0003_report_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="next_follow_up",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="next follow-up"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
