"""What an educator offers the planner: rooms and seats, start times, length, instructors."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

from bedside.core.forms import AccessibleForm
from bedside.planner.from_campaign import Options

MAX_SLOTS = 3000


class PlanForm(AccessibleForm):
    rooms = forms.CharField(
        label="Rooms and seats",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Simulation lab: 12\nClassroom 4B: 16",
        help_text="One room a line: its name, a colon, its seats.",
    )
    times = forms.CharField(
        label="Session start times each day",
        initial="08:00, 10:30, 13:00, 15:30",
        help_text="Local times, separated by commas.",
    )
    minutes = forms.IntegerField(label="Session length (minutes)", min_value=15, max_value=600, initial=120)
    instructors = forms.IntegerField(label="Instructors", min_value=1, max_value=50, initial=2)
    teach_from = forms.TimeField(label="Instructors available from", initial=dt.time(7),
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))  # fmt: skip
    teach_until = forms.TimeField(label="Instructors available until", initial=dt.time(19),
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))  # fmt: skip
    weekends = forms.BooleanField(label="Also on Saturdays and Sundays", required=False)
    time_limit = forms.IntegerField(label="Time to search (seconds)", min_value=5, max_value=300, initial=60)

    def __init__(self, *args, days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = days

    def clean_rooms(self) -> list[tuple[str, int]]:
        rooms, bad = [], []
        for line in (self.cleaned_data["rooms"] or "").splitlines():
            if not line.strip():
                continue
            found = re.fullmatch(r"\s*([^:]{1,60}?)\s*:\s*(\d{1,3})\s*", line)
            if not found or int(found.group(2)) < 1:
                bad.append(line.strip()[:40])
                continue
            rooms.append((found.group(1), int(found.group(2))))
        if bad:
            raise forms.ValidationError(
                f"Write each room as “name: seats”, e.g. Simulation lab: 12 (not “{bad[0]}”)."
            )
        if not rooms:
            raise forms.ValidationError("Name at least one room, e.g. Simulation lab: 12.")
        if len({name for name, _ in rooms}) < len(rooms):
            raise forms.ValidationError("Each room may appear once.")
        return rooms

    def clean_times(self) -> list[dt.time]:
        times = []
        for part in re.split(r"[,\s]+", self.cleaned_data["times"] or ""):
            if not part:
                continue
            try:
                times.append(dt.time.fromisoformat(part))
            except ValueError:
                raise forms.ValidationError(
                    f"“{part[:10]}” is not a time; write times as HH:MM, e.g. 08:00."
                ) from None
        if not times:
            raise forms.ValidationError("Give at least one start time, e.g. 08:00.")
        return sorted(set(times))

    def clean(self):
        data = super().clean()
        start, until = data.get("teach_from"), data.get("teach_until")
        if start and until and until <= start:
            self.add_error("teach_until", "Instructors must be available until after they start.")
        rooms, times, length = data.get("rooms"), data.get("times"), data.get("minutes")
        if rooms and times and length:
            late = [t for t in times if (dt.datetime.combine(dt.date.today(), t) + dt.timedelta(minutes=length)).date()
                    != dt.date.today()]  # fmt: skip
            if late:
                self.add_error("times", f"A session starting at {late[0]:%H:%M} would run past midnight.")
            if len(rooms) * len(times) * self.days > MAX_SLOTS:
                self.add_error(
                    "times", f"That offers more than {MAX_SLOTS:,} sessions; offer fewer rooms or times."
                )
        return data

    def options(self) -> Options:
        d = self.cleaned_data
        return Options(
            rooms=tuple(d["rooms"]),
            times=tuple(d["times"]),
            minutes=d["minutes"],
            instructors=d["instructors"],
            teach_from=d["teach_from"],
            teach_until=d["teach_until"],
            time_limit=d["time_limit"],
            weekends=d["weekends"],
        )
