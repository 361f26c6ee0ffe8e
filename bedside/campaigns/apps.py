from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Rapid mobilisation: a target population, a bundle of items, a deadline and live progress."""

    name = "bedside.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        from bedside.campaigns import scopes, tasks
        from bedside.core.periodic import daily_at, register_periodic

        scopes.register()
        # Unit managers hear each morning, local time, who on their units is still open.
        register_periodic("campaigns.escalation_digests", tasks.escalation_digests, when=daily_at(7, 0))
