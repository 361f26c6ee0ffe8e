"""Rotating check-in codes: an HMAC of (subject, time step) shown on a room screen.

A room screen shows two forms of one code for the current time step: a QR token
(`<subject id>.<step>.<mac>`) that a phone camera opens, and six digits read out for those
who cannot scan. Both are valid for their step and the one before, so a code sent outside the
room dies within two steps. The key is the site's SECRET_KEY with a per-subject secret, so a
code of one session or activity never opens another. Knows no domain: learning's sessions and
credits' activities each wrap it with their own words.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import io
from dataclasses import dataclass

import segno
from django.conf import settings


class Verdict(enum.Enum):
    OK = "ok"
    MALFORMED = "malformed"  # not a token of ours, or not six digits
    OTHER_SUBJECT = "other"  # a token for another session or activity
    EXPIRED = "expired"  # a token of an earlier step
    WRONG = "wrong"  # a forged token, or digits that match no valid step


@dataclass(frozen=True)
class RotatingCode:
    """The code of one subject (a session, an activity): `secret` is the subject's own random string."""

    subject_id: int
    secret: str
    step_seconds: int = 20

    def step_of(self, now: dt.datetime) -> int:
        return int(now.timestamp() // self.step_seconds)

    def _mac(self, step: int) -> str:
        key = f"{settings.SECRET_KEY}:{self.secret}".encode()
        return hmac.new(key, f"{self.subject_id}:{step}".encode(), hashlib.sha256).hexdigest()

    def _digits(self, step: int) -> str:
        return f"{int(self._mac(step)[:12], 16) % 1_000_000:06d}"

    def short_code(self, now: dt.datetime) -> str:
        """The six digits read out for the current step."""
        return self._digits(self.step_of(now))

    def token(self, now: dt.datetime) -> str:
        """The QR token for the current step."""
        step = self.step_of(now)
        return f"{self.subject_id}.{step}.{self._mac(step)[:20]}"

    def seconds_left(self, now: dt.datetime) -> int:
        return self.step_seconds - int(now.timestamp()) % self.step_seconds

    def check(self, code: str, now: dt.datetime) -> Verdict:
        """Whether `code` (a QR token, or six digits with any spacing) is valid now."""
        code = (code or "").strip()
        current = self.step_of(now)
        steps = (current, current - 1)
        if "." in code:
            try:
                sid, step, mac = code.split(".")
                sid, step = int(sid), int(step)
            except ValueError:
                return Verdict.MALFORMED
            if sid != self.subject_id:
                return Verdict.OTHER_SUBJECT
            if step not in steps:
                return Verdict.EXPIRED
            if not hmac.compare_digest(mac, self._mac(step)[:20]):
                return Verdict.WRONG
            return Verdict.OK
        digits = "".join(ch for ch in code if ch.isdigit())
        if len(digits) != 6:
            return Verdict.MALFORMED
        if any(hmac.compare_digest(digits, self._digits(s)) for s in steps):
            return Verdict.OK
        return Verdict.WRONG

    def step_used(self, code: str, now: dt.datetime) -> int | None:
        """The step a valid code belongs to (None when it is not valid now)."""
        if self.check(code, now) is not Verdict.OK:
            return None
        code = code.strip()
        if "." in code:
            return int(code.split(".")[1])
        current = self.step_of(now)
        digits = "".join(ch for ch in code if ch.isdigit())
        return current if hmac.compare_digest(digits, self._digits(current)) else current - 1


def qr_svg(url: str, *, title: str = "Check-in code") -> str:
    """An inline SVG of a QR code for `url` (no XML declaration, sized by its container)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", border=2, xmldecl=False, svgns=True, omitsize=True, title=title
    )
    return out.getvalue().decode()


def qr_png_data_uri(url: str, *, scale: int = 4) -> str:
    """A PNG data URI of a QR code for `url` (for PDFs, where an inline SVG is not wanted)."""
    return segno.make(url, error="m").png_data_uri(scale=scale, border=2)
