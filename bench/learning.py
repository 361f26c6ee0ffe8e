"""Blended learning at bench size (80,000 staff, about 5 million ledger rows), on PostgreSQL.

- Requiring a new course of all nurses (about 30,000 requirements, audit included), in a rolled-back
  transaction; baseline: a COPY of as many requirement rows, timed in the same run.
- A course report (enrolment, difficulty and discrimination of every question, session fill and
  no-shows) over a course with 20,000 enrolments, 40,000 quiz attempts and 200,000 answers, written
  in a rolled-back transaction; baseline: one GROUP BY over the same answers in raw SQL. (The report
  reads attempts, not the ledger, so the 5 million ledger rows do not weigh on it.)
- 200 check-ins to one session through the check-in page (the HTTP answer, with the code on the
  screen); the figure is their p95 and the whole run's duration; baseline: one single-row UPDATE.

    .venv/bin/python bench/learning.py
"""

from __future__ import annotations

import datetime as dt
import random

import common

NURSES_CAP = 30_000
ENROLMENTS = 20_000
ATTEMPTS_EACH = 2
QUESTIONS = 20
DRAW = 5
CHECKINS = 200
RUNS = 3


def _course(title: str, *, questions: int = 0, draw: int = 1):
    from bedside.learning import authoring
    from bedside.learning.models import ModuleKind

    course = authoring.course_create(actor=None, title=title, modality="blended")
    authoring.module_add(course=course, actor=None, kind=ModuleKind.READING, title="Read", body="Text")
    for n in range(questions):
        authoring.question_add(course=course, actor=None, stem=f"Q{n}", choices=[("a", True), ("b", False)])
    if questions:
        authoring.module_add(course=course, actor=None, kind=ModuleKind.QUIZ, title="Quiz", draw_count=draw)
    authoring.revision_publish(course=course, actor=None)
    return course


