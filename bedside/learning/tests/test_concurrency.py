"""Seats under real concurrency on PostgreSQL: 50 register at once for 12 seats; 12 cancel at once."""

import threading

import pytest
from django.db import connection, connections

from bedside.learning import sessions
from bedside.learning.models import Registration, RegistrationStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

S = RegistrationStatus


def run_together(targets) -> list:
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def worker(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_fifty_at_once_for_twelve_seats_then_twelve_cancel_at_once(
    make_person, make_course, make_session, unit
):
    session = make_session(make_course(), seats=12)
    people = [make_person(unit=unit) for _ in range(50)]
    run_together([lambda p=p: sessions.register(person=p, session=session) for p in people])
    counts = {
        s: Registration.objects.filter(session=session, status=s).count()
        for s in (S.REGISTERED, S.WAITLISTED)
    }
    assert counts == {S.REGISTERED: 12, S.WAITLISTED: 38}

    seated = list(Registration.objects.filter(session=session, status=S.REGISTERED).select_related("person"))
    waiting = list(
        Registration.objects.filter(session=session, status=S.WAITLISTED).order_by("queued_at", "pk")
    )
    promoted = run_together(
        [lambda r=r: sessions.registration_cancel(actor=r.person, registration=r) for r in seated]
    )
    assert len({p.pk for p in promoted if p is not None}) == 12
    assert Registration.objects.filter(session=session, status=S.REGISTERED).count() == 12
    assert Registration.objects.filter(session=session, status=S.CANCELLED).count() == 12
    # The first twelve on the waiting list got the seats, in order.
    assert {p.pk for p in promoted} == {r.pk for r in waiting[:12]}
