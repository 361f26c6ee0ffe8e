"""Compliance pages: by unit in the chart's order, by training item, sortable, bounded queries."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bedside.assignments.models import Assignment
from bedside.assignments.services import rule_apply
from bedside.attestations.services import attestation_acknowledge
from bedside.core.templatetags.bedside import thousands
from bedside.people.models import Capability
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_world(make_person, make_attestation, make_rule):
    """Two units of one site: the ICU all done on hygiene, the ward behind on both items; a unit elsewhere."""
    site = f.SiteFactory(name="Harbor General")
    icu = f.UnitFactory(name="Medical ICU", department__site=site)
    ward = f.UnitFactory(name="Medicine 7 North", department__site=site)
    elsewhere = f.UnitFactory(name="Burn Unit")
    hygiene, falls = make_attestation("Hand hygiene").item, make_attestation("Fall prevention").item
    icu_staff = [make_person(unit=icu) for _ in range(2)]
    ward_staff = [make_person(unit=ward) for _ in range(3)]
    make_person(unit=elsewhere)
    for item in (hygiene, falls):
        rule_apply(rule=make_rule(item=item, units=[icu, ward, elsewhere]))
    for person in icu_staff:
        attestation_acknowledge(person=person, item=hygiene)
    attestation_acknowledge(person=ward_staff[0], item=hygiene)
    past = timezone.now() - dt.timedelta(days=3)
    Assignment.objects.filter(person=ward_staff[1], item=falls).update(due_at=past, overdue_at=past)
    return {"site": site, "icu": icu, "ward": ward, "elsewhere": elsewhere, "hygiene": hygiene, "falls": falls,
            "ward_staff": ward_staff}  # fmt: skip


def _manager_of(make_person, *scopes):
    return make_person(role=None, grants=[(Capability.MANAGE, s) for s in scopes])


def test_items_behind_come_first_and_count_only_the_scope(site_world, make_person, client):
    client.force_login(_manager_of(make_person, site_world["icu"], site_world["ward"]))
    table = client.get(reverse("compliance")).context["items_table"]
    assert [(r.item.title, r.total, r.satisfied, r.overdue) for r in table.rows] == [
        ("Fall prevention", 5, 0, 1),
        ("Hand hygiene", 5, 3, 0),
    ]


def test_site_compliance_by_item_counts_that_site_only(site_world, make_person, client):
    client.force_login(make_person(role=None, grants=[(Capability.REPORT, None)]))
    page = client.get(reverse("compliance"), {"site": site_world["site"].pk})
    assert {r.item.title: r.total for r in page.context["items_table"].rows} == {
        "Fall prevention": 5,
        "Hand hygiene": 5,
    }
    assert "Which items are behind at Harbor General" in page.content.decode()


def test_unit_page_lists_its_items_behind_first(site_world, make_person, client):
    client.force_login(_manager_of(make_person, site_world["ward"]))
    page = client.get(reverse("compliance-unit", args=[site_world["ward"].pk]))
    assert [(r.item.title, r.satisfied) for r in page.context["items_table"].rows] == [
        ("Fall prevention", 0),
        ("Hand hygiene", 1),
    ]


def test_unit_table_is_in_the_charts_order_and_bars_link_to_their_units(site_world, make_person, client):
    client.force_login(_manager_of(make_person, site_world["icu"], site_world["ward"]))
    page = client.get(reverse("compliance"))
    chart = json.loads(re.search(r'id="compliance-data"[^>]*>(.*?)</script>', page.content.decode()).group(1))
    rows = page.context["units_table"].rows
    assert [r.unit.name for r in rows] == ["Medicine 7 North", "Medical ICU"]
    assert chart["labels"] == [f"{r.unit.name} ({r.unit.site.code})" for r in rows]
    assert chart["urls"] == [reverse("compliance-unit", args=[r.unit.pk]) for r in rows]


def test_headers_sort_both_ways_and_say_so(site_world, make_person, client):
    client.force_login(_manager_of(make_person, site_world["icu"], site_world["ward"]))
    page = client.get(reverse("compliance"), {"sort": "-done"})
    assert [r.unit.name for r in page.context["units_table"].rows] == ["Medical ICU", "Medicine 7 North"]
    text = page.content.decode()
    assert 'aria-sort="descending"' in text
    assert "?sort=done" in text  # pressing again sorts the other way
    by_item = client.get(reverse("compliance"), {"item_sort": "item"}).context["items_table"].rows
    assert [r.item.title for r in by_item] == ["Fall prevention", "Hand hygiene"]


def test_an_unknown_sort_falls_back_to_the_default_order(site_world, make_person, client):
    client.force_login(_manager_of(make_person, site_world["icu"], site_world["ward"]))
    for odd in ("%C2%B2", "-", "pk", "-__class__"):
        response = client.get(reverse("compliance") + f"?sort={odd}&item_sort={odd}")
        assert response.status_code == 200
        assert [r.unit.name for r in response.context["units_table"].rows] == [
            "Medicine 7 North",
            "Medical ICU",
        ]


def test_unit_staff_sort_by_name_keeps_links(site_world, make_person, client):
    client.force_login(_manager_of(make_person, site_world["ward"]))
    page = client.get(reverse("compliance-unit", args=[site_world["ward"].pk]), {"sort": "person"})
    names = [(s.person.last_name, s.person.first_name) for s in page.context["people_table"].rows]
    assert names == sorted(names)
    assert reverse("person-transcript", args=[site_world["ward_staff"][0].pk]) in page.content.decode()


def test_the_chart_shows_the_lowest_units_and_all_on_request(
    make_person, make_attestation, make_rule, client
):
    units = [f.UnitFactory() for _ in range(17)]
    for unit in units:
        make_person(unit=unit)
    rule_apply(rule=make_rule(item=make_attestation().item, units=units))
    client.force_login(_manager_of(make_person, *units))
    page = client.get(reverse("compliance"))
    assert page.context["charted"] == 15 and "Show all 17 units in the chart" in page.content.decode()
    every = client.get(reverse("compliance"), {"chart": "all"})
    assert every.context["charted"] == 17
    # The tall chart scrolls in its own box: reachable by keyboard, and named for a screen reader.
    assert re.search(r'class="chart-scroll chart-scroll-all" tabindex="0" role="region" aria-label="[^"]+"',
                     every.content.decode())  # fmt: skip


def test_large_numbers_get_thousands_separators():
    assert thousands(12400) == "12,400" and thousands(999) == "999" and thousands(1234567) == "1,234,567"
    assert thousands("n/a") == "n/a" and thousands(True) is True


def _grow(make_person, make_attestation, make_rule, units, people: int, items: int):
    for unit in units:
        for _ in range(people):
            make_person(unit=unit)
    for n in range(items):
        rule_apply(rule=make_rule(item=make_attestation(f"Item {n}").item, units=units))


def test_compliance_pages_do_not_grow_a_query_per_row(
    make_person, make_attestation, make_rule, client, django_assert_max_num_queries
):
    units = [f.UnitFactory() for _ in range(4)]
    _grow(make_person, make_attestation, make_rule, units, people=2, items=2)
    client.force_login(_manager_of(make_person, *units))
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("compliance"))
    with django_assert_max_num_queries(14):
        client.get(reverse("compliance-unit", args=[units[0].pk]))
    more = [f.UnitFactory() for _ in range(6)]
    _grow(make_person, make_attestation, make_rule, units + more, people=4, items=3)
    client.force_login(_manager_of(make_person, *(units + more)))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("compliance"))
    with django_assert_max_num_queries(14):
        client.get(reverse("compliance-unit", args=[units[0].pk]))


def test_tables_write_large_counts_with_separators(rf):
    from django.template.loader import render_to_string

    from bedside.core.sorting import SortedTable
    from bedside.records.models import LearningItem
    from bedside.reports.queries import ItemRow

    row = ItemRow(LearningItem(title="Hand hygiene"), total=12400, satisfied=9000, overdue=1500)
    html = render_to_string(
        "reports/_percent_table.html",
        {"table": SortedTable([row], []), "kind": "item", "caption": "Items"},
        request=rf.get("/"),
    )
    assert "12,400" in html and "1,900" in html and "1,500" in html
