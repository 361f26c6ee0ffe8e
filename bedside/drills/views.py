"""Drills pages: the learner's page, the review screen (one request per answer), a deck, deck health."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bedside.drills import queries
from bedside.drills.faces import faces
from bedside.drills.models import Card, CardState, Deck, Rating
from bedside.drills.queue import MAX_MINUTES, build_queue, deck_ids_of, shift_now
from bedside.drills.recall import deck_recall
from bedside.drills.services import (
    answer_record,
    answer_undo,
    card_keep,
    card_retire,
    deck_choose,
    deck_leave,
)
from bedside.people import access
from bedside.people.models import Capability

MINUTE_CHOICES = (3, 5, 10)
HEALTH_DENIED = "Deck health is for the educators who look after decks."
DECK_MISSING = "There is no such deck, or it is not one of yours to look after."


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default


@login_required
@require_GET
def drills_home(request: HttpRequest) -> HttpResponse:
    """The learner's page: streak, cards due this week, predicted recall per deck, decks to choose."""
    person, now = request.user, timezone.now()
    decks = queries.learner_decks(person, now=now)
    ids = {d.deck.pk for d in decks}
    context = {
        "decks": decks,
        "streak": queries.streak(person, now=now),
        "week": queries.due_by_day(person, ids, now=now) if ids else [],
        "due_now": sum(d.due_now for d in decks),
        "to_choose": queries.decks_to_choose(person)[:30],
        "looked_after": queries.decks_looked_after(person).exists(),
        "shift": shift_now(person, now),
        "minute_choices": MINUTE_CHOICES,
    }
    context["week_total"] = sum(n for _, n in context["week"])
    context["week_max"] = max([n for _, n in context["week"]] + [1])
    return render(request, "drills/home.html", context)


