import pytest
from django.urls import reverse

from bedside.audit.models import AuditEntry
from bedside.people.models import Capability, Grant

pytestmark = pytest.mark.django_db


def test_staff_without_an_administer_grant_cannot_grant_themselves_access(make_person, client):
    staff = make_person(role=None, is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:people_grant_changelist")).status_code == 200
    response = client.post(
        reverse("admin:people_grant_add"),
        {
            "person": staff.pk,
            "capability": "administer",
            "scope_kind": "system",
            "granted_at_0": "2026-11-25",
            "granted_at_1": "10:00",
        },
    )
    assert response.status_code == 403
    assert not Grant.objects.filter(person=staff).exists()


def test_administrators_change_configuration_with_an_audit_line(make_person, client):
    admin_person = make_person(role=None, is_staff=True, grants=[(Capability.ADMINISTER, None)])
    learner = make_person()
    client.force_login(admin_person)
    response = client.post(
        reverse("admin:people_grant_add"),
        {
            "person": learner.pk,
            "capability": "report",
            "scope_kind": "system",
            "granted_at_0": "2026-11-25",
            "granted_at_1": "10:00",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.grant.add")
    assert entry.actor == admin_person and entry.changes["capability"] == "report"


def test_the_admin_refuses_a_grant_whose_scope_is_missing_or_of_another_kind(make_person, client):
    from bedside.testing import factories as f

    admin_person = make_person(role=None, is_staff=True, grants=[(Capability.ADMINISTER, None)])
    learner = make_person()
    client.force_login(admin_person)
    base = {
        "person": learner.pk,
        "capability": "manage",
        "granted_at_0": "2026-11-25",
        "granted_at_1": "10:00",
    }
    for extra in ({"scope_kind": "unit"}, {"scope_kind": "unit", "site": f.SiteFactory().pk}):
        response = client.post(reverse("admin:people_grant_add"), {**base, **extra})
        assert (
            response.status_code == 200 and "Choose the unit this grant covers" in response.content.decode()
        )
    dated = {
        "scope_kind": "unit",
        "unit": f.UnitFactory().pk,
        "starts_on": "2026-12-01",
        "ends_on": "2026-11-01",
    }
    response = client.post(reverse("admin:people_grant_add"), {**base, **dated})
    assert response.status_code == 200 and "cannot end before it starts" in response.content.decode()
    assert not Grant.objects.filter(person=learner).exists()
