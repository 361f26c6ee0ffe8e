from django.urls import path

from bedside.events import public, views, views_live, views_organise, views_recording

urlpatterns = [
    path("", views.events_home, name="events"),
    path("<int:event_id>/", views.event, name="event"),
    path("<int:event_id>/event.ics", views.event_ics, name="event-ics"),
    path("series/<slug:slug>/", views.series, name="events-series"),
    path("calendar/<str:token>.ics", views.person_calendar, name="events-calendar"),
    path("calendar/<str:token>/series/<slug:slug>.ics", views.series_calendar, name="events-series-calendar"),
    # The live dialogue
    path("<int:event_id>/live/", views_live.live, name="event-live"),
    path("<int:event_id>/live/stream/", views_live.live_stream, name="event-live-stream"),
    path("<int:event_id>/live/questions/", views_live.ask, name="event-ask"),
    path("questions/<int:question_id>/vote/", views_live.vote, name="event-vote"),
    path("polls/<int:poll_id>/answer/", views_live.poll_answer, name="event-poll-answer"),
    path("<int:event_id>/moderate/", views_live.moderate, name="event-moderate"),
    path(
        "moderate/questions/<int:question_id>/", views_live.moderate_question, name="event-moderate-question"
    ),
    path("<int:event_id>/moderate/polls/", views_live.poll_new, name="event-poll-new"),
    path("moderate/polls/<int:poll_id>/", views_live.poll_status, name="event-poll-status"),
    path("<int:event_id>/speaker/", views_live.speaker, name="event-speaker"),
    path("<int:event_id>/check-in-code/", views_live.screen_code, name="event-screen-code"),
    path("<int:event_id>/live/heartbeat/", views_recording.live_heartbeat, name="event-live-heartbeat"),
    # The recording, and the time watching it counts
    path("<int:event_id>/recording/", views_recording.watch, name="event-watch"),
    path(
        "<int:event_id>/recording/heartbeat/", views_recording.watch_heartbeat, name="event-watch-heartbeat"
    ),
    # Organisers
    path("organise/", views_organise.organise, name="events-organise"),
    path("organise/series/new/", views_organise.series_new, name="events-series-new"),
    path("organise/series/<int:series_id>/", views_organise.series_manage, name="events-series-manage"),
    path("organise/new/", views_organise.event_new, name="events-event-new"),
    path("organise/<int:event_id>/", views_organise.event_manage, name="events-event-manage"),
    path(
        "organise/<int:event_id>/recording/", views_recording.recording_manage, name="events-event-recording"
    ),
]

public_urlpatterns = [
    path("", public.public_events, name="public-events"),
    path("<slug:slug>/", public.public_event, name="public-event"),
]
