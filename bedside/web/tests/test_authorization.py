"""The authorization walk: every URL, every kind of actor, objects inside and outside scope.

The expectations live in bedside/testing/authz_table.py; a URL without an entry fails here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from bedside.assignments.services import rule_apply
from bedside.people.models import Capability
from bedside.rosters.models import RosterImport
from bedside.testing import factories as f
from bedside.testing import walk_campaigns
from bedside.testing.authz_table import ACTORS, ANON, OBJECT_BUILDERS, URLS, Access

pytestmark = pytest.mark.django_db

SYSTEM_WIDE = {"admin", "staff_admin"}
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str  # Django route with <conv:name> parameters


def _walk(patterns, prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            routes += _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            routes.append(
                Route(name=f"{namespace}{p.name}" if p.name else "", pattern=prefix + str(p.pattern))
            )
    return routes


def all_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def rule_for(route: Route) -> Access | None:
    if route.name in URLS:
        return URLS[route.name]
    if route.name.startswith("admin:") or route.pattern.startswith("admin/"):
        return URLS["admin:"]
    return None


def test_every_url_has_an_access_rule():
    missing = sorted({r.name or r.pattern for r in all_routes() if rule_for(r) is None})
    assert not missing, f"URLs without an entry in bedside/testing/authz_table.py: {missing}"


@pytest.fixture
def world(make_person, make_attestation, make_rule):
    site_in, site_out = f.SiteFactory(), f.SiteFactory()
    unit_in = f.UnitFactory(department=f.DepartmentFactory(site=site_in))
    unit_out = f.UnitFactory(department=f.DepartmentFactory(site=site_out))
    program = f.ProgramFactory()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    actors = {
        "learner": make_person(unit=unit_in),
        "teacher": make_person(unit=unit_in, grants=[(Capability.TEACH, unit_in)]),
        "manager": make_person(role=None, grants=[(Capability.MANAGE, unit_in)]),
        "reporter": make_person(role=None, grants=[(Capability.REPORT, site_in)]),
        "coordinator": make_person(role=None, grants=[(Capability.COORDINATE, program)]),
        "former_manager": make_person(unit=unit_in, grants=[(Capability.MANAGE, unit_in, None, yesterday)]),
        "admin": make_person(role=None, grants=[(Capability.ADMINISTER, None)]),
        "staff_admin": make_person(role=None, is_staff=True, is_superuser=True),
        "cme": make_person(role=None, grants=[(Capability.CME, site_in)]),
    }
    person_in, person_out = make_person(unit=unit_in), make_person(unit=unit_out)
    f.ProgramEnrolmentFactory(program=program, person=person_in)
    item = make_attestation().item
    rule = make_rule(item=item, units=[unit_in])
    rule_out = make_rule(item=item, units=[unit_out])
    rule_apply(rule=rule)
    rule_apply(rule=rule_out)
    from bedside.assignments.models import Assignment
    from bedside.records.models import Verb
    from bedside.records.services import record_add

    record_in = record_add(person=person_in, item=item, verb=Verb.ACKNOWLEDGED, by=person_in)
    record_out = record_add(person=person_out, item=item, verb=Verb.ACKNOWLEDGED, by=person_out)
    shift_in = f.ShiftFactory(person=person_in, unit=unit_in)
    shift_out = f.ShiftFactory(person=person_out, unit=unit_out)
    from bedside.jobs.models import ScheduledRun
    from bedside.records.models import ItemVersion

    ItemVersion.objects.create(item=item, label="1")
    ScheduledRun.objects.create(job="walk", period="now")
    imports = [
        RosterImport.objects.create(kind="persons", file_name=f"roster-{n}.csv", file="imports/x.csv")
        for n in range(2)
    ]
    objects = {
        "person": (person_in.pk, person_out.pk),
        "unit": (unit_in.pk, unit_out.pk),
        "attestation": (item.pk, item.pk),
        "roster_import": (imports[0].pk, imports[1].pk),
        "assignment": (
            Assignment.objects.get(person=person_in).pk,
            Assignment.objects.get(person=person_out).pk,
        ),
        "record": (str(record_in.pk), str(record_out.pk)),
        "shift": (shift_in.pk, shift_out.pk),
        "rule": (rule.pk, rule_out.pk),
    }
    objects.update(
        walk_campaigns.world_objects(unit_in=unit_in, unit_out=unit_out, person_in=person_in, item=item)
    )
    for build in OBJECT_BUILDERS:
        objects.update(
            build(
                actors=actors, unit_in=unit_in, unit_out=unit_out, person_in=person_in, person_out=person_out
            )
        )
    return {"actors": actors, "objects": objects}


FILLERS = {"fmt": "csv", "uidb64": "MQ", "token": "abc-def", "app_label": "people", "url": "x"}


def _url(route: Route, object_id) -> str | None:
    def fill(match: re.Match) -> str:
        name, conv = match.group("name"), match.group("conv") or "str"
        if name in FILLERS:
            return FILLERS[name]
        if object_id is not None:
            return str(object_id)
        return "1" if conv in ("int", "path", "str", "uuid") else "x"

    path = _PARAM.sub(fill, route.pattern)
    if "^" in path or "(?P" in path or "$" in path:
        return None  # regex routes (admin's catch-all): covered by the named admin pages
    return "/" + path


def _admin_object_id(route: Route):
    """A real row of the admin page's model, so 'read-only' is tested on an object that exists."""
    from django.apps import apps

    app_label, model_name = route.pattern.split("/")[1:3]
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None
    row = model.objects.order_by("pk").first()
    return row.pk if row else None


