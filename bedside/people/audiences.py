"""Audience membership, both ways: who is in an audience, and which audiences hold a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bedside.people.models import Audience, Job, JobRole, Person, PersonStatus, Unit, active_jobs


def _job_filter(audience: Audience) -> Q:
    q = Q()
    role_ids = [r.pk for r in audience.job_roles.all()]
    unit_ids = [u.pk for u in audience.units.all()]
    tag_ids = [t.pk for t in audience.unit_tags.all()]
    site_ids = [s.pk for s in audience.sites.all()]
    dept_ids = [d.pk for d in audience.departments.all()]
    if role_ids:
        q &= Q(job_role_id__in=role_ids)
    if unit_ids:
        q &= Q(unit_id__in=unit_ids)
    if audience.unit_kinds:
        q &= Q(unit__kind__in=list(audience.unit_kinds))
    if tag_ids:
        q &= Q(unit__tags__in=tag_ids)
    if site_ids:
        q &= Q(unit__site_id__in=site_ids)
    if dept_ids:
        q &= Q(unit__department_id__in=dept_ids)
    return q


def audience_members(audience: Audience, *, on: dt.date | None = None) -> QuerySet[Person]:
    """Persons in the audience on date `on` (today by default): a queryset, one query when evaluated."""
    on = on or timezone.localdate()
    # An uncorrelated IN (subquery) is planned once on both SQLite and PostgreSQL; a
    # correlated EXISTS led SQLite without statistics into a scan per person.
    matching_jobs = active_jobs(on).filter(_job_filter(audience)).values("person_id")
    include_ids = list(audience.include_persons.values_list("pk", flat=True))
    exclude_ids = list(audience.exclude_persons.values_list("pk", flat=True))
    if include_ids and not _job_filter(audience):
        in_audience = Q(pk__in=include_ids)  # a list of named people, not "everyone plus them"
    else:
        in_audience = Q(pk__in=matching_jobs) | Q(pk__in=include_ids)
    members = Person.objects.exclude(status=PersonStatus.TERMINATED).filter(in_audience)
    if exclude_ids:
        members = members.exclude(pk__in=exclude_ids)
    return members.order_by("pk")


def audiences_of(person: Person, *, on: dt.date | None = None) -> list[Audience]:
    """Every audience that holds `person` on date `on`, checked against the person's own jobs."""
    on = on or timezone.localdate()
    if person.status == PersonStatus.TERMINATED:
        return []
    jobs = list(active_jobs(on).filter(person=person).select_related("unit").prefetch_related("unit__tags"))
    audiences = Audience.objects.prefetch_related(
        "job_roles", "units", "unit_tags", "sites", "departments", "include_persons", "exclude_persons"
    ).order_by("pk")
    return [a for a in audiences if _holds(a, person, jobs)]


def _holds(audience: Audience, person: Person, jobs: list[Job]) -> bool:
    if any(p.pk == person.pk for p in audience.exclude_persons.all()):
        return False
    if any(p.pk == person.pk for p in audience.include_persons.all()):
        return True
    if not _has_dimensions(audience) and audience.include_persons.all():
        return False  # only the named people
    roles = {r.pk for r in audience.job_roles.all()}
    units = {u.pk for u in audience.units.all()}
    tags = {t.pk for t in audience.unit_tags.all()}
    sites = {s.pk for s in audience.sites.all()}
    depts = {d.pk for d in audience.departments.all()}
    kinds = set(audience.unit_kinds or [])
    for job in jobs:
        unit = job.unit
        if roles and job.job_role_id not in roles:
            continue
        if units and job.unit_id not in units:
            continue
        if kinds and unit.kind not in kinds:
            continue
        if tags and not tags & {t.pk for t in unit.tags.all()}:
            continue
        if sites and unit.site_id not in sites:
            continue
        if depts and unit.department_id not in depts:
            continue
        return True
    return False


def _has_dimensions(audience: Audience) -> bool:
    return bool(
        audience.job_roles.all() or audience.units.all() or audience.unit_kinds or audience.unit_tags.all()
        or audience.sites.all() or audience.departments.all()
    )  # fmt: skip


def audience_size(
    *, units: Iterable[Unit] = (), job_roles: Iterable[JobRole] = (), on: dt.date | None = None
) -> int:
    """How many persons an audience of these units and job roles holds on `on` (empty: every one), in one query.

    The same people `audience_members` gives for such an audience, counted before it exists.
    """
    on = on or timezone.localdate()
    jobs = active_jobs(on)
    unit_ids, role_ids = [u.pk for u in units], [r.pk for r in job_roles]
    if unit_ids:
        jobs = jobs.filter(unit_id__in=unit_ids)
    if role_ids:
        jobs = jobs.filter(job_role_id__in=role_ids)
    return (
        Person.objects.exclude(status=PersonStatus.TERMINATED).filter(pk__in=jobs.values("person_id")).count()
    )


def audience_ids_holding(person: Person, *, on: dt.date | None = None) -> list[int]:
    """The ids of the audiences that hold `person` on `on`, asked of the database (set-based).

    The same answer as `audiences_of`, without reading every audience in Python: each
    dimension is empty or matched by one current job of the person, included persons are
    added, excluded ones removed. Unit kinds (a JSON list) are checked on the rows that come
    back, with one more small query only when some of them name kinds.
    """
    on = on or timezone.localdate()
    if person.status == PersonStatus.TERMINATED:
        return []
    names = ("job_roles", "units", "unit_tags", "sites", "departments", "include_persons", "exclude_persons")
    through = {name: getattr(Audience, name).through for name in names}
    outer = OuterRef(OuterRef("pk"))

    def empty_or(name: str, **match) -> Q:
        rows = through[name].objects.filter(audience_id=outer)
        return ~Exists(rows) | Exists(rows.filter(**match))

    jobs = active_jobs(on).filter(
        empty_or("job_roles", jobrole_id=OuterRef("job_role_id")),
        empty_or("units", unit_id=OuterRef("unit_id")),
        empty_or("sites", site_id=OuterRef("unit__site_id")),
        empty_or("departments", department_id=OuterRef("unit__department_id")),
        empty_or("unit_tags", unittag__units=OuterRef("unit_id")),
        person_id=person.pk,
    )
    mine = {"audience_id": OuterRef("pk"), "person_id": person.pk}
    has_dimension = Q(pk__in=[])
    for name in names[:5]:
        has_dimension |= Exists(through[name].objects.filter(audience_id=OuterRef("pk")))
    named_only = ~has_dimension & Exists(
        through["include_persons"].objects.filter(audience_id=OuterRef("pk"))
    )
    rows = list(
        Audience.objects.filter(
            Exists(through["include_persons"].objects.filter(**mine)) | (Exists(jobs) & ~named_only)
        )
        .exclude(Exists(through["exclude_persons"].objects.filter(**mine)))
        .order_by("pk")
        .values_list("pk", "unit_kinds")
    )
    if any(kinds for _, kinds in rows):
        mine_kinds = set(active_jobs(on).filter(person=person).values_list("unit__kind", flat=True))
        included = set(
            Audience.include_persons.through.objects.filter(person_id=person.pk).values_list(
                "audience_id", flat=True
            )
        )
        rows = [(pk, kinds) for pk, kinds in rows if not kinds or pk in included or mine_kinds & set(kinds)]
    return [pk for pk, _ in rows]
