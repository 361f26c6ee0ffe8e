"""The learning app's pages, split by who uses them: learners, quizzes, sessions, authors, calendars."""
