"""URLs of `planner`, under a campaign: /campaigns/<id>/plan/."""

from django.urls import path

from bedside.planner import views

urlpatterns = [
    path("<int:campaign_id>/plan/", views.campaign_plan, name="campaign-plan"),
    path("<int:campaign_id>/plan/status/", views.campaign_plan_status, name="campaign-plan-status"),
    path("<int:campaign_id>/plan/publish/", views.campaign_plan_publish, name="campaign-plan-publish"),
    path("<int:campaign_id>/plan/releases/", views.campaign_releases, name="campaign-plan-releases"),
]
