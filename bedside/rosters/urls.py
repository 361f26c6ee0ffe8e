"""URLs of `rosters` under /roster/: the roster import pages and staffing coverage."""

from django.urls import path

from bedside.rosters import coverage_views, views

urlpatterns = [
    path("imports/", views.roster_imports, name="roster-imports"),
    path("imports/<int:import_id>/", views.roster_import, name="roster-import"),
    path(
        "imports/<int:import_id>/progress/",
        views.roster_import_progress,
        name="roster-import-progress",
    ),
    path("coverage/", coverage_views.coverage_units, name="coverage-units"),
    path("coverage/<int:unit_id>/", coverage_views.coverage, name="coverage"),
]