def require_course() -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from bedside.assignments.models import Assignment, AssignmentRule
    from bedside.assignments.services import rule_apply
    from bedside.people.models import Audience, JobRole

    runs, counts, baseline = [], [], []
    rn = JobRole.objects.get(code="RN")
    for run in range(RUNS):
        with transaction.atomic():
            course = _course(f"Bench course {run}")
            audience = Audience.objects.create(name="Bench: all nurses")
            audience.job_roles.set([rn])
            ids = sorted(audience.members().values_list("pk", flat=True))
            if len(ids) > NURSES_CAP:
                ids = sorted(random.Random(common.SEED).sample(ids, NURSES_CAP))
            rule = AssignmentRule.objects.create(
                name=f"Bench course rule {run}", audience=audience, item=course.item
            )
            made: list[int] = []
            runs.append(common.timed(lambda: made.append(rule_apply(rule=rule, person_ids=ids))))  # noqa: B023
            counts.append(made[0])
            transaction.set_rollback(True)
    columns = ("person_id", "item_id", "cycle_kind", "cycle_ref", "source_kind", "source_ref", "assigned_at",
               "due_at", "overdue_at", "closed_reason", "current")  # fmt: skip
    for run in range(RUNS):
        with transaction.atomic(), connection.cursor() as cursor:
            course = _course(f"Bench baseline {run}")
            now = timezone.now()
            rows = [
                (pid, course.item_id, "once", "", "rule", "bench", now, now, now, "", True) for pid in ids
            ]
            baseline.append(common.copy_rows(cursor, Assignment._meta.db_table, columns, rows))
            transaction.set_rollback(True)
    return {
        "require_course_nurses_count": common.figure(counts[0], "rows", None, better="higher"),
        "require_course_nurses_median_s": common.figure(sorted(runs)[RUNS // 2] / 1000, "s", 3),
        "baseline_copy_requirements_s": common.figure(sorted(baseline)[RUNS // 2] / 1000, "s", None),
    }


def course_report() -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from bedside.learning import course_reports
    from bedside.learning.models import AttemptQuestion, Enrolment, QuizAttempt
    from bedside.people.models import Person

    rng = random.Random(common.SEED)
    with transaction.atomic():
        course = _course("Bench report course", questions=QUESTIONS, draw=DRAW)
        revision = course.revisions.get(state="published")
        quiz = revision.modules.get(kind="quiz")
        bank = list(course.questions.values_list("pk", flat=True))
        people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:ENROLMENTS])
        now = timezone.now()
        Enrolment.objects.bulk_create(
            [Enrolment(person_id=p, course=course, revision=revision, started_at=now) for p in people],
            batch_size=5000,
        )
        enrolments = list(Enrolment.objects.filter(course=course).values_list("pk", "person_id"))
        attempts = []
        for e, p in enrolments:
            for n in range(1, ATTEMPTS_EACH + 1):
                attempts.append(QuizAttempt(enrolment_id=e, module=quiz, person_id=p, number=n, started_at=now,
                                            submitted_at=now, score_percent=0, passed=False))  # fmt: skip
        QuizAttempt.objects.bulk_create(attempts, batch_size=5000)
        answers = []
        for a in QuizAttempt.objects.filter(module=quiz).values_list("pk", flat=True):
            for pos, q in enumerate(rng.sample(bank, DRAW), 1):
                answers.append(AttemptQuestion(attempt_id=a, question_id=q, position=pos,
                                               correct=rng.random() < 0.3 + q % 7 / 10))  # fmt: skip
        AttemptQuestion.objects.bulk_create(answers, batch_size=10000)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE learning_quizattempt a SET score_percent = s.score FROM (SELECT attempt_id, "
                "100.0 * avg(correct::int) AS score FROM learning_attemptquestion GROUP BY attempt_id) s "
                "WHERE s.attempt_id = a.id AND a.module_id = %s",
                [quiz.pk],
            )
            cursor.execute("ANALYZE learning_attemptquestion")
            cursor.execute("ANALYZE learning_quizattempt")

        def report() -> None:
            course_reports.enrolment_figures(course)
            course_reports.question_figures(course)
            course_reports.session_figures(course)

        report()  # warm
        runs = [common.timed(report) for _ in range(5)]
        with connection.cursor() as cursor:

            def raw() -> None:
                cursor.execute(
                    "SELECT aq.question_id, count(*), sum(aq.correct::int) FROM learning_attemptquestion aq "
                    "JOIN learning_quizattempt a ON a.id = aq.attempt_id WHERE a.module_id = %s "
                    "GROUP BY aq.question_id",
                    [quiz.pk],
                )
                cursor.fetchall()

            raw()
            baseline = [common.timed(raw) for _ in range(5)]
        transaction.set_rollback(True)
    return {
        "course_report_answers": common.figure(len(answers), "rows", None, better="higher"),
        "course_report_p50_ms": common.figure(common.p50(runs), "ms", 2000),
        "baseline_group_by_answers_ms": common.figure(common.p50(baseline), "ms", None),
    }


def checkins() -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bedside.learning import attendance, sessions
    from bedside.learning.models import Registration, Room
    from bedside.people.models import Person, Site

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    course = _course(f"Bench check-in course {timezone.now():%Y%m%d%H%M%S}")
    site = Site.objects.order_by("pk").first()
    room = Room.objects.create(site=site, name=f"Bench hall {course.pk}", capacity=CHECKINS)
    now = timezone.now()
    session = sessions.session_create(
        actor=None, course=course, starts_at=now + dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=2), seats=CHECKINS, room=room,
    )  # fmt: skip
    people = list(Person.objects.order_by("-pk")[:CHECKINS])
    Registration.objects.bulk_create(
        [Registration(session=session, person=p, status="registered", queued_at=now) for p in people]
    )
    clients = []
    for p in people:
        c = Client()
        c.force_login(p)
        clients.append(c)
    url = f"/learn/sessions/{session.pk}/check-in/"
    samples = []
    with common.stopwatch() as elapsed:
        for c in clients:
            code = attendance.short_code(session, timezone.now())
            ms = common.timed(lambda: c.post(url, {"code": code}))  # noqa: B023
            samples.append(ms)
        total = elapsed()  # seconds
    attended = Registration.objects.filter(session=session, status="attended").count()
    assert attended == CHECKINS, attended
    with connection.cursor() as cursor:
        reg = Registration.objects.filter(session=session).first()
        baseline = [
            common.timed(
                lambda: cursor.execute(
                    "UPDATE learning_registration SET checkin_method = 'code' WHERE id = %s", [reg.pk]
                )
            )
            for _ in range(50)
        ]
    return {
        "checkins_200_total_s": common.figure(total, "s", 60),
        "checkin_p95_ms": common.figure(common.p95(samples), "ms", 100),
        "checkin_p50_ms": common.figure(common.p50(samples), "ms", None),
        "baseline_single_row_update_ms": common.figure(common.p50(baseline), "ms", None),
    }


def main() -> dict:
    common.ensure_seeded()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a bench database seeded before this app gains its tables
    figures = {**require_course(), **course_report(), **checkins()}
    common.write_result("learning", figures)
    return figures


if __name__ == "__main__":
    main()
