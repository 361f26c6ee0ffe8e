from django.db import models


class PasswordResetRequest(models.Model):
    """One request for a reset link, kept a day so requests can be throttled by address and by client.

    The address is kept as a keyed digest: the table must not become a list of what
    anonymous visitors typed.
    """

    address_digest = models.CharField(max_length=64)
    client = models.CharField(max_length=45, help_text="IP address of the client")
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["address_digest", "at"], name="pw_reset_by_address"),
            models.Index(fields=["client", "at"], name="pw_reset_by_client"),
            models.Index(fields=["at"], name="pw_reset_at"),
        ]

    def __str__(self) -> str:
        return f"reset request from {self.client} at {self.at:%Y-%m-%d %H:%M}"
