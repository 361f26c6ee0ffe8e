"""Access rules for the learning app's URLs (bedside/learning/urls.py), and the objects the walk needs.

Staff open any published course, its sessions and their own enrolment's steps and attempts (someone
outside the hospital only the courses that are theirs: test_outsiders.py);
educators (teach) author the courses of their departments (a unit grant counts for its
department) and those they own; a session's roster belongs to its instructors and its
course's educators.
"""

from __future__ import annotations

import datetime as dt

from bedside.testing.authz_table import ADMINS, NOBODY, SIGNED_IN, TEACHERS, Access

LEARNER = frozenset({"learner"})
MANAGERS = frozenset(
    {"manager", "admin", "staff_admin"}
)  # the walk enrols the learner; only their own steps and attempts open

URLS: dict[str, Access] = {
    "learning-catalogue": Access(get=SIGNED_IN),
    "course": Access(get=SIGNED_IN, post=SIGNED_IN, obj="course", unscoped=True),
    # Someone not enrolled is sent to the course page (a redirect); the step opens for the enrolled.
    "course-module": Access(get=SIGNED_IN, post=SIGNED_IN, obj="module", unscoped=True),
    # The walk enrols every actor in both courses: anyone may report on their own enrolment's video.
    "course-video-progress": Access(post=SIGNED_IN, obj="module", unscoped=True),
    "course-video-done": Access(post=SIGNED_IN, obj="module", unscoped=True),
    "quiz-attempt": Access(get=LEARNER, post=LEARNER, obj="attempt"),
    "quiz-attempt-continue": Access(post=LEARNER, obj="attempt"),
    "session": Access(get=SIGNED_IN, post=SIGNED_IN, obj="session", unscoped=True),
    "session-ics": Access(get=SIGNED_IN, obj="session", unscoped=True),
    "session-checkin": Access(get=SIGNED_IN, post=SIGNED_IN, obj="session", unscoped=True),
    "my-calendar": Access(get=SIGNED_IN, post=SIGNED_IN),
    # The walk's placeholder token is no feed (404 for all); test_calendars reads a real one back.
    "calendar-feed": Access(get=NOBODY),
    "session-roster": Access(get=TEACHERS, post=TEACHERS, obj="session"),
    "session-screen": Access(get=TEACHERS, obj="session"),
    "session-screen-code": Access(get=TEACHERS, obj="session"),
    "session-cancel": Access(post=TEACHERS, obj="session"),
    "teach-session-edit": Access(get=TEACHERS, post=TEACHERS, obj="session"),
    # Managers register their staff for any session (overriding a clash with a reason); sessions are open.
    "session-register-staff": Access(get=MANAGERS, post=MANAGERS, obj="session", unscoped=True),
    # Validators sign off skills checks of people they oversee (teach counts too).
    "skills-checks": Access(get=TEACHERS, post=TEACHERS),
    "learning-path": Access(get=SIGNED_IN, obj="path", unscoped=True),
    "teach-report": Access(get=TEACHERS, obj="course"),
    "teach-report-export": Access(get=TEACHERS, obj="course"),
    "teach-paths": Access(get=TEACHERS, post=TEACHERS),
    "teach-path": Access(get=TEACHERS, post=TEACHERS, obj="path"),
    "teach-courses": Access(get=TEACHERS, post=TEACHERS),
    "teach-course": Access(get=TEACHERS, obj="course"),
    "teach-module-new": Access(get=TEACHERS, post=TEACHERS, obj="course"),
    "teach-module-action": Access(post=TEACHERS, obj="course"),
    "teach-module-edit": Access(get=TEACHERS, post=TEACHERS, obj="module"),
    "teach-library-picker": Access(get=TEACHERS, obj="course"),
    "teach-question-new": Access(get=TEACHERS, post=TEACHERS, obj="course"),
    "teach-publish": Access(post=TEACHERS, obj="course"),
    "teach-preview": Access(get=TEACHERS, obj="course"),
    "teach-require": Access(get=TEACHERS, post=TEACHERS, obj="course"),
    "teach-session-new": Access(get=TEACHERS, post=TEACHERS, obj="course"),
    "api:learning-courses-list": Access(get=SIGNED_IN),
    "api:learning-courses-detail": Access(get=SIGNED_IN, obj="course", unscoped=True),
    "api:learning-sessions-list": Access(get=SIGNED_IN, obj="course", unscoped=True),
    # Sessions in which every actor already holds a place (the walk cancels the "session" ones).
    "api:learning-register": Access(post=SIGNED_IN, obj="booked_session", unscoped=True),
    "api:learning-cancel": Access(post=SIGNED_IN, obj="booked_session", unscoped=True),
}
_ = ADMINS


