"""One failing part of Today shows a notice and is logged; the rest of the page still works."""

import logging

import pytest
from django.urls import reverse

from bedside.assignments.services import rule_apply
from bedside.core.today import Card, Section, register_section, unregister_section
from bedside.records.models import LearningItem
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db

NOTICE = "This part of Today could not load; the rest is up to date."


@pytest.fixture
def sections():
    def broken(person):
        raise RuntimeError("drills service is down")

    def fine(person):
        return [Card(title="Sepsis grand rounds", url="/events/1/", kind_label="Event")]

    register_section(Section(key="broken", title="Drills", empty="", order=20, cards=broken))
    register_section(Section(key="fine", title="Coming up", empty="", order=30, cards=fine))
    yield
    unregister_section("broken")
    unregister_section("fine")


def test_a_failing_section_shows_a_notice_and_is_logged_while_the_others_render(
    sections, make_person, make_attestation, make_rule, client, caplog
):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    rule_apply(rule=make_rule(item=make_attestation("Falls prevention").item, units=[icu]))
    client.force_login(nurse)
    with caplog.at_level(logging.ERROR, logger="bedside.core.today"):
        page = client.get(reverse("today"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count(NOTICE) == 1 and "Drills" in text
    assert "Falls prevention" in text and "Sepsis grand rounds" in text
    failure = next(r for r in caplog.records if r.name == "bedside.core.today")
    assert "'broken'" in failure.getMessage() and "drills service is down" in str(failure.exc_info[1])


def test_an_item_of_an_unknown_kind_in_requirements_is_shown_without_a_link(
    make_person, make_attestation, make_rule, client, caplog
):
    icu = f.UnitFactory()
    nurse = make_person(unit=icu)
    kept, orphaned = make_attestation("Hand hygiene").item, make_attestation("Retired e-learning").item
    for item in (kept, orphaned):
        rule_apply(rule=make_rule(item=item, units=[icu]))
    LearningItem.objects.filter(pk=orphaned.pk).update(kind="retired_app")  # its app was uninstalled
    client.force_login(nurse)
    with caplog.at_level(logging.ERROR, logger="bedside.assignments.today"):
        page = client.get(reverse("today"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Retired e-learning" in text and "it cannot be opened in Bedside yet" in text
    assert f'href="{reverse("attestation", args=[orphaned.pk])}"' not in text and NOTICE not in text
    assert f'href="{reverse("attestation", args=[kept.pk])}"' in text
    assert any("'retired_app'" in r.getMessage() for r in caplog.records)
