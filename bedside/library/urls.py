from django.urls import path

from bedside.library import curate_views, views

urlpatterns = [
    path("", views.library_home, name="library"),
    path("search/", views.library_search, name="library-search"),
    path("r/<slug:slug>/", views.resource_page, name="library-resource"),
    path("r/<slug:slug>/changes/", views.resource_changes, name="library-changes"),
    path("c/<slug:slug>/", views.collection_page, name="library-collection"),
    path("curate/", curate_views.curate_home, name="library-curate"),
    path("curate/new/", curate_views.resource_new, name="library-resource-new"),
    path("curate/overdue/", curate_views.overdue, name="library-overdue"),
    path("curate/r/<slug:slug>/", curate_views.resource_manage, name="library-resource-manage"),
    path("curate/drafts/<int:version_id>/", curate_views.draft_edit, name="library-draft"),
    path("reviews/<int:review_id>/", curate_views.review_page, name="library-review"),
]
