from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
    ]

    # Shifts, staffing minimums and roster imports moved to `rosters` with their tables: the
    # database keeps them as they are; only Django's idea of which app owns them changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='shift',
                    name='job_role',
                ),
                migrations.RemoveField(
                    model_name='shift',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='shift',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='staffingminimum',
                    name='job_role',
                ),
                migrations.RemoveField(
                    model_name='staffingminimum',
                    name='unit',
                ),
                migrations.DeleteModel(
                    name='RosterImport',
                ),
                migrations.DeleteModel(
                    name='Shift',
                ),
                migrations.DeleteModel(
                    name='StaffingMinimum',
                ),
            ],
            database_operations=[],
        ),
    ]