def build_objects(*, actors, unit_in, unit_out, person_in, person_out) -> dict[str, tuple]:
    """A published course (with a video and a quiz) and a session inside the teacher's department and
    outside it; the learner enrolled inside, someone else outside, each with a quiz attempt."""
    from django.utils import timezone

    from bedside.learning import authoring, progress, sessions
    from bedside.learning.models import ModuleKind, Room
    from bedside.learning.quizzes import attempt_start

    def course(unit, title):
        c = authoring.course_create(actor=None, title=title, department=unit.department)
        authoring.module_add(
            course=c, actor=None, kind=ModuleKind.VIDEO, title="Watch", video_url="https://example.org/v.mp4"
        )
        authoring.question_add(course=c, actor=None, stem="Q?", choices=[("a", True), ("b", False)])
        authoring.module_add(course=c, actor=None, kind=ModuleKind.QUIZ, title="Quiz", draw_count=1)
        authoring.revision_publish(course=c, actor=None)
        start = timezone.now() + dt.timedelta(days=5)
        room = Room.objects.create(site=unit.site, name=f"Room {title}", capacity=12)
        s = sessions.session_create(
            actor=None, course=c, starts_at=start, ends_at=start + dt.timedelta(hours=2), seats=12, room=room
        )
        return c, s

    c_in, s_in = course(unit_in, "Inside course")
    c_out, s_out = course(unit_out, "Outside course")
    booked = []
    for n, c in enumerate((c_in, c_out)):
        start = timezone.now() + dt.timedelta(days=9 + n)
        room = Room.objects.create(site=c.department.site, name=f"Booked {c.pk}", capacity=12)
        s = sessions.session_create(
            actor=None, course=c, starts_at=start, ends_at=start + dt.timedelta(hours=1), seats=12, room=room
        )
        for actor in actors.values():
            sessions.register(person=actor, session=s)
        booked.append(s.pk)
    for actor in actors.values():
        progress.enrol(person=actor, course=c_in)
        progress.enrol(person=actor, course=c_out)
    e_in = progress.enrol(person=actors["learner"], course=c_in)
    e_out = progress.enrol(person=person_out, course=c_out)
    quiz_in = e_in.revision.modules.get(kind=ModuleKind.QUIZ)
    quiz_out = e_out.revision.modules.get(kind=ModuleKind.QUIZ)
    a_in = attempt_start(person=actors["learner"], enrolment=e_in, module=quiz_in)
    a_out = attempt_start(person=person_out, enrolment=e_out, module=quiz_out)
    from bedside.learning.paths import path_create, path_step_add

    path_in = path_create(actor=None, title="Inside path", department=unit_in.department)
    path_out = path_create(actor=None, title="Outside path", department=unit_out.department)
    path_step_add(path=path_in, actor=None, course=c_in)
    path_step_add(path=path_out, actor=None, course=c_out)
    return {
        "path": (path_in.pk, path_out.pk),
        "course": (c_in.pk, c_out.pk),
        "module": (
            e_in.revision.modules.get(kind=ModuleKind.VIDEO).pk,
            e_out.revision.modules.get(kind=ModuleKind.VIDEO).pk,
        ),
        "attempt": (a_in.pk, a_out.pk),
        "session": (s_in.pk, s_out.pk),
        "booked_session": tuple(booked),
    }
