from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "bedside.assignments"
    label = "assignments"

    def ready(self) -> None:
        from bedside.assignments import scopes, tasks
        from bedside.assignments.closing import requirement_follow_correction, requirements_close_for
        from bedside.assignments.services import roster_reapply
        from bedside.assignments.today import due_cards
        from bedside.core.periodic import daily_at, every, register_periodic
        from bedside.core.today import Section, register_section
        from bedside.people.hooks import on_roster_change
        from bedside.records.hooks import on_correction, on_records_added

        scopes.register()
        register_section(
            Section(
                key="due",
                title="Due for you",
                empty="Nothing is due. You are up to date.",
                order=10,
                cards=due_cards,
            )
        )
        # New hires get their training, transfers and leavers have theirs closed or changed.
        on_roster_change(roster_reapply)
        # Any completing record closes its open requirement, whoever writes it.
        on_records_added(requirements_close_for)
        # A corrected completion moves the coverage; a voided one reopens the requirement it had closed.
        on_correction(requirement_follow_correction)
        # Daily jobs run once a local day, from local midnight; reminders every hour.
        register_periodic("assignments.rules_reconcile_all", tasks.reconcile_rules, when=daily_at(0, 0))
        register_periodic("assignments.rules_apply_all", tasks.apply_rules, when=daily_at(0, 0))
        register_periodic("assignments.send_reminders", tasks.send_reminders, when=every(minutes=60))
        register_periodic("assignments.escalate_overdue", tasks.escalate_overdue, when=daily_at(0, 0))
