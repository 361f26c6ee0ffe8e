"""Rule runs: one audit line per (rule, run), and each requirement a run creates carries the run's id."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from bedside.audit.append_only import create_triggers, drop_triggers

TABLE = "assignments_rulerun"
WHY = "A rule run is part of the audit trail."


def forwards(apps, schema_editor):
    create_triggers(schema_editor, table=TABLE, why=WHY)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, table=TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0006_partial_fk_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RuleRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("rule", "A rule applied (created, changed, resumed, or the daily pass)"),
                            ("roster", "Every rule re-applied to people whose roster changed"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="assignment",
            name="run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="assignments.rulerun",
            ),
        ),
        # Rule runs refuse UPDATE and DELETE in the database (see bedside/audit/append_only.py).
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
