"""In real Chromium on a phone: a nurse meets a clash, her manager registers her anyway with a reason;
the educator shrinks the session (confirming who moves to the waiting list) and reorders a path."""

import pytest

from bedside.learning import paths, sessions
from bedside.learning.models import Registration
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.browser import PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_overrides_a_clash_and_an_educator_changes_a_session_and_a_path(
    live_server, browser, make_person, make_course, make_session, unit, educator
):
    base = live_server.url
    session = make_session(make_course(title="Central line care"), seats=3)
    nurse = make_person(unit=unit, email="ana@example.org", first_name="Ana", last_name="Lopez")
    f.ShiftFactory(person=nurse, unit=unit, start=session.starts_at, end=session.ends_at)
    for _ in range(2):
        sessions.register(person=make_person(unit=unit), session=session)
    manager = make_person(
        role=None, email="grace@example.org", first_name="Grace", grants=[(Capability.MANAGE, unit)]
    )
    educator.email = "dan@example.org"
    educator.save(update_fields=["email"])

    phone = browser.new_context(viewport=PHONE).new_page()
    sign_in(phone, base, nurse.email, PASSWORD)
    phone.goto(f"{base}/learn/sessions/{session.pk}/")
    assert phone.get_by_text("This clashes with your schedule").is_visible()
    assert phone.get_by_role("button", name="Book a seat").count() == 0

    phone = browser.new_context(viewport=PHONE).new_page()
    sign_in(phone, base, manager.email, PASSWORD)
    phone.goto(f"{base}/learn/sessions/{session.pk}/")
    phone.get_by_role("link", name="Register one of your staff").click()
    phone.get_by_label("Find someone on your units").fill("Lopez")
    phone.get_by_role("button", name="Find").click()
    check_page(phone, "learning-register-staff-find")
    phone.get_by_role("link", name="Ana Lopez").click()
    phone.get_by_role("button", name="Register Ana despite the clash").click()
    assert phone.get_by_text("There is a problem").is_visible()
    phone.get_by_label("Why they should attend despite the clash").fill("A float nurse covers her shift")
    check_page(phone, "learning-register-staff-clash")
    phone.get_by_role("button", name="Register Ana despite the clash").click()
    assert phone.get_by_text("Ana Lopez is booked a seat despite the clash").is_visible()
    assert Registration.objects.get(person=nurse).override_by == manager

    phone = browser.new_context(viewport=PHONE).new_page()
    sign_in(phone, base, educator.email, PASSWORD)
    phone.goto(f"{base}/learn/sessions/{session.pk}/roster/")
    phone.get_by_role("button", name="Change time, room or seats").click()
    phone.get_by_label("Seats").fill("2")
    phone.get_by_role("button", name="Save the changes").click()
    assert phone.get_by_text("who booked last will go back").first.is_visible()
    check_page(phone, "learning-session-edit-confirm")
    phone.get_by_role("button", name="Move 1 to the waiting list and save").click()
    assert phone.get_by_text("1 person moved to the waiting list").is_visible()
    assert Registration.objects.get(person=nurse).status == "waitlisted"  # the last to book

    path = paths.path_create(actor=educator, title="ICU cross-training", department=unit.department)
    for title in ("Sepsis", "Lines", "Proning"):
        paths.path_step_add(path=path, actor=educator, course=make_course(title=title))
    phone.goto(f"{base}/learn/teach/paths/{path.pk}/")
    phone.get_by_role("button", name="Move “Lines” up").click()
    assert phone.get_by_text("cannot come before it").is_visible()
    phone.get_by_role("button", name="Take “Lines” off the path").click()
    check_page(phone, "learning-teach-path")
    titles = [s.course.item.title for s in path.steps.select_related("course__item")]
    assert titles == ["Sepsis", "Proning"]

    # The educator changes a published course's reading; it goes into a new draft.
    course = session.course
    phone.goto(f"{base}/learn/teach/{course.pk}/")
    phone.get_by_role("button", name="Edit The bundle").click()
    phone.get_by_label("Title").fill("")
    phone.get_by_role("button", name="Save in the draft").click()
    assert phone.get_by_text("Enter the module's title.").first.is_visible()
    phone.get_by_label("Title").fill("The bundle, revised")
    phone.get_by_label("Text").fill("Wash, then scrub the hub for 15 seconds.")
    check_page(phone, "learning-teach-module-edit")
    phone.get_by_role("button", name="Save in the draft").click()
    assert phone.get_by_text("“The bundle, revised” changed in the draft").is_visible()
    check_page(phone, "learning-teach-course-draft")
