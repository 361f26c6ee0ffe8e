"""URLs of `people` under /roster/: the roster import pages."""

from django.urls import path

from bedside.people import import_views

urlpatterns = [
    path("imports/", import_views.roster_imports, name="roster-imports"),
    path("imports/<int:import_id>/", import_views.roster_import, name="roster-import"),
    path(
        "imports/<int:import_id>/progress/",
        import_views.roster_import_progress,
        name="roster-import-progress",
    ),
]
