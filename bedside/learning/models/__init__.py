"""The learning app's models, split by what they hold."""

from bedside.learning.models.courses import (
    Course,
    CourseRevision,
    Enrolment,
    Modality,
    Module,
    ModuleKind,
    ModuleProgress,
    RevisionState,
)
from bedside.learning.models.paths import LearningPath, PathStep
from bedside.learning.models.quizzes import AttemptQuestion, Choice, Question, QuestionKind, QuizAttempt
from bedside.learning.models.sessions import (
    LIVE_STATUSES,
    SEAT_STATUSES,
    CalendarFeed,
    CourseSession,
    Registration,
    RegistrationStatus,
    Room,
    SessionMode,
    SessionNotice,
)

__all__ = [
    "LIVE_STATUSES",
    "SEAT_STATUSES",
    "AttemptQuestion",
    "CalendarFeed",
    "Choice",
    "Course",
    "CourseRevision",
    "CourseSession",
    "Enrolment",
    "LearningPath",
    "Modality",
    "Module",
    "ModuleKind",
    "ModuleProgress",
    "PathStep",
    "Question",
    "QuestionKind",
    "QuizAttempt",
    "Registration",
    "RegistrationStatus",
    "RevisionState",
    "Room",
    "SessionMode",
    "SessionNotice",
]
