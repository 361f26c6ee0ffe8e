"""Factory fixtures: `make_person(role="RN", unit=icu)` instead of big shared fixtures."""

from __future__ import annotations

import pytest

from bedside.attestations.services import attestation_create
from bedside.testing import factories as f


@pytest.fixture
def make_unit(db):
    def make(**kwargs):
        return f.UnitFactory(**kwargs)

    return make


@pytest.fixture
def make_person(db):
    """A person with a primary job (role code, unit); `unit=None` and `role=None` for no job."""

    def make(*, role: str | None = "RN", unit=None, grants=(), **kwargs):
        person = f.PersonFactory(**kwargs)
        if role is not None:
            f.JobFactory(person=person, unit=unit or f.UnitFactory(), job_role=f.JobRoleFactory(code=role))
        for capability, scope in grants:
            scope_kind = "system" if scope is None else scope._meta.model_name
            f.GrantFactory(
                person=person,
                capability=capability,
                scope_kind=scope_kind,
                scope_id=None if scope is None else scope.pk,
            )
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
    from bedside.records.kinds import ItemKind, register_kind, unregister_kind

    made: list[str] = []

    def make(kind: str, *, verbs, completing=None, label: str = "", **kwargs) -> ItemKind:
        registered = ItemKind(
            kind=kind,
            label=label or kind.replace("_", " ").capitalize(),
            open_url=kwargs.pop("open_url", lambda item, person: f"/{kind}/{item.pk}/"),
            verbs=frozenset(verbs),
            completing_verbs=frozenset(completing or verbs),
            **kwargs,
        )
        register_kind(registered)
        made.append(kind)
        return registered

    yield make
    for kind in made:
        unregister_kind(kind)
