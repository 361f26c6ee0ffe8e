"""A nurse clears a 3-minute drill on a phone from Today; an educator reads the deck's health. Real Chromium."""

import pytest

from bedside.assignments.services import rule_apply
from bedside.drills.models import ReviewLog
from bedside.people.models import Capability
from bedside.records.models import Record
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
from bedside.testing.drills import deck_with_cards
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def icu(make_person, make_rule):
    unit = f.UnitFactory(name="Medical ICU", code="HG-MICU")
    nurse = make_person(unit=unit, first_name="Ana", last_name="Lopez", email="ana@example.org")
    educator = make_person(unit=unit, email="edu@example.org", grants=[(Capability.TEACH, unit)])
    deck = deck_with_cards(owner=educator, unit=unit, title="ACLS algorithms", cards=3, goal_recall=0.9)
    rule_apply(rule=make_rule(item=deck.item, units=[unit]))
    return {"nurse": nurse, "deck": deck}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_nurse_clears_a_three_minute_drill_from_today(icu, live_server, page, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, "ana@example.org", PASSWORD)
    page.wait_for_url("**/today/")
    drill = page.get_by_role("link", name="3-minute drill")
    assert drill.is_visible()
    check_page(page, "drills-today")
    drill.click()
    page.wait_for_url("**/drills/review/**")
    check_page(page, "drills-card")
    for n in range(3):
        assert page.get_by_text(f"{3 - n} to go").is_visible()
        if viewport is PHONE:
            options = page.locator(".drill-option")
            if options.count():
                options.nth(1).click()  # the right answer: marks it and shows the back
            else:
                page.get_by_text("Show answer").click()
            if n == 0:
                check_page(page, "drills-answer")
            with page.expect_navigation():
                page.get_by_role("button", name="Easy").click()
        else:
            page.keyboard.press("Space")
            assert page.get_by_role("button", name="Good").is_visible()
            with page.expect_navigation():
                page.keyboard.press("4")
    assert page.get_by_role("heading", name="Drill done").is_visible()
    check_page(page, "drills-done")
    assert ReviewLog.objects.filter(person=icu["nurse"]).count() == 3
    # Three Easy answers put the whole deck at or above its 90% goal: mastery is in the ledger.
    assert Record.objects.filter(person=icu["nurse"], item=icu["deck"].item, verb="mastered").exists()
    page.get_by_role("button", name="Back to Today").click()
    assert not page.get_by_role("link", name="3-minute drill").count()
    page.get_by_role("link", name="Drills", exact=True).click()
    assert page.get_by_text("At goal").first.is_visible()
    check_page(page, "drills-home")


def test_undo_brings_the_last_card_back(icu, live_server, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "ana@example.org", PASSWORD)
    page.goto(f"{live_server.url}/drills/review/?minutes=3")
    page.get_by_text("Show answer").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Again").click()
    assert page.get_by_text("1 done").is_visible()
    page.get_by_role("button", name="Undo last answer").click()
    assert page.get_by_text("Undone: that card is back.").is_visible()
    assert page.get_by_text("3 to go").is_visible()


def test_educator_reads_deck_health(icu, live_server, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "edu@example.org", PASSWORD)
    page.goto(f"{live_server.url}/drills/decks/")
    page.get_by_role("link", name="ACLS algorithms").click()
    assert page.get_by_role("heading", name="Hardest cards").is_visible()
    check_page(page, "drills-health")


def test_educator_corrects_a_studied_card_on_a_phone(icu, live_server, page):
    from bedside.drills.models import CardState, Rating
    from bedside.drills.services import answer_record

    card = icu["deck"].cards.get(kind="basic")
    answer_record(person=icu["nurse"], card=card, rating=Rating.GOOD)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "edu@example.org", PASSWORD)
    page.goto(f"{live_server.url}/drills/decks/{icu['deck'].pk}/health/")
    page.get_by_text("All 3 cards, to edit").click()
    page.get_by_role("link", name=card.front).click()
    page.get_by_label("Back (answer)").fill("5 to 6 cm (2 to 2.4 in)")
    page.get_by_label("A correction (typo, clearer words): keep their progress").check()
    check_page(page, "drills-card-edit")
    page.get_by_role("button", name="Save the card").click()
    assert page.get_by_text("Card saved; learners keep their progress.").is_visible()
    assert CardState.objects.get(card=card).reps == 1


def test_facilitator_records_a_mock_code_and_the_unit_chart_shows_it(live_server, page, make_person):
    import datetime as dt

    from django.utils import timezone

    from bedside.drills.models import SimAction
    from bedside.drills.sim_services import drill_plan, scenario_create

    unit = f.UnitFactory(name="Medical ICU", code="HG-MICU")
    educator = make_person(unit=unit, email="facilitator@example.org", grants=[(Capability.TEACH, unit)])
    nurses = [make_person(unit=unit) for _ in range(2)]
    now = timezone.now()
    for nurse in nurses:
        f.ShiftFactory(
            person=nurse, unit=unit, start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=11)
        )
    scenario = scenario_create(
        actor=None,
        title="Mock code: VF arrest",
        kind="mock_code",
        key_actions=[
            {"key": "compressions", "label": "Compressions started", "target_seconds": 60},
            {"key": "first_shock", "label": "First shock", "target_seconds": 120},
        ],
        debrief_items=["Roles were called out"],
    )
    drill = drill_plan(
        actor=educator,
        scenario=scenario,
        unit=unit,
        planned_at=now,
        facilitator=educator,
        participants=nurses,
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "facilitator@example.org", PASSWORD)
    page.goto(f"{live_server.url}/drills/sim/{drill.pk}/")
    check_page(page, "sim-planned")
    # Before it runs, the plan can change: one nurse is off the team.
    page.get_by_role("link", name="Change the plan").click()
    page.get_by_label(nurses[1].full_name).uncheck()
    check_page(page, "sim-edit")
    page.get_by_role("button", name="Save the plan").click()
    assert page.get_by_text("Drill plan changed.").is_visible()
    assert drill.participants.count() == 1
    page.get_by_role("button", name="Start the drill").click()
    page.get_by_role("button", name="Compressions started").click()
    assert page.get_by_text("in target").is_visible()
    check_page(page, "sim-running")
    # A slip of the finger: First shock tapped too early, undone, tapped again.
    page.get_by_role("button", name="First shock").click()
    page.get_by_role("button", name="Undo the last tap: First shock").click()
    assert page.get_by_text("Undone: “First shock”").is_visible()
    assert SimAction.objects.filter(drill=drill).count() == 1
    page.get_by_role("button", name="First shock").click()
    assert SimAction.objects.filter(drill=drill).count() == 2
    page.get_by_role("button", name="End the drill and debrief").click()
    page.get_by_label("Roles were called out").check()
    page.get_by_label("Lessons").fill("Pads were ready; recorder assigned late.")
    check_page(page, "sim-debrief")
    page.get_by_role("button", name="End the drill and save the debrief").click()
    assert page.get_by_text("2 people have the drill on their record").is_visible()
    page.get_by_role("link", name="Medical ICU readiness").click()
    page.locator("#readiness-chart").wait_for()
    # chart.js loads deferred: wait for it rather than racing it. Polled from here, because
    # wait_for_function compiles its predicate with new Function, which our CSP refuses.
    charts = "() => window.Chart ? Object.keys(window.Chart.instances).length : 0"
    for _ in range(100):
        if page.evaluate(charts) >= 1:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 1
    check_page(page, "sim-unit")
    page.set_viewport_size(DESKTOP)
    check_page(page, "sim-unit")
