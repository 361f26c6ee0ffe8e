"""Employee ids are matched without regard to case: one person per id in any case.

Before the constraint is added, the data is checked: persons whose ids differ
only by case ("Z20001" and "z20001") must be merged or renumbered by hand first,
and the migration names them rather than failing on the index.
"""

import django.core.validators
import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower

SHOWN = 20


def check_no_ids_differ_only_by_case(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    clashes = (
        Person.objects.using(schema_editor.connection.alias)
        .exclude(employee_id=None)
        .values(key=Lower("employee_id"))
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("key")
    )
    keys = [row["key"] for row in clashes[: SHOWN + 1]]
    if not keys:
        return
    groups = []
    for key in keys[:SHOWN]:
        rows = Person.objects.using(schema_editor.connection.alias).annotate(key=Lower("employee_id"))
        rows = rows.filter(key=key).order_by("pk")
        groups.append(" / ".join(f"{p.employee_id} (person {p.pk})" for p in rows))
    more = " and more" if len(keys) > SHOWN else ""
    raise RuntimeError(
        "Employee ids are now matched without regard to case, but these persons have ids that differ only "
        f"by case: {'; '.join(groups)}{more}. Merge or renumber them (in the admin), then migrate again."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_grant_scope_references_and_programs"),
    ]

    operations = [
        migrations.RunPython(check_no_ids_differ_only_by_case, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="person",
            name="employee_id",
            field=models.CharField(
                blank=True,
                max_length=40,
                null=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[!-~]+$",
                        "An employee id holds letters A-Z, digits and punctuation only (no spaces or accents).",
                    )
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("employee_id"),
                name="person_employee_id_unique_ci",
                violation_error_message="Another person has this employee id (employee ids ignore case).",
            ),
        ),
    ]
