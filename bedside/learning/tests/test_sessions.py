"""Sessions: seats and waiting list, cut-offs, clashes with an audited manager override, cancel and delete."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bedside.audit.models import AuditEntry
from bedside.learning import sessions
from bedside.learning.models import Registration, RegistrationStatus
from bedside.people.models import Capability
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def test_seats_fill_then_the_waiting_list_and_a_freed_seat_promotes_the_first(
    make_person, make_course, make_session, unit, django_capture_on_commit_callbacks
):
    session = make_session(make_course(with_session=True), seats=2)
    people = [make_person(unit=unit) for _ in range(4)]
    places = [sessions.register(person=p, session=session) for p in people]
    assert [p.status for p in places] == [S.REGISTERED, S.REGISTERED, S.WAITLISTED, S.WAITLISTED]
    assert sessions.register(person=people[0], session=session).pk == places[0].pk  # twice: same place
    with django_capture_on_commit_callbacks(execute=True):
        promoted = sessions.registration_cancel(actor=people[0], registration=places[0])
    assert promoted.person == people[2]
    assert Registration.objects.get(pk=places[2].pk).status == S.REGISTERED
    assert mail.outbox[-1].subject.startswith("You have a seat") and mail.outbox[-1].to == [people[2].email]


def test_cancelling_after_the_cutoff_is_refused_for_the_learner(make_person, make_course, make_session, unit):
    session = make_session(make_course(), starts_in=dt.timedelta(hours=5), cancel_cutoff_hours=24)
    nurse = make_person(unit=unit)
    place = sessions.register(person=nurse, session=session)
    with pytest.raises(ValidationError, match="24 hours before"):
        sessions.registration_cancel(actor=nurse, registration=place)


def test_a_clash_with_a_shift_warns_and_a_manager_may_override_with_a_reason(
    make_person, make_course, make_session, unit
):
    session = make_session(make_course())
    nurse = make_person(unit=unit)
    f.ShiftFactory(
        person=nurse, unit=unit, start=session.starts_at - dt.timedelta(hours=1), end=session.ends_at
    )
    with pytest.raises(sessions.ClashError, match="overlaps your shift"):
        sessions.register(person=nurse, session=session)
    assert not Registration.objects.exists()
    manager = make_person(role=None, grants=[(Capability.MANAGE, unit)])
    outsider = make_person(role=None, grants=[(Capability.MANAGE, f.UnitFactory())])
    with pytest.raises(PermissionDenied):
        sessions.register(person=nurse, session=session, actor=outsider, override_reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        sessions.register(person=nurse, session=session, actor=manager)
    place = sessions.register(
        person=nurse, session=session, actor=manager, override_reason="Covered by float"
    )
    assert place.override_by == manager
    assert AuditEntry.objects.filter(action="registration.override", target_id=str(place.pk)).exists()


def test_a_clash_with_another_session(make_person, make_course, make_session, unit):
    first = make_session(make_course(title="A"))
    second = make_session(
        make_course(title="B"), starts_in=first.starts_at - timezone.now() + dt.timedelta(minutes=30)
    )
    nurse = make_person(unit=unit)
    sessions.register(person=nurse, session=first)
    with pytest.raises(sessions.ClashError, match="session “A”"):
        sessions.register(person=nurse, session=second)


def test_deleting_a_session_with_registrants_is_refused_and_cancelling_tells_and_frees_them(
    make_person, make_course, make_session, educator, unit, django_capture_on_commit_callbacks
):
    session = make_session(make_course())
    empty = make_session(make_course(title="Other"))
    sessions.session_delete(actor=educator, session=empty)
    nurse = make_person(unit=unit)
    sessions.register(person=nurse, session=session)
    with pytest.raises(ValidationError, match="cancel it instead"):
        sessions.session_delete(actor=educator, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        told = sessions.session_cancel(actor=educator, session=session, reason="Room flooded.")
    assert told == 1
    assert Registration.objects.get(person=nurse).status == S.CANCELLED
    assert "Cancelled" in mail.outbox[-1].subject and nurse.email in mail.outbox[-1].to
    with pytest.raises(ValidationError, match="cancelled"):
        sessions.register(person=nurse, session=session)


def test_room_capacity_and_virtual_link_are_checked(make_course, educator, unit):
    from bedside.learning.models import Room

    course = make_course()
    room = Room.objects.create(site=unit.site, name="Small", capacity=6)
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ValidationError, match="holds 6"):
        sessions.session_create(
            actor=educator,
            course=course,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            seats=8,
            room=room,
        )
    with pytest.raises(ValidationError, match="needs its link"):
        sessions.session_create(
            actor=educator,
            course=course,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            seats=8,
            mode="virtual",
        )
    with pytest.raises(ValidationError, match="end after"):
        sessions.session_create(
            actor=educator, course=course, starts_at=start, ends_at=start, seats=8, room=room
        )
