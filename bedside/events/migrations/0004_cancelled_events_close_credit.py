"""Events cancelled before cancelling an event closed its credit: their activities are cancelled as of the event."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def close_credit_of_cancelled_events(apps, schema_editor):
    Activity = apps.get_model("credits", "Activity")
    Event = apps.get_model("events", "Event")
    cancelled = Event.objects.filter(cancelled_at__isnull=False, activity__isnull=False)
    Activity.objects.filter(cancelled_at__isnull=True, pk__in=cancelled.values("activity_id")).update(
        cancelled_at=Subquery(cancelled.filter(activity_id=OuterRef("pk")).values("cancelled_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0002_activity_cancelled_at"),
        ("events", "0003_recordings"),
    ]

    operations = [
        migrations.RunPython(close_credit_of_cancelled_events, migrations.RunPython.noop),
    ]
