import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from bedside.assignments.models import Assignment
from bedside.assignments.services import rule_apply
from bedside.audit.models import AuditEntry
from bedside.drills.models import CardState, Rating, ReviewLog
from bedside.drills.services import answer_record, answer_undo, deck_create
from bedside.people.models import Capability
from bedside.records.kinds import Progress, item_status
from bedside.records.models import Record


def test_first_answer_makes_state_log_and_audit(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse])
    card = deck.cards.first()
    log = answer_record(person=nurse, card=card, rating=Rating.GOOD)
    state = CardState.objects.get(person=nurse, card=card)
    assert state.reps == 1 and state.due > timezone.now()
    assert log.before == {} and log.rating == Rating.GOOD
    assert AuditEntry.objects.filter(action="drills.answer", target_id=str(log.pk)).exists()


def test_a_card_not_due_is_refused(make_person, make_deck):
    nurse = make_person()
    card = make_deck(learners=[nurse]).cards.first()
    answer_record(person=nurse, card=card, rating=Rating.GOOD)
    with pytest.raises(ValidationError, match="not due"):
        answer_record(person=nurse, card=card, rating=Rating.GOOD)
    assert ReviewLog.objects.filter(person=nurse).count() == 1


def test_a_card_of_someone_elses_deck_is_refused_as_missing(make_person, make_deck):
    nurse, other = make_person(), make_person()
    card = make_deck(learners=[other]).cards.first()
    with pytest.raises(Http404):
        answer_record(person=nurse, card=card, rating=Rating.GOOD)
    assert not CardState.objects.exists()


def test_a_bad_rating_is_refused(make_person, make_deck):
    nurse = make_person()
    card = make_deck(learners=[nurse]).cards.first()
    with pytest.raises(ValidationError):
        answer_record(person=nurse, card=card, rating=7)


def test_new_cards_stop_at_the_daily_limit(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=3, new_per_day=2)
    cards = list(deck.cards.all())
    answer_record(person=nurse, card=cards[0], rating=Rating.GOOD)
    answer_record(person=nurse, card=cards[1], rating=Rating.GOOD)
    with pytest.raises(ValidationError, match="new cards"):
        answer_record(person=nurse, card=cards[2], rating=Rating.GOOD)


def test_undo_puts_the_card_back_and_keeps_the_log(make_person, make_deck):
    nurse = make_person()
    card = make_deck(learners=[nurse]).cards.first()
    now = timezone.now()
    answer_record(person=nurse, card=card, rating=Rating.GOOD, now=now)
    first = CardState.objects.get(person=nurse, card=card)
    later = first.due + dt.timedelta(minutes=1)
    answer_record(person=nurse, card=card, rating=Rating.AGAIN, now=later)
    log = answer_undo(person=nurse, now=later + dt.timedelta(seconds=5))
    assert log.undone_at is not None
    restored = CardState.objects.get(person=nurse, card=card)
    assert (restored.reps, restored.due, restored.stability) == (first.reps, first.due, first.stability)
    assert ReviewLog.objects.filter(person=nurse).count() == 2
    # Undoing the first answer forgets the card was ever met.
    answer_undo(person=nurse, now=later + dt.timedelta(seconds=6))
    assert not CardState.objects.filter(person=nurse).exists()
    with pytest.raises(ValidationError, match="no answer"):
        answer_undo(person=nurse, now=later + dt.timedelta(seconds=7))


def test_reaching_the_goal_writes_mastery_and_closes_the_requirement(make_person, make_rule, make_unit):
    from bedside.testing.drills import deck_with_cards

    icu = make_unit()
    nurse = make_person(unit=icu)
    deck = deck_with_cards(cards=1, goal_recall=0.9)
    rule = make_rule(item=deck.item, units=[icu])
    rule_apply(rule=rule)
    requirement = Assignment.objects.get(person=nurse, item=deck.item)
    assert item_status(deck.item, nurse).progress == Progress.NOT_STARTED
    answer_record(person=nurse, card=deck.cards.get(), rating=Rating.EASY)
    record = Record.objects.get(person=nurse, item=deck.item)
    assert record.verb == "mastered" and "reached the deck's goal" in record.evidence
    requirement.refresh_from_db()
    assert requirement.closed_reason == "completed" and requirement.record_id == record.pk
    assert item_status(deck.item, nurse).progress == Progress.DONE


def test_below_the_goal_is_in_progress_and_writes_nothing(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=3)
    answer_record(person=nurse, card=deck.cards.first(), rating=Rating.EASY)
    status = item_status(deck.item, nurse)
    assert status.progress == Progress.IN_PROGRESS and "goal 90%" in status.detail
    assert not Record.objects.filter(person=nurse).exists()


def test_only_educators_of_the_unit_make_its_decks(make_person, make_unit):
    icu, ward = make_unit(), make_unit()
    educator = make_person(unit=icu, grants=[(Capability.TEACH, icu)])
    nurse = make_person(unit=icu)
    assert deck_create(actor=educator, title="Sepsis bundle", unit=icu).item.owner == educator
    with pytest.raises(PermissionDenied):
        deck_create(actor=educator, title="Not mine", unit=ward)
    with pytest.raises(PermissionDenied):
        deck_create(actor=nurse, title="Mine", unit=icu)
    with pytest.raises(PermissionDenied):
        deck_create(actor=educator, title="Everyone", unit=None)
