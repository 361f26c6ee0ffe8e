"""Learning records refuse UPDATE and DELETE in the database too (see bedside/audit/append_only.py)."""

from django.db import migrations

from bedside.audit.append_only import create_triggers, drop_triggers

TABLE = "records_record"
WHY = "Learning records are evidence: supersede with a correction instead."


def forwards(apps, schema_editor):
    create_triggers(schema_editor, table=TABLE, why=WHY)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, table=TABLE)


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
