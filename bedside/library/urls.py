from django.urls import path

from bedside.library import accounts, curate_views, import_views, public, views

urlpatterns = [
    path("", views.library_home, name="library"),
    path("search/", views.library_search, name="library-search"),
    path("r/<slug:slug>/", views.resource_page, name="library-resource"),
    path("r/<slug:slug>/changes/", views.resource_changes, name="library-changes"),
    path("c/<slug:slug>/", views.collection_page, name="library-collection"),
    path("files/<int:attachment_id>/", views.attachment_file, name="library-attachment"),
    path("curate/", curate_views.curate_home, name="library-curate"),
    path("curate/new/", curate_views.resource_new, name="library-resource-new"),
    path("curate/overdue/", curate_views.overdue, name="library-overdue"),
    path("curate/imports/", import_views.imports, name="library-imports"),
    path("curate/imports/<int:import_id>/", import_views.import_page, name="library-import"),
    path(
        "curate/imports/<int:import_id>/progress/",
        import_views.import_progress,
        name="library-import-progress",
    ),
    path("curate/r/<slug:slug>/", curate_views.resource_manage, name="library-resource-manage"),
    path("curate/r/<slug:slug>/codes/", curate_views.code_sheet, name="library-code-sheet"),
    path("curate/r/<slug:slug>/codes.pdf", curate_views.code_sheet_pdf, name="library-code-sheet-pdf"),
    path("curate/codes/<slug:code>.svg", curate_views.code_svg, name="library-code-svg"),
    path("curate/drafts/<int:version_id>/", curate_views.draft_edit, name="library-draft"),
    path("reviews/<int:review_id>/", curate_views.review_page, name="library-review"),
]

public_urlpatterns = [
    path("", public.public_home, name="public-home"),
    path("c/<slug:slug>/", public.public_collection, name="public-collection"),
    path("r/<slug:slug>/", public.public_resource, name="public-resource"),
    path("feed.atom", public.public_feed, name="public-feed"),
    path("sitemap.xml", public.public_sitemap, name="public-sitemap"),
    path("join/", accounts.join, name="public-join"),
]
