"""Library fixtures: a curator, and a resource published through the whole workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bedside.library.models import ResourceKind
from bedside.library.services import resource_create, review_decide, review_submit, version_publish
from bedside.people.models import Capability
from bedside.testing import factories as f


@pytest.fixture
def curator(make_person):
    return make_person(role=None, first_name="Lena", last_name="Curie", grants=[(Capability.CURATE, None)])


@pytest.fixture
def reviewer(make_person):
    unit = f.UnitFactory()
    return make_person(first_name="Ravi", last_name="Shah", unit=unit, grants=[(Capability.TEACH, unit)])


def publish(version, *, curator, reviewer, now=None):
    """Submit, approve and publish a draft (the whole workflow)."""
    (review,) = review_submit(version=version, actor=curator, reviewers=[reviewer])
    review_decide(review=review, actor=reviewer, approve=True)
    return version_publish(version=version, actor=curator, now=now)


@pytest.fixture
def make_resource(curator, reviewer):
    def make(title="Prone positioning of a ventilated patient", *, published=True, audience=None, body=None,
             key_points="Five people turn the patient.\nCheck the tube before and after.", tags=("icu",),
             kind=ResourceKind.HOW_TO, requires_acknowledgment=False, **kwargs):  # fmt: skip
        today = timezone.localdate()
        draft = resource_create(
            actor=curator,
            title=title,
            kind=kind,
            owner=curator,
            key_points=key_points,
            body=body if body is not None else f"# {title}\n\nSteps to follow for **{title.lower()}**.",
            effective_on=today,
            next_review_on=today + dt.timedelta(days=365),
            audience=audience,
            tags=tags,
            requires_acknowledgment=requires_acknowledgment,
            **kwargs,
        )
        if published:
            draft = publish(draft, curator=curator, reviewer=reviewer)
        return draft

    return make


@pytest.fixture
def icu_audience():
    icu = f.UnitFactory(name="Medical ICU")
    return icu, f.AudienceFactory(units=[icu])
