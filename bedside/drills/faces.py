"""How a card shows: the question side and the answer side, escaped, cloze gaps drawn."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from bedside.drills.models import Card, CardKind
from bedside.drills.services import CLOZE


@dataclass(frozen=True)
class Faces:
    front: SafeString
    back: SafeString
    options: list[tuple[int, str, bool]]  # (index, text, correct)


def _cloze(text: str, *, reveal: bool) -> str:
    out, last = [], 0
    for m in CLOZE.finditer(text):
        out.append(escape(text[last : m.start()]))
        hidden, hint = m.group(1), m.group(2)
        if reveal:
            out.append(f'<mark class="cloze">{escape(hidden)}</mark>')
        else:
            out.append(f'<span class="cloze-gap">[{escape(hint) if hint else "…"}]</span>')
        last = m.end()
    out.append(escape(text[last:]))
    return linebreaks("".join(out), autoescape=False)


def faces(card: Card) -> Faces:
    if card.kind == CardKind.CLOZE:
        back = _cloze(card.front, reveal=True)
        if card.back:
            back += linebreaks(card.back, autoescape=True)
        return Faces(mark_safe(_cloze(card.front, reveal=False)), mark_safe(back), [])
    options = []
    if card.kind == CardKind.SBA:
        options = [(i, text, i == card.correct_option) for i, text in enumerate(card.options)]
    back = linebreaks(card.back, autoescape=True) if card.back else ""
    if card.explanation:
        back += linebreaks(card.explanation, autoescape=True)
    return Faces(mark_safe(linebreaks(card.front, autoescape=True)), mark_safe(back), options)
