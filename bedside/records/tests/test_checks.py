"""The system check and the admin refuse learning items of a kind no app registers."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from bedside.people.models import Capability
from bedside.records.checks import items_have_registered_kinds
from bedside.records.models import LearningItem
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_check_fails_on_an_item_whose_kind_is_not_registered():
    f.LearningItemFactory()
    call_command("check", databases=["default"])  # registered kinds only: passes
    f.LearningItemFactory(kind="retired_app")
    with pytest.raises(SystemCheckError, match="records.E001.*'retired_app'"):
        call_command("check", databases=["default"])


def test_check_reads_no_database_unless_asked():
    f.LearningItemFactory(kind="retired_app")
    assert items_have_registered_kinds(databases=None) == []
    assert [e.id for e in items_have_registered_kinds(databases=["default"])] == ["records.E001"]


def test_the_admin_offers_only_registered_kinds(make_person, client):
    admin_person = make_person(role=None, is_staff=True, grants=[(Capability.ADMINISTER, None)])
    client.force_login(admin_person)
    url = reverse("admin:records_learningitem_add")
    form = {"title": "Restraint policy", "minutes": 5, "active": "on", "created_at_0": "2026-11-25",
            "created_at_1": "10:00"}  # fmt: skip
    response = client.post(url, {**form, "kind": "retired_app"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not LearningItem.objects.exists()
    assert client.post(url, {**form, "kind": "attestation"}).status_code == 302
    assert LearningItem.objects.get().kind == "attestation"
