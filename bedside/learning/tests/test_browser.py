"""The blended-learning path in real Chromium: an educator builds and requires a course, nurses finish
the online part on a phone and book the skills lab, the instructor takes attendance with the rotating
code, and the unit reaches 100% on the compliance page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bedside.learning.models import Course, CourseSession
from bedside.people.models import Capability
from bedside.people.timezones import system_tz
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def ward(make_person):
    icu = f.UnitFactory(name="Medical ICU", code="HG-MICU")
    educator = make_person(
        role=None,
        email="educator@example.org",
        first_name="Dan",
        last_name="Reyes",
        grants=[(Capability.TEACH, icu)],
    )
    nurses = [
        make_person(unit=icu, email="ana@example.org", first_name="Ana", last_name="Lopez"),
        make_person(unit=icu, email="ben@example.org", first_name="Ben", last_name="Cho"),
    ]
    return {"unit": icu, "educator": educator, "nurses": nurses}


def no_csp_violations(page, name: str) -> None:
    assert page.evaluate("window.__csp") == [], name


def build_course(page, base: str, unit) -> None:
    page.get_by_role("link", name="Teach").click()
    page.get_by_label("Title").fill("Central line care bundle")
    page.get_by_label("Department").select_option(label=f"{unit.department.name} · {unit.site.code}")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r".*/learn/teach/\d+/$"))
    course_url = page.url

    page.get_by_role("button", name="Add reading").click()
    page.get_by_label("Title").fill("The maintenance bundle")
    page.get_by_label("Text").fill("Scrub the hub.\n\nChange a loose dressing at once.")
    page.get_by_role("button", name="Add to the draft").click()
    for n, stem in enumerate(("How long to scrub the hub?", "When do you change a loose dressing?")):
        page.get_by_role("button", name="Add a question").click()
        page.get_by_label("Question", exact=True).fill(stem)
        page.get_by_label("Answer 1", exact=True).fill("Right")
        page.get_by_label("Answer 2", exact=True).fill("Wrong")
        page.get_by_label("Answer 1 is right").check()
        page.get_by_label("Explanation shown after submitting").fill(f"Because {n}.")
        page.get_by_role("button", name="Add the question").click()
    page.get_by_role("button", name="Add quiz").click()
    page.get_by_label("Title").fill("Knowledge check")
    page.get_by_label("Questions per attempt").fill("2")
    page.get_by_role("button", name="Add to the draft").click()
    page.get_by_role("button", name="Add session").click()
    page.get_by_label("Title").fill("Skills lab")
    page.get_by_role("button", name="Add to the draft").click()
    check_page(page, "learning-teach-course")
    page.get_by_role("button", name="Preview as a learner").click()
    assert page.get_by_text("Nothing you do here is recorded").is_visible()
    check_page(page, "learning-preview")
    page.goto(course_url)
    page.get_by_role("button", name="Publish version 1").click()
    assert page.get_by_text("Published as version 1").is_visible()

    # The skills lab starts in a quarter of an hour, so check-in is open during the test.
    tz = system_tz()
    # The browser's clock is the real one, so the test cannot pin it: a session whose hour would run past
    # midnight ends at 23:59, and from 23:30 it starts at the coming midnight instead (still within the
    # half hour before the start when check-in opens), so it never ends as it starts.
    start = (timezone.now() + dt.timedelta(minutes=15)).astimezone(tz).replace(second=0, microsecond=0)
    if (start.hour, start.minute) >= (23, 45):
        start = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    from bedside.learning.models import Room

    Room.objects.create(site=unit.site, name="Simulation lab 2", capacity=12)
    page.get_by_role("button", name="Schedule a session").click()
    page.get_by_label("Day").fill(start.date().isoformat())
    page.get_by_label("Starts").fill(start.strftime("%H:%M"))
    end = start + dt.timedelta(hours=1)
    if end.date() != start.date():
        end = start.replace(hour=23, minute=59)
    page.get_by_label("Ends").fill(end.strftime("%H:%M"))
    page.get_by_label("Room (classroom)").select_option(label="Simulation lab 2 (12 seats)")
    page.get_by_label("Seats").fill("8")
    page.get_by_label("Dan Reyes").check()
    page.get_by_role("button", name="Schedule it").click()
    page.wait_for_url(re.compile(r".*/roster/$"))

    page.goto(course_url)
    page.get_by_role("button", name="Require it of units").click()
    page.get_by_label(f"{unit.name} · {unit.site.code}").check()
    page.get_by_role("button", name="Require it").click()
    page.wait_for_url(re.compile(r".*/rules/\d+/$"))


def nurse_online_part(page, base: str, email: str, name: str) -> None:
    sign_in(page, base, email, PASSWORD)
    page.wait_for_url("**/today/")
    page.get_by_role("link", name="Central line care bundle").first.click()
    check_page(page, f"learning-course-{name}")
    page.get_by_role("button", name="Start the course").click()
    assert page.get_by_role("heading", name="The maintenance bundle").is_visible()
    check_page(page, f"learning-reading-{name}")
    page.get_by_role("button", name="I have read this").click()
    page.get_by_role("button", name="Start attempt").click()
    for label in page.get_by_label("Right").all():
        label.check()
    check_page(page, f"learning-quiz-{name}")
    page.get_by_role("button", name="Submit answers").click()
    assert page.get_by_text("Passed with 100%").is_visible()
    assert page.get_by_text("Because 0.").is_visible()
    check_page(page, f"learning-review-{name}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=re.compile(r"seats")).first.click()
    page.get_by_role("button", name="Book a seat").click()
    assert page.get_by_text("Booked: your seat is saved").is_visible()
    check_page(page, f"learning-session-{name}")


def test_the_blended_course_path(ward, live_server, browser):
    base = live_server.url
    educator_ctx = browser.new_context(viewport=DESKTOP)
    educator_ctx.add_init_script(CSP_WATCH)
    teacher = educator_ctx.new_page()
    sign_in(teacher, base, "educator@example.org", PASSWORD)
    teacher.wait_for_url("**/today/")
    build_course(teacher, base, ward["unit"])
    no_csp_violations(teacher, "educator")
    course = Course.objects.get()
    session = CourseSession.objects.get(course=course)

    phones = {}
    for nurse, name in zip(ward["nurses"], ("ana", "ben"), strict=True):
        ctx = browser.new_context(viewport=PHONE)
        ctx.add_init_script(CSP_WATCH)
        phones[name] = ctx.new_page()
        nurse_online_part(phones[name], base, nurse.email, name)
        no_csp_violations(phones[name], name)

    # The instructor shows the rotating code on the room screen; Ana types it on her phone.
    teacher.goto(f"{base}/learn/sessions/{session.pk}/screen/")
    check_page(teacher, "learning-screen")
    code = teacher.locator(".screen-code .code").inner_text().replace(" ", "")
    ana = phones["ana"]
    ana.goto(f"{base}/learn/sessions/{session.pk}/check-in/")
    ana.get_by_label("Check-in code").fill(code)
    ana.get_by_role("button", name="Check in").click()
    assert ana.get_by_text("Checked in to").is_visible()
    check_page(ana, "learning-checked-in")

    # Ben forgot his phone: one tap on the roster (on the instructor's phone).
    roster_ctx = browser.new_context(viewport=PHONE)
    roster = roster_ctx.new_page()
    sign_in(roster, base, "educator@example.org", PASSWORD)
    roster.wait_for_url("**/today/")
    roster.goto(f"{base}/learn/sessions/{session.pk}/roster/")
    roster.get_by_role("button", name="Mark Ben Cho present").click()
    roster.locator(".roster-row", has_text="Ben Cho").get_by_text("Attended").wait_for()
    check_page(roster, "learning-roster")

    teacher.goto(f"{base}/compliance/units/{ward['unit'].pk}/")
    assert teacher.get_by_text(re.compile(r"^100(\.0)?%$")).first.is_visible()
    check_page(teacher, "learning-compliance")
    teacher.goto(f"{base}/learn/teach/{course.pk}/report/")
    assert teacher.get_by_text("2 of 8 (25%)").is_visible()
    teacher.locator("#difficulty-chart").wait_for()
    assert teacher.evaluate("Object.keys(window.Chart.instances).length") == 1
    check_page(teacher, "learning-report")
    no_csp_violations(teacher, "educator")
