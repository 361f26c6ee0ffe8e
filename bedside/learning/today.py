"""The learning app's section of Today: the person's upcoming sessions, with their minutes."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from bedside.core.humanize import relative, when
from bedside.core.today import Card, Section
from bedside.learning.models import RegistrationStatus
from bedside.learning.sessions import upcoming_for
from bedside.people.models import Person


def session_cards(person: Person) -> list[Card]:
    now = timezone.now()
    cards = []
    for place in upcoming_for(person, now)[:10]:
        s = place.session
        minutes = int((s.ends_at - s.starts_at).total_seconds() // 60)
        waiting = place.status == RegistrationStatus.WAITLISTED
        where = s.room.name if s.room else "Online"
        cards.append(
            Card(
                title=s.course.title,
                url=reverse("session", args=[s.pk]),
                kind_label=f"{s.get_mode_display()} session",
                minutes=minutes,
                status="info" if waiting else "due",
                status_label="Waiting list" if waiting else "Booked",
                when=s.starts_at,
                detail=f"{when(s.starts_at, now=now)} ({relative(s.starts_at, now)}) · {where}",
                sort_key=(s.starts_at,),
            )
        )
    return cards


SESSIONS_SECTION = Section(
    key="sessions",
    title="Your sessions",
    empty="No sessions booked. Courses with a classroom part list their sessions on the course page.",
    order=20,
    cards=session_cards,
)
