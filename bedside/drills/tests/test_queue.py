import datetime as dt

from django.utils import timezone

from bedside.drills.models import Card, CardState, Rating
from bedside.drills.queue import build_queue
from bedside.drills.services import answer_record, card_create
from bedside.drills.spread import choose_day, spread_due
from bedside.records.models import ItemVersion, LearningItem
from bedside.testing import factories as f


def _due_all(person, when):
    CardState.objects.filter(person=person).update(due=when)


def test_the_queue_fits_the_minutes_and_puts_due_cards_first(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=9, new_per_day=20)
    now = timezone.now()
    reviewed = list(deck.cards.all()[:3])
    for card in reviewed:
        answer_record(person=nurse, card=card, rating=Rating.GOOD, now=now - dt.timedelta(days=3))
    _due_all(nurse, now - dt.timedelta(hours=1))
    queue = build_queue(nurse, now=now, minutes=1)
    # One minute: three due cards (10 s each), then one new card (25 s).
    assert queue.cards[:3] and {c.pk for c in queue.cards[:3]} == {c.pk for c in reviewed}
    assert (queue.due_count, queue.new_count) == (3, 1)
    assert len(build_queue(nurse, now=now, minutes=10).cards) == 9


def test_new_cards_respect_the_daily_limit(make_person, make_deck):
    nurse = make_person()
    make_deck(learners=[nurse], cards=6, new_per_day=2)
    assert build_queue(nurse, now=timezone.now(), minutes=10).new_count == 2


def test_nothing_is_pushed_during_a_shift_unless_asked(make_person, make_deck):
    nurse = make_person()
    make_deck(learners=[nurse])
    now = timezone.now()
    f.ShiftFactory(person=nurse, start=now - dt.timedelta(hours=2), end=now + dt.timedelta(hours=10))
    held = build_queue(nurse, now=now, minutes=3)
    assert held.held_for_shift and held.empty
    assert not build_queue(nurse, now=now, minutes=3, anyway=True).empty


def test_a_person_without_decks_gets_nothing(make_person):
    assert build_queue(make_person(), now=timezone.now(), minutes=3).empty


def test_a_review_moves_off_a_working_day_within_the_window():
    due = dt.date(2026, 12, 10)
    busy = {dt.date(2026, 12, 9), dt.date(2026, 12, 10), dt.date(2026, 12, 11)}
    assert choose_day(due, 2, busy, {}, dt.date(2026, 12, 1)) == dt.date(2026, 12, 8)
    # With no day off in reach, the lightest working day wins.
    load = {dt.date(2026, 12, 10): 30, dt.date(2026, 12, 9): 2, dt.date(2026, 12, 11): 5}
    assert choose_day(due, 1, busy, load, dt.date(2026, 12, 1)) == dt.date(2026, 12, 9)
    # Never before tomorrow.
    assert choose_day(due, 2, busy, {}, dt.date(2026, 12, 9)) == dt.date(2026, 12, 12)


def test_spread_due_reads_the_roster_in_the_persons_zone(make_person):
    import zoneinfo

    nurse = make_person()
    tz = zoneinfo.ZoneInfo("America/New_York")
    now = timezone.now()
    due = dt.datetime(2026, 12, 20, 15, 0, tzinfo=tz)
    for day in (19, 20, 21):  # day shifts 07:00-19:00 local on the 19th to the 21st
        start = dt.datetime(2026, 12, day, 7, 0, tzinfo=tz)
        f.ShiftFactory(person=nurse, start=start, end=start + dt.timedelta(hours=12))
    moved = spread_due(person_id=nurse.pk, due=due.astimezone(dt.UTC), interval_days=40, now=now, tz=tz)
    assert moved.astimezone(tz).date() in {dt.date(2026, 12, 18), dt.date(2026, 12, 22)}
    assert moved.astimezone(tz).time() == dt.time(15, 0)
    short = spread_due(person_id=nurse.pk, due=due.astimezone(dt.UTC), interval_days=1, now=now, tz=tz)
    assert short == due.astimezone(dt.UTC)


def test_a_new_version_of_a_cited_resource_flags_its_cards(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=2)
    resource = LearningItem.objects.create(kind="attestation", title="Sepsis protocol")
    v1 = ItemVersion.objects.create(item=resource, label="1")
    cited = card_create(actor=None, deck=deck, front="qSOFA criteria?", back="RR, mentation, SBP", cites=v1)
    assert build_queue(nurse, now=timezone.now(), minutes=10).new_count == 3
    ItemVersion.objects.create(item=resource, label="2")
    cited.refresh_from_db()
    assert cited.flagged_at is not None and "version 2" in cited.flag_reason
    queue = build_queue(nurse, now=timezone.now(), minutes=10)
    assert cited.pk not in {c.pk for c in queue.cards} and queue.new_count == 2
    assert Card.objects.filter(flagged_at__isnull=False).count() == 1


def test_next_card_and_answer_take_a_fixed_handful_of_queries(
    make_person, make_deck, django_assert_max_num_queries
):
    """The hot path of a drill: the queue and one answer, whatever the number of decks, cards and logs."""
    from bedside.people.models import Person
    from bedside.people.timezones import with_zone

    nurse = make_person()
    decks = [make_deck(learners=[nurse], cards=6, title=f"Deck {n}") for n in range(3)]
    now = timezone.now()
    for card in decks[0].cards.all()[:3]:
        answer_record(person=nurse, card=card, rating=Rating.AGAIN, now=now - dt.timedelta(days=2))
    for expect_due in (True, False):
        person = with_zone(Person.objects).get(pk=nurse.pk)  # as a signed-in request loads them
        with django_assert_max_num_queries(12):
            queue = build_queue(person, now=now, minutes=3)
            card = queue.cards[0]
            answer_record(person=person, card=card, rating=Rating.GOOD, now=now)
        assert (queue.due_count > 0) is expect_due
        if expect_due:
            CardState.objects.filter(person=nurse).update(due=now + dt.timedelta(days=30))
