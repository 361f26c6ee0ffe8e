"""Compliance and transcript pages and their exports: who sees what, counts, safe cells."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bedside.people.models import Capability
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_compliance_page_counts_queries_not_rows(
    unit_with_rules, make_person, client, django_assert_max_num_queries
):
    manager = make_person(role=None, grants=[(Capability.MANAGE, unit_with_rules["unit"])])
    client.force_login(manager)
    # 14: the by-item table adds one grouped count and one item lookup, whatever the rows.
    with django_assert_max_num_queries(14):
        page = client.get(reverse("compliance"))
    assert "done of 15 required" in page.content.decode()
    with django_assert_max_num_queries(14):
        page = client.get(reverse("compliance-unit", args=[unit_with_rules["unit"].pk]))
    assert page.status_code == 200 and "0 of 3" in page.content.decode()


def test_compliance_separates_due_from_overdue(unit_with_rules):
    from bedside.reports.queries import compliance_by_unit_role, total

    with time_machine.travel(timezone.now() + dt.timedelta(days=45)):
        summary = total(compliance_by_unit_role(units=None))
    assert (summary.total, summary.overdue, summary.due) == (15, 15, 0)
    summary = total(compliance_by_unit_role(units=None))
    assert (summary.overdue, summary.due) == (0, 15)


def test_compliance_exports_csv_and_xlsx(unit_with_rules, make_person, client):
    import io

    from openpyxl import load_workbook

    reporter = make_person(role=None, grants=[(Capability.REPORT, unit_with_rules["unit"].site)])
    client.force_login(reporter)
    csv_text = client.get(reverse("compliance-export", args=["csv"])).content.decode()
    assert csv_text.splitlines()[0].startswith("site,unit,job_role,required")
    assert ",15,0,15,0," in csv_text
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("compliance-unit-export", args=[unit_with_rules["unit"].pk, "xlsx"])).content
        )
    )
    rows = list(book.active.values)
    assert rows[0][0] == "employee_id" and len(rows) == 16


def test_transcript_csv_lists_the_persons_records(unit_with_rules, client):
    nurse, item = unit_with_rules["nurses"][0], unit_with_rules["items"][0]
    client.force_login(nurse)
    client.post(reverse("attestation", args=[item.pk]))
    lines = client.get(reverse("my-transcript-csv")).content.decode().splitlines()
    assert len(lines) == 2 and item.title in lines[1] and "acknowledged" in lines[1]


def test_manager_sees_own_units_transcripts_only(unit_with_rules, make_person, client):
    manager = make_person(role=None, grants=[(Capability.MANAGE, unit_with_rules["unit"])])
    stranger = make_person(unit=f.UnitFactory())
    client.force_login(manager)
    assert client.get(reverse("person-transcript", args=[unit_with_rules["nurses"][1].pk])).status_code == 200
    # Outside the manager's units answers like a person who does not exist: 404.
    assert client.get(reverse("person-transcript", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("person-transcript", args=[999_999])).status_code == 404


def test_exports_neutralise_formulas_and_control_characters(unit_with_rules, make_person, client):
    import io

    from openpyxl import load_workbook

    nurse = unit_with_rules["nurses"][0]
    type(nurse).objects.filter(pk=nurse.pk).update(last_name='=HYPERLINK("x")\x07')
    manager = make_person(role=None, grants=[(Capability.MANAGE, unit_with_rules["unit"])])
    client.force_login(manager)
    url = reverse("compliance-unit-export", args=[unit_with_rules["unit"].pk, "xlsx"])
    book = load_workbook(io.BytesIO(client.get(url).content))
    names = [row[1] for row in book.active.values]
    assert '=HYPERLINK("x")' in names  # a text cell: shown as written, never run
    csv_text = client.get(reverse("compliance-unit-export", args=[unit_with_rules["unit"].pk, "csv"])).content
    assert b"'=HYPERLINK" in csv_text


def test_odd_site_parameter_is_a_404_not_a_500(unit_with_rules, make_person, client):
    client.force_login(make_person(role=None, grants=[(Capability.MANAGE, unit_with_rules["unit"])]))
    assert client.get(reverse("compliance") + "?site=%C2%B2").status_code == 404