def _review_page(
    request: HttpRequest,
    *,
    minutes: int,
    left: int | None,
    answered: int,
    anyway: bool,
    deck_id: int | None,
    status: int = 200,
) -> HttpResponse:
    person, now = request.user, timezone.now()
    queue = build_queue(person, now=now, minutes=minutes, anyway=anyway, deck_id=deck_id)
    if left is None:
        left = len(queue.cards)
    card = queue.cards[0] if queue.cards and left > 0 else None
    context = {
        "card": card,
        "faces": faces(card) if card else None,
        "minutes": minutes,
        "left": left,
        "answered": answered,
        "anyway": anyway,
        "deck_id": deck_id or "",
        "queue": queue,
        "ratings": Rating.choices,
        "new": card is not None and not CardState.objects.filter(person=person, card=card).exists(),
    }
    return render(request, "drills/review.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """One card at a time; each answer is one POST whose answer is the next card (no redirect)."""
    data = request.POST if request.method == "POST" else request.GET
    minutes = _int(data.get("minutes"), 3, 1, MAX_MINUTES)
    anyway = data.get("anyway") == "1"
    deck_id = _int(data.get("deck"), 0, 0, 2**31) or None
    answered = _int(data.get("answered"), 0, 0, 10_000)
    left = _int(data.get("left"), 0, 0, 10_000) if "left" in data else None
    if request.method == "GET":
        return _review_page(
            request, minutes=minutes, left=left, answered=answered, anyway=anyway, deck_id=deck_id
        )
    if not data.get("card"):
        return HttpResponseBadRequest("Which card? The answer came without one.")
    card = Card.objects.filter(pk=_int(data.get("card"), 0, 0, 2**62)).select_related("deck__item").first()
    rating = _int(data.get("rating"), 0, 0, 9)
    if card is None:
        raise Http404("This card is not in your decks.")
    status = 200
    try:
        answer_record(
            person=request.user,
            card=card,
            rating=rating,
            duration_ms=_int(data.get("ms"), 0, 0, 3_600_000) or None,
        )
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        status = 409 if rating in Rating.values else 400
    else:
        answered += 1
        left = max(0, (left or 1) - 1)
    return _review_page(
        request, minutes=minutes, left=left, answered=answered, anyway=anyway, deck_id=deck_id, status=status
    )


@login_required
@require_POST
def review_undo(request: HttpRequest) -> HttpResponse:
    try:
        log = answer_undo(person=request.user)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
        return redirect("drills-review")
    messages.info(request, "Undone: that card is back.")
    minutes = _int(request.POST.get("minutes"), 3, 1, MAX_MINUTES)
    left = _int(request.POST.get("left"), 0, 0, 10_000) + 1
    answered = max(0, _int(request.POST.get("answered"), 1, 0, 10_000) - 1)
    query = f"?minutes={minutes}&left={left}&answered={answered}"
    if request.POST.get("anyway") == "1":
        query += "&anyway=1"
    if request.POST.get("deck"):
        query += f"&deck={log.deck_id}"
    return redirect(reverse("drills-review") + query)


def _deck(deck_id: int) -> Deck:
    return get_object_or_404(Deck.objects.select_related("item", "unit"), pk=deck_id, item__active=True)


@login_required
@require_GET
def deck(request: HttpRequest, deck_id: int) -> HttpResponse:
    """Any signed-in person may read an active deck's page and choose to study it."""
    person, now = request.user, timezone.now()
    deck = _deck(deck_id)
    mine = deck.pk in deck_ids_of(person)
    context = {
        "deck": deck,
        "mine": mine,
        "chosen": deck.pk in queries.chosen_deck_ids(person),
        "required": deck.pk in queries.assigned_deck_ids(person),
        "cards": deck.cards.filter(active=True, flagged_at__isnull=True).count(),
        "recall": deck_recall(person, deck, now=now) if mine else None,
        "can_edit": access.can(person, Capability.TEACH, deck, own=True),
    }
    return render(request, "drills/deck.html", context)


@login_required
@require_POST
def deck_choose_view(request: HttpRequest, deck_id: int) -> HttpResponse:
    deck = _deck(deck_id)
    if request.POST.get("leave") == "1":
        deck_leave(person=request.user, deck=deck)
        messages.info(request, f"“{deck.title}” is no longer in your drills.")
    else:
        deck_choose(person=request.user, deck=deck)
        messages.success(request, f"“{deck.title}” is in your drills now.")
    return redirect("drills-deck", deck.pk)


def _looked_after(request: HttpRequest, deck_id: int) -> Deck:
    return access.get_in_scope(
        request.user,
        Capability.TEACH,
        Deck.objects.select_related("item", "unit"),
        denied=HEALTH_DENIED,
        missing=DECK_MISSING,
        own=True,
        pk=deck_id,
    )


@login_required
@require_GET
def decks(request: HttpRequest) -> HttpResponse:
    """The decks an educator looks after, with their flagged cards counted."""
    rows = queries.decks_looked_after(request.user)
    if not rows.exists() and not access.has_any(request.user, Capability.TEACH):
        access.require(False, HEALTH_DENIED)
    return render(request, "drills/decks.html", {"decks": rows})


@login_required
@require_GET
def deck_health(request: HttpRequest, deck_id: int) -> HttpResponse:
    """Hardest cards, flagged cards, and predicted recall by unit (the units the educator oversees)."""
    deck = _looked_after(request, deck_id)
    now = timezone.now()
    units = None if access.is_admin(request.user) else access.units_in_scope(request.user)
    context = {
        "deck": deck,
        "hardest": queries.hardest_cards(deck),
        "flagged": queries.flagged_cards(deck),
        "by_unit": queries.recall_by_unit(deck, now=now, units=units),
        "all_cards": list(deck.cards.filter(active=True).select_related("cites__item")),
    }
    context["cards"] = len(context["all_cards"])
    return render(request, "drills/health.html", context)


@login_required
@require_POST
def card_flag_action(request: HttpRequest, card_id: int) -> HttpResponse:
    """The deck's owner keeps a flagged card as it is, or retires it."""
    card = get_object_or_404(Card.objects.select_related("deck__item"), pk=card_id)
    deck = _looked_after(request, card.deck_id)
    if request.POST.get("action") == "retire":
        card_retire(actor=request.user, card=card)
        messages.info(request, "Card retired: learners will not see it again.")
    else:
        card_keep(actor=request.user, card=card)
        messages.success(request, "Card kept: learners see it again.")
    return redirect("drills-deck-health", deck.pk)


@login_required
@require_http_methods(["GET", "POST"])
def anki_import_view(request: HttpRequest) -> HttpResponse:
    """An educator imports an Anki deck for a unit they teach; a bad file names its problems, stores nothing."""
    from bedside.drills.anki import MAX_BYTES, AnkiProblem, anki_import
    from bedside.drills.forms import AnkiImportForm

    if not access.has_any(request.user, Capability.TEACH):
        raise PermissionDenied("Importing decks is for educators.")
    units = access.units_in_scope(request.user, Capability.TEACH)
    form = AnkiImportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error(
                "file",
                f"The file is {upload.size / 1024 / 1024:,.0f} MB; decks up to {MAX_BYTES // 1024 // 1024} MB can be imported.",
            )
        else:
            try:
                deck = anki_import(
                    actor=request.user,
                    data=upload.read(),
                    unit=form.cleaned_data["unit"],
                    title=form.cleaned_data["title"],
                )
            except AnkiProblem as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                messages.success(
                    request, f"Imported “{deck.title}”: {deck.cards.count()} cards, with your review history."
                )
                return redirect("drills-deck-health", deck.pk)
    return render(request, "drills/anki_import.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def deck_new(request: HttpRequest) -> HttpResponse:
    """An educator makes a deck for a unit they teach."""
    from bedside.drills.forms import DeckForm
    from bedside.drills.services import deck_create

    if not access.has_any(request.user, Capability.TEACH):
        raise PermissionDenied("Making decks is for educators.")
    form = DeckForm(request.POST or None, units=access.units_in_scope(request.user, Capability.TEACH))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deck = deck_create(
                actor=request.user, title=data["title"], unit=data["unit"], description=data["description"],
                goal_recall=data["goal_recall"] / 100, new_per_day=data["new_per_day"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Deck made. Add its cards.")
            return redirect("drills-card-new", deck.pk)
    return render(request, "drills/deck_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def card_new(request: HttpRequest, deck_id: int) -> HttpResponse:
    """Add a card (basic, cloze or single best answer, with an image) to a deck one looks after."""
    from bedside.drills.forms import CardForm
    from bedside.drills.services import card_create

    deck = _looked_after(request, deck_id)
    form = CardForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            card_create(actor=request.user, deck=deck, **form.service_arguments())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Card added. Add another, or go back to the deck.")
            return redirect("drills-card-new", deck.pk)
    cards = deck.cards.filter(active=True).order_by("-position")[:10]
    return render(request, "drills/card_new.html", {"form": form, "deck": deck, "cards": cards})


@login_required
@require_http_methods(["GET", "POST"])
def card_edit(request: HttpRequest, card_id: int) -> HttpResponse:
    """Change a card of a deck one looks after; when learners studied it, say correction or new meaning."""
    from bedside.drills.authoring import card_update, studied_by
    from bedside.drills.forms import CardEditForm

    card = get_object_or_404(Card.objects.select_related("deck__item", "cites__item"), pk=card_id)
    deck = _looked_after(request, card.deck_id)
    studied = studied_by(card)
    form = CardEditForm(request.POST or None, request.FILES or None, card=card, studied=studied)
    if request.method == "POST" and form.is_valid():
        try:
            edit = card_update(actor=request.user, card=card, **form.service_arguments())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if not edit.changed:
                messages.info(request, "Nothing changed.")
            elif edit.learners == "reset":
                messages.success(request, f"Card saved; {edit.states_reset} learners will learn it again.")
            else:
                messages.success(request, "Card saved; learners keep their progress.")
            return redirect("drills-deck-health", deck.pk)
    return render(
        request, "drills/card_edit.html", {"form": form, "deck": deck, "card": card, "studied": studied}
    )


@login_required
@require_GET
def deck_export(request: HttpRequest, deck_id: int) -> HttpResponse:
    """The deck as an Anki package; `?history=1` adds the exporter's own scheduling and reviews."""
    from bedside.drills.anki_export import anki_export

    deck = _looked_after(request, deck_id)
    exported = anki_export(actor=request.user, deck=deck, with_history=request.GET.get("history") == "1")
    response = HttpResponse(exported.data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{exported.file_name}"'
    response["Cache-Control"] = "no-store"
    return response
