from django.urls import path

from bedside.drills import views

urlpatterns = [
    path("", views.drills_home, name="drills-home"),
    path("review/", views.review, name="drills-review"),
    path("review/undo/", views.review_undo, name="drills-undo"),
    path("decks/", views.decks, name="drills-decks"),
    path("decks/<int:deck_id>/", views.deck, name="drills-deck"),
    path("decks/<int:deck_id>/choose/", views.deck_choose_view, name="drills-deck-choose"),
    path("decks/<int:deck_id>/health/", views.deck_health, name="drills-deck-health"),
    path("cards/<int:card_id>/flag/", views.card_flag_action, name="drills-card-flag"),
]
