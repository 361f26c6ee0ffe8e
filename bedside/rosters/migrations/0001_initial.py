import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ["rosterimport", "shift", "staffingminimum"]


def _relabel(apps, old: str, new: str) -> None:
    """Permissions, admin log lines and anything else keyed by content type follow the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True))
    ContentType.objects.filter(app_label=old, model__in=[m for m in MOVED if m not in taken]).update(
        app_label=new
    )


def content_types_follow(apps, schema_editor) -> None:
    _relabel(apps, "people", "rosters")


def content_types_go_back(apps, schema_editor) -> None:
    _relabel(apps, "rosters", "people")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('people', '0002_shifts_and_imports_move_to_rosters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    # The tables exist already (created by people 0001): take over their state only.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RosterImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('persons', 'Persons and jobs'), ('shifts', 'Shifts')], max_length=10)),
                        ('file_name', models.CharField(max_length=255)),
                        ('file', models.FileField(upload_to='imports/%Y/%m/')),
                        ('dry_run', models.BooleanField(default=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('rows_total', models.PositiveIntegerField(default=0)),
                        ('rows_done', models.PositiveIntegerField(default=0)),
                        ('errors', models.JSONField(blank=True, default=list)),
                        ('summary', models.JSONField(blank=True, default=dict)),
                        ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'people_rosterimport',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Shift',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start', models.DateTimeField()),
                        ('end', models.DateTimeField()),
                        ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('cancelled', 'Cancelled')], default='scheduled', max_length=10)),
                        ('night', models.BooleanField(default=False)),
                        ('source_id', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                        ('job_role', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shifts', to='people.jobrole')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shifts', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shifts', to='people.unit')),
                    ],
                    options={
                        'db_table': 'people_shift',
                        'ordering': ['start', 'id'],
                        'indexes': [models.Index(fields=['unit', 'job_role', 'start'], name='people_shif_unit_id_9a9c45_idx'), models.Index(fields=['person', 'start'], name='people_shif_person__3fab2d_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='shift_ends_after_start')],
                    },
                ),
                migrations.CreateModel(
                    name='StaffingMinimum',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weekday', models.PositiveSmallIntegerField(help_text='0 = Monday ... 6 = Sunday')),
                        ('start_time', models.TimeField()),
                        ('end_time', models.TimeField()),
                        ('minimum', models.PositiveSmallIntegerField()),
                        ('job_role', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.jobrole')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staffing_minimums', to='people.unit')),
                    ],
                    options={
                        'db_table': 'people_staffingminimum',
                        'ordering': ['unit_id', 'weekday', 'start_time'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('weekday__lte', 6)), name='minimum_weekday_0_to_6'), models.UniqueConstraint(fields=('unit', 'job_role', 'weekday', 'start_time'), name='minimum_unique_window')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
