from django.urls import path

from bedside.drills import views, views_sim

urlpatterns = [
    path("", views.drills_home, name="drills-home"),
    path("review/", views.review, name="drills-review"),
    path("review/undo/", views.review_undo, name="drills-undo"),
    path("decks/", views.decks, name="drills-decks"),
    path("decks/import/", views.anki_import_view, name="drills-anki-import"),
    path("decks/new/", views.deck_new, name="drills-deck-new"),
    path("decks/<int:deck_id>/cards/new/", views.card_new, name="drills-card-new"),
    path("decks/<int:deck_id>/", views.deck, name="drills-deck"),
    path("decks/<int:deck_id>/choose/", views.deck_choose_view, name="drills-deck-choose"),
    path("decks/<int:deck_id>/export/", views.deck_export, name="drills-deck-export"),
    path("decks/<int:deck_id>/health/", views.deck_health, name="drills-deck-health"),
    path("cards/<int:card_id>/edit/", views.card_edit, name="drills-card-edit"),
    path("cards/<int:card_id>/flag/", views.card_flag_action, name="drills-card-flag"),
    path("sim/", views_sim.sim_drills, name="sim-drills"),
    path("sim/plan/", views_sim.sim_plan, name="sim-plan"),
    path("sim/<int:drill_id>/", views_sim.sim_drill, name="sim-drill"),
    path("sim/<int:drill_id>/start/", views_sim.sim_start, name="sim-start"),
    path("sim/<int:drill_id>/action/", views_sim.sim_action, name="sim-action"),
    path("sim/<int:drill_id>/action/undo/", views_sim.sim_action_undo, name="sim-action-undo"),
    path("sim/<int:drill_id>/edit/", views_sim.sim_edit, name="sim-edit"),
    path("sim/<int:drill_id>/debrief/", views_sim.sim_debrief, name="sim-debrief"),
    path("sim/units/<int:unit_id>/", views_sim.sim_unit, name="sim-unit"),
    path("sim/threats/<int:threat_id>/", views_sim.sim_threat, name="sim-threat"),
]
