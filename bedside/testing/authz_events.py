"""The events app's rows in the authorization table, and the objects the walk opens.

Any signed-in member of staff opens any event, its live questions and its stream (outside clinicians,
people with no job and no grant, only public ones). Organising, moderating and the speaker's view
follow the event's department: educators and the CME office over it, and the event's named moderators
and speakers (roles through the access registry; the walk names the learner speaker of the inside event).
Both walk events offer credit, so their pages carry the credit panel and the check-in code.
"""

from __future__ import annotations

import datetime as dt

from bedside.testing.authz_table import EVERYONE, NOBODY, SIGNED_IN, TEACHERS, Access

LEARNER = frozenset({"learner"})
# Organisers hold teach or cme over the event's department (events.scopes.ORGANISERS): the walk's
# teacher over the inside unit, and its CME office over the inside site.
ORGANISERS = TEACHERS | {"cme"}

URLS: dict[str, Access] = {
    "events": Access(get=SIGNED_IN),
    "event": Access(get=SIGNED_IN, post=SIGNED_IN, obj="event", unscoped=True),
    "event-ics": Access(get=SIGNED_IN, obj="event", unscoped=True),
    "events-series": Access(get=SIGNED_IN, obj="series_slug", unscoped=True),
    # The walk's placeholder token is no calendar secret (404 for all); test_calendars reads real ones.
    "events-calendar": Access(get=NOBODY),
    "events-series-calendar": Access(get=NOBODY),
    "event-live": Access(get=SIGNED_IN, obj="event", unscoped=True),
    "event-live-stream": Access(get=SIGNED_IN, obj="event", unscoped=True),
    "event-ask": Access(post=SIGNED_IN, obj="event", unscoped=True),
    "event-vote": Access(post=SIGNED_IN, obj="question", unscoped=True),
    "event-poll-answer": Access(post=SIGNED_IN, obj="poll", unscoped=True),
    "event-moderate": Access(get=ORGANISERS, obj="event"),
    "event-moderate-question": Access(post=ORGANISERS, obj="question"),
    "event-poll-new": Access(post=ORGANISERS, obj="event"),
    "event-poll-status": Access(post=ORGANISERS, obj="poll"),
    "event-speaker": Access(get=ORGANISERS | LEARNER, obj="event"),
    # The rotating check-in code (both walk events offer credit): the speaker's view and moderators' page.
    "event-screen-code": Access(get=ORGANISERS | LEARNER, obj="event"),
    # Heartbeats count the caller's own time (an empty POST is a 400 that names the state wanted).
    "event-live-heartbeat": Access(post=SIGNED_IN, obj="event", unscoped=True),
    "event-watch": Access(get=SIGNED_IN, obj="event", unscoped=True),
    "event-watch-heartbeat": Access(post=SIGNED_IN, obj="event", unscoped=True),
    "events-organise": Access(get=ORGANISERS),
    "events-series-new": Access(get=ORGANISERS, post=ORGANISERS),
    "events-series-manage": Access(get=ORGANISERS, post=ORGANISERS, obj="series"),
    "events-event-new": Access(get=ORGANISERS, post=ORGANISERS),
    "events-event-manage": Access(get=ORGANISERS, post=ORGANISERS, obj="event"),
    "events-event-recording": Access(get=ORGANISERS, post=ORGANISERS, obj="event"),
    # The API: any signed-in caller (staff see every event; the walk's are staff events).
    "api:events-list": Access(get=SIGNED_IN),
    "api:events-detail": Access(get=SIGNED_IN, obj="event", unscoped=True),
    # One path, two operations (the walk finds both names on it): read the questions, or ask one.
    "api:events-questions-list": Access(get=SIGNED_IN, post=SIGNED_IN, obj="event", unscoped=True),
    "api:events-ask": Access(get=SIGNED_IN, post=SIGNED_IN, obj="event", unscoped=True),
    "api:events-vote": Access(post=SIGNED_IN, obj="question", unscoped=True),
    "public-events": Access(get=EVERYONE),
    "public-event": Access(get=EVERYONE, obj="public_event", unscoped=True),
}


def build_objects(*, actors, unit_in, unit_out, person_in, person_out) -> dict[str, tuple]:
    """An event (with a question and an open poll) in the inside unit's department and one outside;
    the learner speaks at the inside one."""
    from decimal import Decimal

    from django.utils import timezone

    from bedside.events import dialogue, services
    from bedside.events.credit import CreditTerms
    from bedside.events.models import Mode

    now = timezone.now()
    made = {}
    for name, unit, asker in (("in", unit_in, person_in), ("out", unit_out, person_out)):
        series = services.series_create(
            actor=None, title=f"Walk rounds {name}", department=unit.department, weekday=3, at=dt.time(8, 0)
        )
        event = services.event_create(
            actor=None,
            department=unit.department,
            series=series,
            fields=services.EventFields(
                title=f"Walk talk {name}", starts_at=now - dt.timedelta(minutes=10),
                ends_at=now + dt.timedelta(minutes=50), mode=Mode.VIRTUAL, stream_url="https://stream.example.org/x",
                public=name == "in",
            ),
            credit_terms=CreditTerms(offers={"ama_pra_1": Decimal("1.00")}, provider_name="Walk CME office"),
        )  # fmt: skip
        question = dialogue.question_ask(person=asker, event=event, text="What is the first step?", now=now)
        poll = dialogue.poll_create(actor=None, event=event, prompt="Ready?", options=["Yes", "No"])
        made[name] = (series, event, question, poll)
    services.speaker_add(
        actor=None, event=made["in"][1], name="", person=actors["learner"], disclosure="none"
    )
    return {
        "event": (made["in"][1].pk, made["out"][1].pk),
        "series": (made["in"][0].pk, made["out"][0].pk),
        "series_slug": (made["in"][0].slug, made["out"][0].slug),
        "question": (made["in"][2].pk, made["out"][2].pk),
        "poll": (made["in"][3].pk, made["out"][3].pk),
        "public_event": (made["in"][1].slug, made["in"][1].slug),
    }
