"""URLs of `campaigns` under /campaigns/."""

from django.urls import path

from bedside.campaigns import views

urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("new/", views.campaign_new, name="campaign-new"),
    path("<int:campaign_id>/", views.campaign, name="campaign"),
    path("<int:campaign_id>/launch/", views.campaign_launch_view, name="campaign-launch"),
    path("<int:campaign_id>/launch/status/", views.campaign_launch_status, name="campaign-launch-status"),
    path("<int:campaign_id>/progress/", views.campaign_progress_view, name="campaign-progress"),
    path("<int:campaign_id>/progress/live/", views.campaign_progress_live, name="campaign-progress-live"),
    path("<int:campaign_id>/progress.csv", views.campaign_progress_csv, name="campaign-progress-csv"),
    path("<int:campaign_id>/readiness/", views.campaign_readiness_add, name="campaign-readiness-add"),
    path(
        "<int:campaign_id>/readiness/remove/",
        views.campaign_readiness_remove,
        name="campaign-readiness-remove",
    ),
    path("<int:campaign_id>/readiness.csv", views.campaign_readiness_csv, name="campaign-readiness-csv"),
]
