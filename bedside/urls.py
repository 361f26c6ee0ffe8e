from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from bedside.api import api
from bedside.assignments import views as assignment_views
from bedside.attestations import views as attestation_views
from bedside.credits import urls as credits_urls
from bedside.events import urls as event_urls
from bedside.library import urls as library_urls
from bedside.library import views as library_views
from bedside.reports import transcripts
from bedside.reports import views as report_views
from bedside.web import health
from bedside.web import views as web_views
from bedside.web.password_reset import ThrottledPasswordResetForm


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

admin.site.site_header = "Bedside administration"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("health/", health.health, name="health"),
    path("today/", web_views.today, name="today"),
    path("session/ended/", web_views.session_ended, name="session-ended"),
    path("session/keepalive/", web_views.keepalive, name="session-keepalive"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("attest/<int:item_id>/", attestation_views.attestation, name="attestation"),
    path("rules/", assignment_views.rules, name="rules"),
    path("rules/<int:rule_id>/", assignment_views.rule, name="rule"),
    path("rules/<int:rule_id>/edit/", assignment_views.rule_edit, name="rule-edit"),
    path("rules/<int:rule_id>/pause/", assignment_views.rule_pause, name="rule-pause"),
    path(
        "rules/new-attestation/", attestation_views.attestation_required_new, name="attestation-required-new"
    ),
    path(
        "rules/new-attestation/audience/",
        attestation_views.attestation_required_audience,
        name="attestation-required-audience",
    ),
    path("me/transcript/", transcripts.person_transcript, name="my-transcript"),
    path("me/transcript.csv", transcripts.person_transcript_csv, name="my-transcript-csv"),
    path("people/<int:person_id>/transcript/", transcripts.person_transcript, name="person-transcript"),
    path(
        "people/<int:person_id>/transcript.csv",
        transcripts.person_transcript_csv,
        name="person-transcript-csv",
    ),
    path("compliance/", report_views.compliance, name="compliance"),
    path("compliance/export.<fmt:fmt>", report_views.compliance_export, name="compliance-export"),
    path("compliance/units/<int:unit_id>/", report_views.compliance_unit, name="compliance-unit"),
    path(
        "compliance/units/<int:unit_id>/export.<fmt:fmt>",
        report_views.compliance_unit_export,
        name="compliance-unit-export",
    ),
    path("roster/", include("bedside.rosters.urls")),
    path("drills/", include("bedside.drills.urls")),
    path("campaigns/", include("bedside.campaigns.urls")),
    path("campaigns/", include("bedside.planner.urls")),
    path("learn/", include("bedside.learning.urls")),
    path("library/", include("bedside.library.urls")),
    path("l/<slug:code>/", library_views.code_scan, name="library-code"),
    path("events/", include("bedside.events.urls")),
    path("open/events/", include(event_urls.public_urlpatterns)),
    path("open/", include(library_urls.public_urlpatterns)),
    path("credits/", include("bedside.credits.urls")),
    path("verify/", include(credits_urls.public_urlpatterns)),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "bedside.web.errors.forbidden"
handler404 = "bedside.web.errors.not_found"
handler500 = "bedside.web.errors.server_error"