def _client(world, actor: str) -> Client:
    client = Client()
    if actor != ANON:
        client.force_login(world["actors"][actor])
    return client


def _to_login(response) -> bool:
    return response.status_code in (301, 302) and "/login/" in response.headers.get("Location", "")


def _denied(route: Route, response) -> bool:
    if response.status_code in (401, 403, 404, 405) or _to_login(response):
        return True
    # The admin sends those it will not serve to its index, which sends them to its login.
    return route.pattern.startswith("admin/") and response.headers.get("Location") == "/admin/"


def _allowed(route: Route, access: Access, method: str, response) -> bool:
    if response.status_code < 400:
        return access.signs_out or not _to_login(response)
    if route.pattern.startswith("admin/") and response.status_code == 404:
        return True  # the walk's placeholder object id does not exist
    return method == "post" and response.status_code in (400, 422)


def _cases():
    for route in all_routes():
        access = rule_for(route)
        if access is None:
            continue
        yield route, access


def test_the_walk(world):
    failures = []
    checked = 0
    for route, access in _cases():
        has_object = bool(access.obj)
        placements = ("inside", "outside") if has_object else ("none",)
        for actor in ACTORS:
            for method in ("get", "post"):
                allowed_set = access.get if method == "get" else access.post
                for placement in placements:
                    object_id = None
                    if has_object:
                        inside, outside = world["objects"][access.obj]
                        object_id = inside if placement == "inside" else outside
                    if route.pattern.startswith("admin/") and "object_id" in route.pattern:
                        object_id = _admin_object_id(route)
                    url = _url(route, object_id)
                    if url is None:
                        continue
                    expect = actor in allowed_set and (
                        placement != "outside" or access.unscoped or actor in SYSTEM_WIDE
                    )
                    client = _client(world, actor)
                    response = getattr(client, method)(url)
                    checked += 1
                    ok = _allowed(route, access, method, response) if expect else _denied(route, response)
                    if not ok:
                        failures.append(
                            f"{method.upper()} {url} ({route.name}) as {actor} [{placement}]: "
                            f"expected {'allowed' if expect else 'denied'}, got {response.status_code} "
                            f"{response.headers.get('Location', '')}"
                        )
    assert checked > 100
    assert not failures, "\n".join(failures)
