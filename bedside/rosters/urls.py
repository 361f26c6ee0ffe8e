"""URLs of `rosters` under /roster/: the roster import pages."""

from django.urls import path

from bedside.rosters import views

urlpatterns = [
    path("imports/", views.roster_imports, name="roster-imports"),
    path("imports/<int:import_id>/", views.roster_import, name="roster-import"),
    path(
        "imports/<int:import_id>/progress/",
        views.roster_import_progress,
        name="roster-import-progress",
    ),
]
