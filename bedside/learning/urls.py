from django.urls import path

from bedside.learning.views import (
    authoring,
    calendars,
    learner,
    paths,
    quiz,
    reports,
    session_edit,
    sessions,
    staff,
    validate,
)

urlpatterns = [
    # Learners
    path("", learner.catalogue, name="learning-catalogue"),
    path("courses/<int:course_id>/", learner.course, name="course"),
    path("modules/<int:module_id>/", learner.module, name="course-module"),
    path("modules/<int:module_id>/watched/", learner.video_progress, name="course-video-progress"),
    path("modules/<int:module_id>/continue/", learner.video_done, name="course-video-done"),
    path("attempts/<int:attempt_id>/", quiz.attempt, name="quiz-attempt"),
    path("attempts/<int:attempt_id>/continue/", quiz.attempt_continue, name="quiz-attempt-continue"),
    path("sessions/<int:session_id>/", sessions.session, name="session"),
    path("sessions/<int:session_id>/session.ics", calendars.session_ics, name="session-ics"),
    path("sessions/<int:session_id>/check-in/", sessions.checkin, name="session-checkin"),
    path("calendar/", calendars.my_calendar, name="my-calendar"),
    path("calendar/<str:token>.ics", calendars.calendar_feed, name="calendar-feed"),
    # Instructors
    path("sessions/<int:session_id>/roster/", sessions.roster, name="session-roster"),
    path("sessions/<int:session_id>/screen/", sessions.screen, name="session-screen"),
    path("sessions/<int:session_id>/screen/code/", sessions.screen_code, name="session-screen-code"),
    path("sessions/<int:session_id>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("sessions/<int:session_id>/edit/", session_edit.session_edit, name="teach-session-edit"),
    # Managers
    path("sessions/<int:session_id>/register-staff/", staff.register_staff, name="session-register-staff"),
    path("skills-checks/", validate.skills, name="skills-checks"),
    path("paths/<int:path_id>/", paths.path, name="learning-path"),
    # Educators
    path("teach/", authoring.courses, name="teach-courses"),
    path("teach/<int:course_id>/", authoring.course, name="teach-course"),
    path("teach/<int:course_id>/modules/new/", authoring.module_new, name="teach-module-new"),
    path("teach/<int:course_id>/modules/", authoring.module_action, name="teach-module-action"),
    path("teach/modules/<int:module_id>/edit/", authoring.module_edit, name="teach-module-edit"),
    path("teach/<int:course_id>/library-picker/", authoring.library_picker, name="teach-library-picker"),
    path("teach/<int:course_id>/questions/new/", authoring.question_new, name="teach-question-new"),
    path("teach/<int:course_id>/publish/", authoring.publish, name="teach-publish"),
    path("teach/<int:course_id>/preview/", authoring.preview, name="teach-preview"),
    path("teach/<int:course_id>/require/", authoring.require, name="teach-require"),
    path("teach/<int:course_id>/sessions/new/", authoring.session_new, name="teach-session-new"),
    path("teach/<int:course_id>/report/", reports.course_report, name="teach-report"),
    path("teach/<int:course_id>/report.<fmt:fmt>", reports.course_report_export, name="teach-report-export"),
    path("teach/paths/", paths.teach_paths, name="teach-paths"),
    path("teach/paths/<int:path_id>/", paths.teach_path, name="teach-path"),
]
