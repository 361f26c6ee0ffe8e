"""Changing a session (seats, time, room), a manager's clash override page, and the mail outbox."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bedside.audit.models import AuditEntry
from bedside.learning import notices, session_edits, sessions
from bedside.learning.models import Registration, RegistrationStatus, Room, SessionNotice
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.mail import REFUSING

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def _book(session, people):
    return [sessions.register(person=p, session=session) for p in people]


def test_fewer_seats_move_the_latest_bookers_to_the_head_of_the_waiting_list_and_tell_them(
    make_person, make_course, make_session, educator, unit, django_capture_on_commit_callbacks
):
    session = make_session(make_course(), seats=4)
    people = [make_person(unit=unit) for _ in range(5)]
    places = _book(session, people)
    assert [p.status for p in places] == [S.REGISTERED] * 4 + [S.WAITLISTED]
    assert session_edits.seats_overflow(session, 2) == 2
    with django_capture_on_commit_callbacks(execute=True):
        change = session_edits.session_update(actor=educator, session=session, seats=2)
    assert {r.person for r in change.moved_to_waitlist} == {people[2], people[3]}
    statuses = dict(Registration.objects.filter(session=session).values_list("person_id", "status"))
    assert [statuses[p.pk] for p in people] == [S.REGISTERED, S.REGISTERED] + [S.WAITLISTED] * 3
    # Those moved back keep their earlier queue time: a freed seat goes to them before the fifth.
    with django_capture_on_commit_callbacks(execute=True):
        promoted = sessions.registration_cancel(actor=people[0], registration=places[0])
    assert promoted.person == people[2]
    subjects = {(m.to[0], m.subject.split(":")[0]) for m in mail.outbox}
    assert (people[3].email, "Back on the waiting list") in subjects
    assert (people[2].email, "You have a seat") in subjects
    entry = AuditEntry.objects.get(action="session.update", target_id=str(session.pk))
    assert entry.changes["seats"] == [4, 2]
    assert entry.changes["moved_to_waitlist"] == [people[3].pk, people[2].pk]


def test_more_seats_promote_the_waiting_list_in_order(make_person, make_course, make_session, educator, unit):
    session = make_session(make_course(), seats=1)
    people = [make_person(unit=unit) for _ in range(3)]
    _book(session, people)
    change = session_edits.session_update(actor=educator, session=session, seats=2)
    assert [r.person for r in change.promoted] == [people[1]]
    assert Registration.objects.get(person=people[2]).status == S.WAITLISTED


def test_a_new_time_tells_everyone_booked_and_names_a_new_clash(
    make_person, make_course, make_session, educator, unit, django_capture_on_commit_callbacks
):
    session = make_session(make_course(), seats=1)
    nurse, waiting = make_person(unit=unit), make_person(unit=unit)
    _book(session, [nurse, waiting])
    later = session.starts_at + dt.timedelta(days=1)
    f.ShiftFactory(
        person=nurse, unit=unit, start=later - dt.timedelta(hours=1), end=later + dt.timedelta(hours=4)
    )
    with django_capture_on_commit_callbacks(execute=True):
        change = session_edits.session_update(
            actor=educator, session=session, starts_at=later, ends_at=later + dt.timedelta(hours=2)
        )
    assert change.told == 2 and [r.person for r in change.clashing] == [nurse]
    by_person = {m.to[0]: m for m in mail.outbox if m.subject.startswith("Changed")}
    assert set(by_person) == {nurse.email, waiting.email}
    assert "overlaps your shift" in by_person[nurse.email].body
    assert "overlaps" not in by_person[waiting.email].body
    assert f"/learn/sessions/{session.pk}/" in by_person[waiting.email].body
    assert Registration.objects.get(person=nurse).status == S.REGISTERED  # the place is kept


def test_bad_changes_are_refused_and_write_nothing(make_person, make_course, make_session, educator, unit):
    session = make_session(make_course(), seats=4)
    small = Room.objects.create(site=unit.site, name="Closet", capacity=2)
    outsider = make_person(role=None, grants=[(Capability.TEACH, f.UnitFactory())])
    with pytest.raises(PermissionDenied):
        session_edits.session_update(actor=outsider, session=session, seats=3)
    with pytest.raises(ValidationError, match="holds 2"):
        session_edits.session_update(actor=educator, session=session, room=small)
    with pytest.raises(ValidationError, match="end after it starts"):
        session_edits.session_update(actor=educator, session=session, ends_at=session.starts_at)
    sessions.session_cancel(actor=educator, session=session)
    with pytest.raises(ValidationError, match="cancelled"):
        session_edits.session_update(actor=educator, session=session, seats=3)
    session.refresh_from_db()
    assert session.seats == 4 and session.room != small
    assert not AuditEntry.objects.filter(action="session.update").exists()


def test_the_edit_page_asks_to_confirm_before_moving_people_to_the_waiting_list(
    client, make_person, make_course, make_session, educator, unit
):
    session = make_session(make_course(), seats=3)
    _book(session, [make_person(unit=unit) for _ in range(3)])
    client.force_login(educator)
    url = reverse("teach-session-edit", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200 and "3 people are booked or waiting" in page.content.decode()
    local = session.starts_at.astimezone(page.context["tz"])
    form = {
        "mode": "classroom",
        "day": local.date().isoformat(),
        "start": local.strftime("%H:%M"),
        "end": session.ends_at.astimezone(page.context["tz"]).strftime("%H:%M"),
        "room": session.room_id,
        "seats": 1,
        "cancel_cutoff_hours": 24,
    }
    answer = client.post(url, form)
    assert answer.status_code == 200
    assert "2 people who booked last will go back" in answer.content.decode()
    assert Registration.objects.filter(session=session, status=S.REGISTERED).count() == 3
    answer = client.post(url, {**form, "confirm_overflow": "2"})
    assert answer.status_code == 302
    assert Registration.objects.filter(session=session, status=S.WAITLISTED).count() == 2
    client.force_login(make_person(unit=unit))  # a learner: no authoring here
    assert client.get(url).status_code in (403, 404)


def test_a_manager_sees_the_clash_and_registers_their_nurse_with_a_reason(
    client, make_person, make_course, make_session, unit
):
    session = make_session(make_course())
    nurse = make_person(unit=unit, first_name="Ana", last_name="Lopez")
    f.ShiftFactory(person=nurse, unit=unit, start=session.starts_at, end=session.ends_at)
    manager = make_person(role=None, grants=[(Capability.MANAGE, unit)])
    url = reverse("session-register-staff", args=[session.pk])

    client.force_login(nurse)  # the learner sees the warning and no way to book
    page = client.get(reverse("session", args=[session.pk])).content.decode()
    assert "This clashes with your schedule" in page and "Book a seat" not in page
    assert client.get(url).status_code == 403

    client.force_login(manager)
    assert "Lopez" in client.get(url, {"q": "lop"}).content.decode()
    assert "Lopez" in client.get(url, {"q": "lop\x00"}).content.decode()  # PostgreSQL: was a 500
    page = client.get(url, {"person": nurse.pk}).content.decode()
    assert "clashes with Ana" in page and "Shift" in page
    answer = client.post(url, {"person": nurse.pk, "reason": ""})
    assert "Say why" in answer.content.decode() and not Registration.objects.exists()
    answer = client.post(url, {"person": nurse.pk, "reason": "Float nurse covers her shift"})
    assert answer.status_code == 302
    place = Registration.objects.get(person=nurse)
    assert place.override_by == manager and place.override_reason == "Float nurse covers her shift"
    assert AuditEntry.objects.filter(action="registration.override", target_id=str(place.pk)).exists()

    other_unit = make_person(unit=f.UnitFactory())
    answer = client.post(url, {"person": other_unit.pk, "reason": "x"})
    assert not Registration.objects.filter(person=other_unit).exists()


def test_a_notice_is_sent_once_and_a_failed_one_is_retried_by_the_sweep(
    make_person, make_course, make_session, educator, unit, settings
):
    session = make_session(make_course())
    nurse = make_person(unit=unit)
    place = sessions.register(person=nurse, session=session)
    batch = notices.notices_claim([notices.Notice(place, "test:1", "Subject", "Body")])
    (notice,) = SessionNotice.objects.filter(batch=batch)

    locmem, settings.EMAIL_BACKEND = settings.EMAIL_BACKEND, REFUSING
    assert notices.deliver(batch=str(batch)) == 0
    assert SessionNotice.objects.get(pk=notice.pk).sent_at is None
    settings.EMAIL_BACKEND = locmem  # the server is back
    assert notices.notices_retry(now=notice.claimed_at) == 0  # too fresh: its own job may still run
    assert notices.notices_retry(now=notice.claimed_at + dt.timedelta(hours=1)) == 1
    assert notices.deliver(batch=str(batch)) == 0  # sent already: never twice
    assert [m.subject for m in mail.outbox] == ["Subject"]
