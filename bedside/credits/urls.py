from django.urls import path

from bedside.credits import views, views_certificates, views_office

urlpatterns = [
    path("me/", views.transcript, name="credits-transcript"),
    path("me/transcript.csv", views.transcript_csv, name="credits-transcript-csv"),
    path("me/transcript.pdf", views.transcript_pdf, name="credits-transcript-pdf"),
    path("a/<int:activity_id>/", views.activity_page, name="credits-activity"),
    path("a/<int:activity_id>/check-in/", views.checkin, name="credits-checkin"),
    path("a/<int:activity_id>/evaluate/", views.evaluate, name="credits-evaluate"),
    path("a/<int:activity_id>/claim/", views.claim, name="credits-claim"),
    path("a/<int:activity_id>/time/", views.record_time, name="credits-record-time"),
    path("certificates/<slug:code>/", views_certificates.certificate, name="credits-certificate"),
    path("certificates/<slug:code>.pdf", views_certificates.certificate_pdf, name="credits-certificate-pdf"),
    path("certificates/<slug:code>.jwt", views_certificates.badge, name="credits-badge"),
    path("office/", views_office.office, name="credits-office"),
    path("office/new/", views_office.activity_new, name="credits-office-new"),
    path("office/a/<int:activity_id>/", views_office.activity_manage, name="credits-office-activity"),
    path("office/exports/pars-activities.xml", views_office.pars_activities, name="credits-pars-activities"),
    path("office/exports/pars-learners.csv", views_office.pars_learners, name="credits-pars-learners"),
    path("office/a/<int:activity_id>/screen/", views_office.screen, name="credits-screen"),
    path("office/a/<int:activity_id>/screen/code/", views_office.screen_code, name="credits-screen-code"),
]

public_urlpatterns = [
    path("me/", views.transcript, name="credits-transcript"),
    path("me/transcript.csv", views.transcript_csv, name="credits-transcript-csv"),
    path("me/transcript.pdf", views.transcript_pdf, name="credits-transcript-pdf"),
    path("issuer.json", views_certificates.issuer, name="credits-issuer"),
    path("badge/", views_certificates.verify_badge, name="credits-verify-badge"),
    path("<slug:code>/", views_certificates.verify, name="credits-verify"),
]
