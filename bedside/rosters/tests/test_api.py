"""The shifts API: scoped to the persons the caller may see, filtered, ordered, paginated."""

import datetime as dt

import pytest

from bedside.testing import factories as f
from bedside.testing.api import api_url, bearer, ids

pytestmark = pytest.mark.django_db


def shift(person, unit, start):
    return f.ShiftFactory(person=person, unit=unit, job_role=f.JobRoleFactory(code="RN"), start=start)


def test_shifts_are_scoped_filtered_and_ordered(client, ward):
    day = dt.datetime(2026, 3, 2, 7, tzinfo=dt.UTC)
    late = shift(ward["nurse"], ward["icu"], day + dt.timedelta(days=2))
    early = shift(ward["nurse"], ward["icu"], day)
    colleague = shift(ward["colleague"], ward["icu"], day + dt.timedelta(days=1))
    shift(ward["outsider"], ward["ward"], day)

    def found(viewer, **params):
        response = client.get(api_url("shifts-list"), params, headers=bearer(viewer))
        assert response.status_code == 200
        return ids(response)

    assert found(ward["nurse"]) == [early.pk, late.pk]
    assert found(ward["manager"]) == [early.pk, colleague.pk, late.pk]
    assert found(ward["manager"], person=ward["outsider"].pk) == []
    assert found(ward["manager"], person=ward["colleague"].pk) == [colleague.pk]
    window = {"from": "2026-03-03T00:00:00Z", "to": "2026-03-04T00:00:00Z"}
    assert found(ward["admin"], **window) == [colleague.pk]
    assert len(found(ward["admin"], unit=ward["ward"].pk)) == 1


def test_shift_window_the_wrong_way_round_is_400(client, ward):
    response = client.get(
        api_url("shifts-list"),
        {"from": "2026-03-04T00:00:00Z", "to": "2026-03-03T00:00:00Z"},
        headers=bearer(ward["nurse"]),
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "'to' must be after 'from'."}


@pytest.mark.parametrize(
    "params", [{"from": "yesterday"}, {"to": "2026-13-45"}, {"status": "maybe"}, {"person": "me"}]
)
def test_bad_shift_filters_are_422(client, ward, params):
    response = client.get(api_url("shifts-list"), params, headers=bearer(ward["nurse"]))
    assert response.status_code == 422


def test_shifts_list_does_not_grow_a_query_per_row(client, ward, django_assert_max_num_queries):
    start = dt.datetime(2026, 3, 2, 7, tzinfo=dt.UTC)
    for n in range(25):
        shift(ward["nurse"] if n % 2 else ward["colleague"], ward["icu"], start + dt.timedelta(days=n))
    headers = bearer(ward["manager"])
    with django_assert_max_num_queries(5):
        response = client.get(api_url("shifts-list"), {"page_size": 200}, headers=headers)
    assert response.json()["count"] == 25
