import datetime as dt

from django.utils import timezone

from bedside.core.periodic import periodic_jobs
from bedside.drills import fitting
from bedside.drills.models import LearnerParameters, ReviewLog
from bedside.drills.scheduling import DEFAULT_PARAMETERS, parameters_of
from bedside.drills.simulate import simulated_reviews
from bedside.drills.tasks import fit_parameters


def _history(person, deck, reviews):
    cards = {n + 1: card for n, card in enumerate(deck.cards.all())}
    ReviewLog.objects.bulk_create(
        ReviewLog(
            person=person,
            card=cards[(cid - 1) % len(cards) + 1],
            deck=deck,
            rating=r,
            reviewed_at=at,
            state=2,
        )
        for cid, at, r in reviews
    )


def _slow_learner():
    true = list(DEFAULT_PARAMETERS)
    for i, factor in ((0, 0.4), (1, 0.5), (2, 0.5), (3, 0.5)):
        true[i] *= factor
    return true


def test_a_learner_with_few_reviews_keeps_the_defaults(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=3)
    _history(nurse, deck, simulated_reviews(cards=3, days=10, true_parameters=DEFAULT_PARAMETERS))
    assert fitting.learner_fit(person_id=nurse.pk, now=timezone.now()) is None
    assert parameters_of(nurse.pk) == DEFAULT_PARAMETERS


def test_the_nightly_job_fits_learners_with_enough_reviews(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=30)
    reviews = simulated_reviews(cards=300, days=120, true_parameters=_slow_learner(), new_per_day=5)
    # Card ids are folded onto the deck's cards, so keep each simulated card's history on its own card.
    deck_cards = list(deck.cards.all())
    while len(deck_cards) < 300:
        from bedside.drills.services import card_create

        deck_cards.append(card_create(actor=None, deck=deck, front=f"Q{len(deck_cards)}", back="A"))
    ReviewLog.objects.bulk_create(
        ReviewLog(person=nurse, card=deck_cards[cid - 1], deck=deck, rating=r, reviewed_at=at, state=2)
        for cid, at, r in reviews
    )
    assert len(reviews) >= fitting.MIN_REVIEWS
    # The nightly job queues chunks; the test settings' immediate backend runs them at once.
    assert fit_parameters.call() == {"learners": 1, "chunks": 1}
    row = LearnerParameters.objects.get(person=nurse)
    assert len(row.parameters) == 21 and row.log_loss <= row.default_log_loss
    assert parameters_of(nurse.pk) != DEFAULT_PARAMETERS
    # Nothing new since: the next night leaves the learner alone.
    assert fitting.learners_due_for_fitting() == []
    ReviewLog.objects.create(
        person=nurse,
        card=deck_cards[0],
        deck=deck,
        rating=3,
        reviewed_at=timezone.now() + dt.timedelta(days=1),
        state=2,
    )
    assert fitting.learners_due_for_fitting() == [nurse.pk]


def test_undone_answers_are_left_out_of_fitting(make_person, make_deck):
    nurse = make_person()
    deck = make_deck(learners=[nurse], cards=1)
    card = deck.cards.get()
    now = timezone.now()
    ReviewLog.objects.create(person=nurse, card=card, deck=deck, rating=3, reviewed_at=now, state=1)
    ReviewLog.objects.create(
        person=nurse,
        card=card,
        deck=deck,
        rating=1,
        reviewed_at=now + dt.timedelta(days=2),
        state=2,
        undone_at=now,
    )
    assert len(fitting._reviews_of(nurse.pk)) == 1


def test_fitting_is_a_registered_nightly_job():
    assert "drills.fit_parameters" in {job.name for job in periodic_jobs()}


def test_the_job_streams_everyone_and_fits_on_several_processes(make_person, make_deck):
    """One ordered query for all the logs, the fits shared by two spawned workers, one upsert."""
    from bedside.drills.services import card_create

    nurses = [make_person() for _ in range(2)]
    deck = make_deck(learners=nurses, cards=0)
    cards = [card_create(actor=None, deck=deck, front=f"Q{n}", back="A") for n in range(300)]
    for seed, nurse in enumerate(nurses):
        reviews = simulated_reviews(
            cards=300, days=120, true_parameters=_slow_learner(), new_per_day=5, seed=seed
        )
        ReviewLog.objects.bulk_create(
            ReviewLog(person=nurse, card=cards[cid - 1], deck=deck, rating=r, reviewed_at=at, state=2)
            for cid, at, r in reviews
        )
    now = timezone.now()
    totals = fitting.fit_learners(person_ids=None, now=now, workers=2)
    assert totals["fitted"] + totals["defaults"] == 2
    assert LearnerParameters.objects.filter(fitted_at=now).count() == totals["fitted"]
    streamed = dict(fitting.stream_reviews())
    assert set(streamed) == {n.pk for n in nurses}
    assert all(len(r) == ReviewLog.objects.filter(person_id=p).count() for p, r in streamed.items())
