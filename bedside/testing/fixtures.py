"""Factory fixtures: `make_person(role="RN", unit=icu)` instead of big shared fixtures."""

from __future__ import annotations

import pytest

from bedside.attestations.services import attestation_create
from bedside.people.models import UnitKind
from bedside.testing import factories as f


def grant_scope(scope) -> dict:
    """Grant fields for a scope object (site, department, unit or program), or None for the system."""
    fields = {"site": None, "department": None, "unit": None, "program": None}
    if scope is None:
        return {"scope_kind": "system", **fields}
    kind = scope._meta.model_name
    return {"scope_kind": kind, **fields, kind: scope}


def grant_dates(starts_on=None, ends_on=None) -> dict:
    return {"starts_on": starts_on, "ends_on": ends_on}


@pytest.fixture
def make_unit(db):
    def make(**kwargs):
        return f.UnitFactory(**kwargs)

    return make


@pytest.fixture
def make_person(db):
    """A person with a primary job (role code, unit); `unit=None` and `role=None` for no job.

    `grants` are (capability, scope) or (capability, scope, starts_on, ends_on), the scope a
    site, department, unit or program, or None for the whole system.
    """

    def make(*, role: str | None = "RN", unit=None, grants=(), **kwargs):
        person = f.PersonFactory(**kwargs)
        if role is not None:
            f.JobFactory(person=person, unit=unit or f.UnitFactory(), job_role=f.JobRoleFactory(code=role))
        for capability, scope, *dates in grants:
            f.GrantFactory(person=person, capability=capability, **grant_scope(scope), **grant_dates(*dates))
        return person

    return make


@pytest.fixture
def make_attestation(db):
    def make(title: str = "Hand hygiene policy", **kwargs):
        return attestation_create(
            title=title, statement="I have read the policy and will follow it.", **kwargs
        )

    return make


@pytest.fixture
def make_rule(db):
    def make(*, item, units=(), roles=(), **kwargs):
        audience = f.AudienceFactory(units=list(units), job_roles=[f.JobRoleFactory(code=r) for r in roles])
        return f.AssignmentRuleFactory(audience=audience, item=item, **kwargs)

    return make


@pytest.fixture
def make_kind():
    """Register a learning-item kind for one test: `make_kind("course", verbs={"completed"})`."""
    from bedside.records.kinds import ItemKind, get_kind, is_registered, register_kind, unregister_kind

    made: list[str] = []
    replaced = {}  # a kind an installed app registers (e.g. "course") comes back after the test

    def make(kind: str, *, verbs, completing=None, label: str = "", **kwargs) -> ItemKind:
        registered = ItemKind(
            kind=kind,
            label=label or kind.replace("_", " ").capitalize(),
            open_url=kwargs.pop("open_url", lambda item, person: f"/{kind}/{item.pk}/"),
            verbs=frozenset(verbs),
            completing_verbs=frozenset(completing or verbs),
            **kwargs,
        )
        if is_registered(kind) and kind not in made:
            replaced[kind] = get_kind(kind)
        register_kind(registered)
        made.append(kind)
        return registered

    yield make
    for kind in made:
        unregister_kind(kind)
    for original in replaced.values():
        register_kind(original)


@pytest.fixture
def ward(make_person):
    """An ICU with a nurse, a colleague and a manager; a ward on another site with its own nurse."""
    icu = f.UnitFactory(name="Medical ICU", kind=UnitKind.ICU)
    ward = f.UnitFactory(name="Surgical ward", kind=UnitKind.MED_SURG)
    return {
        "icu": icu,
        "ward": ward,
        "nurse": make_person(unit=icu, first_name="Ana", last_name="Diaz"),
        "colleague": make_person(unit=icu, role="RT", first_name="Ben", last_name="Cole"),
        "outsider": make_person(unit=ward, first_name="Cy", last_name="Park"),
        "manager": make_person(unit=icu, role="NM", grants=[("manage", icu)], last_name="Mann"),
        "admin": make_person(role=None, grants=[("administer", None)], last_name="Admin"),
    }


@pytest.fixture
def unit_with_rules(make_person, make_attestation, make_rule):
    """A Medical ICU of five nurses, each required (by one rule apiece) to attest three policies."""
    from bedside.assignments.services import rule_apply

    icu = f.UnitFactory(name="Medical ICU")
    nurses = [make_person(unit=icu) for _ in range(5)]
    items = [make_attestation(f"Policy {n}").item for n in range(3)]
    for item in items:
        rule_apply(rule=make_rule(item=item, units=[icu]))
    return {"unit": icu, "nurses": nurses, "items": items}
