"""Attendance: the rotating code, the instructor's roster, the ledger and the requirement it closes."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.assignments.models import Assignment, ClosedReason
from bedside.assignments.services import rule_apply
from bedside.audit.models import AuditEntry
from bedside.learning import attendance, progress, sessions
from bedside.learning.models import Registration, RegistrationStatus
from bedside.learning.quizzes import attempt_start, attempt_submit
from bedside.learning.tests.conftest import right_answers
from bedside.records.models import Record, Verb

pytestmark = pytest.mark.django_db

S = RegistrationStatus


@pytest.fixture
def booked(make_person, make_course, make_session, unit):
    course = make_course(with_session=True)
    instructor = make_person(role=None)  # no grant at all: the session makes them its instructor
    session = make_session(course, instructors=[instructor])
    nurse = make_person(unit=unit)
    place = sessions.register(person=nurse, session=session)
    return session, nurse, place, instructor


def test_a_current_code_checks_in_once_and_writes_the_ledger(booked):
    session, nurse, place, _ = booked
    at = session.starts_at + dt.timedelta(minutes=5)
    attendance.checkin(person=nurse, session=session, code=attendance.short_code(session, at), now=at)
    assert Registration.objects.get(pk=place.pk).status == S.ATTENDED
    assert Record.objects.filter(person=nurse, verb=Verb.ATTENDED).count() == 1
    with pytest.raises(ValidationError, match="already checked in"):
        attendance.checkin(person=nurse, session=session, code=attendance.qr_token(session, at), now=at)
    assert Record.objects.filter(person=nurse, verb=Verb.ATTENDED).count() == 1


def _nothing_written(nurse, place):
    assert Registration.objects.get(pk=place.pk).status == S.REGISTERED
    assert not Record.objects.filter(person=nurse, verb=Verb.ATTENDED).exists()


def test_an_old_code_is_refused_and_writes_nothing(booked):
    session, nurse, place, _ = booked
    at = session.starts_at + dt.timedelta(minutes=5)
    old = at - dt.timedelta(seconds=3 * attendance.STEP_SECONDS)
    for code in (attendance.short_code(session, old), attendance.qr_token(session, old)):
        with pytest.raises(ValidationError, match="changed|expired"):
            attendance.checkin(person=nurse, session=session, code=code, now=at)
    _nothing_written(nurse, place)


def test_the_code_of_another_session_is_refused(booked, make_course, make_session):
    session, nurse, place, _ = booked
    other = make_session(make_course(title="Other"))
    at = session.starts_at + dt.timedelta(minutes=5)
    with pytest.raises(ValidationError, match="another session"):
        attendance.checkin(person=nurse, session=session, code=attendance.qr_token(other, at), now=at)
    with pytest.raises(ValidationError, match="not right for this session"):
        attendance.checkin(person=nurse, session=session, code=attendance.short_code(other, at), now=at)
    _nothing_written(nurse, place)


def test_checkin_outside_the_session_window_is_refused(booked):
    session, nurse, place, _ = booked
    for at in (session.starts_at - dt.timedelta(hours=1), session.ends_at + dt.timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="Check-in opens"):
            attendance.checkin(person=nurse, session=session, code=attendance.short_code(session, at), now=at)
    _nothing_written(nurse, place)


def test_someone_without_a_seat_cannot_check_in(booked, make_person, unit):
    session, _, _, _ = booked
    stranger = make_person(unit=unit)
    at = session.starts_at
    with pytest.raises(ValidationError, match="do not have a seat"):
        attendance.checkin(person=stranger, session=session, code=attendance.short_code(session, at), now=at)


def test_an_instructor_without_grants_holds_the_roster_and_a_stranger_does_not(booked, make_person):
    session, nurse, place, instructor = booked
    at = session.starts_at
    with pytest.raises(PermissionDenied):
        attendance.roster_mark(actor=make_person(role=None), registration=place, present=True, now=at)
    attendance.roster_mark(actor=instructor, registration=place, present=True, now=at)
    attendance.roster_mark(actor=instructor, registration=place, present=True, now=at)  # one tap twice
    assert Record.objects.filter(person=nurse, verb=Verb.ATTENDED).count() == 1
    assert AuditEntry.objects.filter(action="attendance.mark", actor=instructor).count() == 1


def test_no_shows_are_recorded_after_the_end(booked, make_person, unit):
    session, nurse, place, instructor = booked
    with pytest.raises(ValidationError):
        attendance.no_shows_record(session=session, actor=instructor, now=session.starts_at)
    assert attendance.no_shows_record(session=session, actor=instructor, now=session.ends_at) == 1
    assert Registration.objects.get(pk=place.pk).status == S.NO_SHOW


def test_online_part_and_attendance_complete_the_course_and_close_the_requirement(booked, make_rule, unit):
    session, nurse, place, instructor = booked
    course = session.course
    rule_apply(rule=make_rule(item=course.item, units=[unit]))
    enrolment = progress.enrol(person=nurse, course=course)
    reading, quiz, _lab = enrolment.revision.modules.all()
    progress.reading_done(enrolment=enrolment, module=reading, person=nurse)
    attempt = attempt_start(person=nurse, enrolment=enrolment, module=quiz)
    attempt_submit(person=nurse, attempt=attempt, answers=right_answers(attempt))
    assert Assignment.objects.get(person=nurse).closed_at is None
    at = session.starts_at + dt.timedelta(minutes=1)
    with time_machine.travel(at, tick=False):
        attendance.checkin(person=nurse, session=session, code=attendance.short_code(session, at), now=at)
    assert Assignment.objects.get(person=nurse).closed_reason == ClosedReason.COMPLETED
    verbs = sorted(Record.objects.filter(person=nurse).values_list("verb", flat=True))
    assert verbs == [Verb.ATTENDED, Verb.COMPLETED, Verb.PASSED]
