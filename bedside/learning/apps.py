from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "bedside.learning"
    label = "learning"
    verbose_name = "Learning: courses and sessions"

    def ready(self) -> None:
        from bedside.core.periodic import every, register_periodic
        from bedside.core.today import register_section
        from bedside.learning import scopes, tasks
        from bedside.learning.kinds import COURSE_KIND, PATH_KIND
        from bedside.learning.today import SESSIONS_SECTION
        from bedside.records.kinds import register_kind

        register_kind(COURSE_KIND)
        register_kind(PATH_KIND)
        scopes.register()
        register_section(SESSIONS_SECTION)
        register_periodic(
            "learning.session_notices_retry", tasks.retry_session_notices, when=every(minutes=60)
        )
