from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "bedside.assignments"
    label = "assignments"

    def ready(self) -> None:
        from bedside.assignments.today import due_cards
        from bedside.web.today import Section, register_section

        register_section(
            Section(
                key="due",
                title="Due for you",
                empty="Nothing is due. You are up to date.",
                order=10,
                cards=due_cards,
            )
        )
