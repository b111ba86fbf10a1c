"""Mass sendings built by a background job: the compose form's token, the job, how many messages
are built. Batches sent before were built at once: built_at is their creation."""

import django.db.models.deletion
from django.db import migrations, models


def built_before(apps, schema_editor):
    MassSending = apps.get_model("messaging", "MassSending")
    MassSending.objects.update(built_at=models.F("created_at"), built=models.F("messages_count"))


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_jobs_and_worker_heartbeats"),
        ("messaging", "0005_call_outcome_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="masssending",
            name="built",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="masssending",
            name="built_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="masssending",
            name="job",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="jobs.job"
            ),
        ),
        migrations.AddField(
            model_name="masssending",
            name="token",
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.RunPython(built_before, migrations.RunPython.noop),
    ]
