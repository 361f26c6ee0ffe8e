"""System check: every learning item in the database has a registered kind.

Tagged `database`, like Django's own checks that read a database: it runs with
`manage.py check --database default` and before `migrate` applies migrations (migrate
checks its database), not on every `runserver` reload or in checks that have no
database. Tables that do not exist yet (a fresh database) are passed over.
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections

from bedside.records.kinds import is_registered
from bedside.records.models import LearningItem


@register(Tags.database)
def items_have_registered_kinds(app_configs=None, databases=None, **kwargs) -> list[Error]:
    errors: list[Error] = []
    for alias in databases or ():
        connection = connections[alias]
        try:
            if LearningItem._meta.db_table not in connection.introspection.table_names():
                continue
            kinds = set(LearningItem.objects.using(alias).values_list("kind", flat=True).distinct())
        except DatabaseError:
            continue  # no database to read yet: nothing to check
        for kind in sorted(k for k in kinds if not is_registered(k)):
            count = LearningItem.objects.using(alias).filter(kind=kind).count()
            errors.append(
                Error(
                    f"{count} learning item(s) in database {alias!r} have the kind {kind!r},"
                    " which no installed app registers.",
                    hint="Install the app that registers it, or change those items' kind in the admin;"
                    " until then Today shows them without a link and no record can be added to them.",
                    obj=LearningItem,
                    id="records.E001",
                )
            )
    return errors
